/* Accepted posts waiting for the feed to show them. */
#include "opsdeck/post_pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/model.h"
#include "opsdeck/text.h"

static void copy_head(char *dst, size_t size, const char *msg)
{
    dst[0] = '\0';
    if (!msg)
        return;
    /* the feed's copy went through the reader's sanitising: compare like with like */
    char *clean = text_sanitize(msg, strlen(msg), TEXT_KEEP_NEWLINES, 0);
    size_t n = strlen(clean);
    if (n >= size)
        n = size - 1;
    while (n > 0 && ((unsigned char)clean[n] & 0xC0) == 0x80)
        n--;                    /* whole characters only */
    memcpy(dst, clean, n);
    dst[n] = '\0';
    free(clean);
}

void post_pending_init(struct post_pending *out, const struct post *p, const char *result_id,
                       int64_t now)
{
    memset(out, 0, sizeof(*out));
    out->kind = p->kind;
    out->at = now;
    out->status = post_effective_status(p);
    snprintf(out->feed, sizeof(out->feed), "%s", p->feed ? p->feed : "");
    const char *id = p->kind == POST_UPDATE || p->kind == POST_RESOLVE ? p->incident_id
                                                                       : result_id;
    snprintf(out->id, sizeof(out->id), "%s", id ? id : "");
    copy_head(out->head, sizeof(out->head), p->message);
    for (size_t i = 0; i < p->n_components && out->n_comps < 8; i++, out->n_comps++) {
        snprintf(out->comp_id[i], sizeof(out->comp_id[i]), "%s", p->components[i].id);
        out->comp_status[i] = p->components[i].status;
    }
    if (p->kind == POST_COMPONENT)
        snprintf(out->label, sizeof(out->label), "component status: %s",
                 p->components && p->components[0].name ? p->components[0].name
                 : p->n_components ? p->components[0].id : "?");
    else
        snprintf(out->label, sizeof(out->label), "%s: %s",
                 p->title ? p->title : p->incident_id ? p->incident_id : "?",
                 incident_status_label(out->status));
}

bool post_pending_confirmed(const struct post_pending *pp, const struct snapshot *snap)
{
    if (!snap)
        return false;
    if (pp->kind == POST_COMPONENT) {
        for (size_t i = 0; i < pp->n_comps; i++) {
            const struct component *c = snapshot_find_component(snap, pp->comp_id[i]);
            if (!c || c->status != pp->comp_status[i])
                return false;
        }
        return true;
    }
    if (!pp->id[0])
        return true;            /* nothing to look for: the next fetch is as good as it gets */
    const struct incident *inc = snapshot_find_incident(snap, pp->id);
    if (!inc)
        return false;
    if (pp->kind == POST_INCIDENT || pp->kind == POST_MAINTENANCE)
        return true;
    const struct incident_update *u = incident_latest_update(inc);
    if (!pp->head[0])
        return inc->updated_at.valid && inc->updated_at.sec >= pp->at - 5;
    return u && u->status == pp->status && u->body &&
           strncmp(u->body, pp->head, strlen(pp->head)) == 0;
}
