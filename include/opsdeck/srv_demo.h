/* opsdeckd --demo: the MaxMail reference history (demo/maxmail/api/v2, the
 * same files `make run` used before opsdeckd existed), read with sp_read and
 * shifted in time so its newest update is a few minutes old. */
#ifndef OPSDECK_SRV_DEMO_H
#define OPSDECK_SRV_DEMO_H

#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"

#define SRV_DEMO_AGE_SEC 300    /* the newest update is this old after the shift */

/* The demo's api/v2 directory: `explicit_dir` when given, else the first of
 * <dir of the executable>/../demo/maxmail/api/v2 (a build tree),
 * OPSDECK_DATADIR/demo/maxmail/api/v2 (installed) that has components.json.
 * Writes into buf; NULL when none exists. */
const char *srv_demo_dir(const char *explicit_dir, char *buf, size_t size);

/* page + components + incidents + maintenances from dir, shifted so the newest
 * update shows `age_sec` before `now_sec`. */
OD_NODISCARD struct snapshot *srv_demo_load(const char *dir, int64_t now_sec, int age_sec,
                                            struct od_error *err);

/* Move every time in the snapshot by delta seconds (offsets kept). */
void srv_snapshot_shift(struct snapshot *s, int64_t delta_sec);

#endif
