#include "opsdeck/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_messages[] = {
#define OD_STATUS_MSG(name, msg) [OD_##name] = msg,
    OD_STATUS_INFO(OD_STATUS_MSG)
#undef OD_STATUS_MSG
};

const char *od_status_message(enum od_status code)
{
    if ((size_t)code < ARRAY_SIZE(status_messages) && status_messages[code])
        return status_messages[code];
    return "unknown error";
}

void od_error_clear(struct od_error *e)
{
    if (e)
        memset(e, 0, sizeof(*e));
}

enum od_status od_error_set(struct od_error *e, enum od_status code, const char *source,
                            int line, int column, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    snprintf(e->source, sizeof(e->source), "%s", source ? source : "");
    e->line = line;
    e->column = column;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->text, sizeof(e->text), fmt, ap);
        va_end(ap);
    } else {
        snprintf(e->text, sizeof(e->text), "%s", od_status_message(code));
    }
    return code;
}

int od_error_format(char *buf, size_t size, const struct od_error *e)
{
    if (e->source[0] && e->line > 0 && e->column > 0)
        return snprintf(buf, size, "%s:%d:%d: %s", e->source, e->line, e->column, e->text);
    if (e->source[0] && e->line > 0)
        return snprintf(buf, size, "%s:%d: %s", e->source, e->line, e->text);
    if (e->source[0])
        return snprintf(buf, size, "%s: %s", e->source, e->text);
    return snprintf(buf, size, "%s", e->text[0] ? e->text : od_status_message(e->code));
}
