/* Compiler attributes used on the API, and small helpers every layer shares. */
#ifndef OPSDECK_ATTRS_H
#define OPSDECK_ATTRS_H

#define OD_NONNULL(...)   __attribute__((nonnull(__VA_ARGS__)))
#define OD_PRINTF(f, a)   __attribute__((format(printf, f, a)))
#define OD_NODISCARD      __attribute__((warn_unused_result))
#define OD_MALLOC         __attribute__((malloc))
#define OD_NORETURN       __attribute__((noreturn))
#define OD_UNUSED         __attribute__((unused))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
