#!/bin/sh
# Turn a text file into a C string constant: embed.sh SYMBOL FILE > out.c
set -eu
sym=$1
file=$2
printf '/* Generated from %s by mk/embed.sh; do not edit. */\n' "$file"
printf 'const char %s[] =\n' "$sym"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$file"
printf '    ;\n'
