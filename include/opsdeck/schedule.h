/* When to fetch a feed next: the arithmetic of the engine's schedule, pure so
 * tests check it exactly.
 *
 *  - normal:        interval +- ENGINE_JITTER_PERCENT (so feeds with the same
 *                   interval drift apart instead of all firing together);
 *  - after failure k (1, 2, ...): interval * 2^(k-1), capped at
 *                   max(interval, ENGINE_MAX_BACKOFF_S), with the same jitter;
 *  - Retry-After:   on 429 or 503 the wait is at least what the server asked
 *                   (capped at ENGINE_MAX_RETRY_AFTER_S), jitter only upward.
 * Random numbers come from a caller-held xorshift state (seeded by the engine).
 */
#ifndef OPSDECK_SCHEDULE_H
#define OPSDECK_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

/* xorshift64*: next value; *state must not be 0 (0 is replaced by a constant). */
uint64_t schedule_rand(uint64_t *state);

/* base_ms +- percent%, uniformly; never negative. */
int64_t schedule_jitter(int64_t base_ms, int percent, uint64_t *rng);

/* Milliseconds until the next fetch. failures = consecutive failures so far
 * (0 after a success); retry_after_s = what the server asked for (0 = none). */
int64_t schedule_next_ms(int interval_s, unsigned failures, int64_t retry_after_s,
                         uint64_t *rng);

/* A Retry-After header value: delta seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", relative to now_sec). Seconds to wait
 * (0 for a date in the past), or -1 when the value is not understood. */
int64_t schedule_parse_retry_after(const char *value, int64_t now_sec);

#endif
