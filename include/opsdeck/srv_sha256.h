/* SHA-256 (FIPS 180-4) for token hashes and ETags; small and dependency-free. */
#ifndef OPSDECK_SRV_SHA256_H
#define OPSDECK_SRV_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
/* Lower-case hex of the first n bytes of `bin` into out (2n+1 bytes). */
void hex_encode(const uint8_t *bin, size_t n, char *out);
/* Equal without an early exit, so timing does not tell how much matched. */
bool equal_const_time(const uint8_t *a, const uint8_t *b, size_t n);

#endif
