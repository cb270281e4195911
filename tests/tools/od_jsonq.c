/* od_jsonq: print values out of a JSON document on stdin, one per path given:
 *   od_jsonq 'panes[2].status' 'incidents#' 'feeds[0].ok'
 * Path: keys separated by '.', array indexes as [N]; a trailing '#' prints the
 * size of an array or object. Strings print raw, null as "null", others as
 * compact JSON. Exit 1 when a path is missing, 2 when stdin is not JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *walk(json_t *v, const char *path)
{
    char key[256];
    const char *p = path;
    while (v && *p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (*end != ']' || !json_is_array(v))
                return NULL;
            v = json_array_get(v, (size_t)i);
            p = end + 1;
            continue;
        }
        size_t n = strcspn(p, ".[#");
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
        p += n;
        if (*p == '#')
            break;
    }
    return v;
}

int main(int argc, char **argv)
{
    json_error_t err;
    json_t *root = json_loadf(stdin, 0, &err);
    if (!root) {
        fprintf(stderr, "od_jsonq: %d:%d: %s\n", err.line, err.column, err.text);
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        size_t len = strlen(argv[i]);
        int count = len > 0 && argv[i][len - 1] == '#';
        json_t *v = walk(root, argv[i]);
        if (!v) {
            fprintf(stderr, "od_jsonq: no %s\n", argv[i]);
            rc = 1;
            continue;
        }
        if (count) {
            printf("%zu\n", json_is_array(v) ? json_array_size(v) : json_object_size(v));
        } else if (json_is_string(v)) {
            printf("%s\n", json_string_value(v));
        } else {
            char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            printf("%s\n", s ? s : "?");
            free(s);
        }
    }
    json_decref(root);
    return rc;
}
