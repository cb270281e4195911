#!/bin/sh
# Compile the shipped post templates into the binary:
#   embed-templates.sh templates/a.txt templates/b.txt > templates.c
# Each file becomes {"a", "text"}; the name is the file name without .txt.
set -eu
printf '/* Generated from templates/NAME.txt by mk/embed-templates.sh; do not edit. */\n'
printf '#include "opsdeck/templates.h"\n'
printf 'const struct builtin_template builtin_templates[] = {\n'
n=0
for f in "$@"; do
    name=$(basename "$f" .txt)
    printf '    {"%s",\n' "$name"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/     "/' -e 's/$/\\n"/' "$f"
    printf '    },\n'
    n=$((n + 1))
done
printf '};\n'
printf 'const size_t n_builtin_templates = %d;\n' "$n"
