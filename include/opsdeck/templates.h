/* Post templates: the shipped ones (templates/NAME.txt, compiled in) and the
 * engineer's own in $XDG_CONFIG_HOME/opsdeck/templates/NAME.txt (a user
 * template with a shipped name replaces it).
 *
 * A template file is an optional "status: NAME" line and a blank line, then
 * the message. Placeholders {component} {eta} {start} {end} {title} are filled
 * from the form; one without a value stays as written, so the preview shows
 * what is missing. User files are read with a cap, and their text sanitised.
 */
#ifndef OPSDECK_TEMPLATES_H
#define OPSDECK_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"

/* Generated from templates/NAME.txt by mk/embed-templates.sh. */
struct builtin_template {
    const char *name;
    const char *text;
};
extern const struct builtin_template builtin_templates[];
extern const size_t n_builtin_templates;

#define TEMPLATE_MAX_BYTES (32u << 10)
#define TEMPLATES_MAX      64

struct template {
    char name[64];
    enum incident_status status;    /* INC_UNKNOWN when the file names none */
    char *text;                     /* the message with placeholders */
    bool user;                      /* from the user's directory */
};

/* Parse one template's text (name is the file name without .txt). */
OD_NODISCARD enum od_status template_parse(const char *name, const char *text, size_t len,
                                           struct template *out, struct od_error *err);

/* Shipped plus user templates, by name. Unreadable or bad user files are
 * skipped (the last problem in err when non-NULL). *out is a new array. */
size_t templates_load(struct template **out, struct od_error *err);
void templates_free(struct template *v, size_t n);
const struct template *templates_find(const struct template *v, size_t n, const char *name);

struct template_vars {
    const char *component, *eta, *start, *end, *title;
};

/* The text with placeholders filled. New string. */
OD_NODISCARD char *template_fill(const char *text, const struct template_vars *vars);

#endif
