// Internal to CSemComKernels: the monotonic clock the pool and the dense kernel's timing share.
#ifndef SEMCOM_MONOTONIC_H
#define SEMCOM_MONOTONIC_H

#include <stdint.h>
#include <time.h>

/// CLOCK_MONOTONIC in nanoseconds.
static inline uint64_t semcom_monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

#endif
