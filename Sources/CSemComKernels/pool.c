// The thread pool behind TensorCore's parallel products: see include/CSemComKernels.h.
//
// A job is a function called on consecutive ranges [bounds[p], bounds[p + 1]) of some index
// (columns or rows of a product), p < parts. The caller posts parts 1… to the helper threads,
// computes part 0 itself, then takes back every part no helper has claimed yet and computes it
// too, and finally waits for the claimed ones. A helper that is descheduled or asleep (a busy
// machine) therefore costs at most the caller's time to compute everything plus a few atomic
// operations. The ranges are fixed by the caller, and a part computes the same thing whoever
// runs it, so results never depend on which thread ran which part.
//
// Helpers spin for a while after each job (products of one training step or of back-to-back
// inference calls follow one another within microseconds), yielding their core between checks
// after the first 50 µs, then sleep on a condition variable; the caller wakes them when it posts.
#include "CSemComKernels.h"
#include "monotonic.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define POOL_PAUSE() _mm_pause()
#else
#define POOL_PAUSE() ((void)0)
#endif

enum { PART_NONE = 0, PART_OFFERED = 1, PART_CLAIMED = 2, PART_FINISHED = 3 };

/// How long a helper spins for the next job before it sleeps: 1 ms. Long enough to span the gaps
/// between the products of a training step (elementwise work, an optimizer update) and between
/// inference calls, so a helper is rarely woken mid-computation (a futex wake-up costs tens of
/// microseconds before the helper runs); short enough that an idle process stops burning a core
/// quickly (OpenBLAS's own workers spin for about 0.1 s).
#define HELPER_SPIN_NS 1000000u

/// After this long (50 µs) a spinning helper yields its core between checks, so that on a busy
/// machine it does not take CPU time from the caller or another process (a job posted meanwhile
/// waits at most one scheduler slice; the caller takes its part back if it is late). Batch-1
/// inference calls come within a few microseconds of each other and find the helper spinning hard.
#define HELPER_POLITE_AFTER_NS 50000u

/// The current job. Written by the caller (holding pool_busy) before it offers parts; read by a
/// helper only after it has claimed a part, which the caller cannot reuse before the part is finished.
static semcom_pool_fn job_fn;
static void *job_context;
static size_t job_bounds[SEMCOM_POOL_MAX_THREADS + 1];

/// State of each part (part 0 is always the caller's). A helper claims a part by moving it
/// PART_OFFERED → PART_CLAIMED, the caller takes it back by PART_OFFERED → PART_FINISHED; both by
/// compare-and-swap, so exactly one of them computes it.
static _Atomic int part_state[SEMCOM_POOL_MAX_THREADS];

/// Incremented at each post; helpers wait for it to change.
static _Atomic unsigned long posted = 0;
/// Helpers currently asleep (or about to be) on pool_cond.
static _Atomic int sleepers = 0;
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;

/// Serializes callers: one job at a time uses the helpers; a caller that finds the pool busy (or
/// a job calling back into the pool) runs every part on its own thread.
static _Atomic int pool_busy = 0;
/// The thread count set by semcom_pool_set_threads (caller included).
static _Atomic int pool_threads = 1;
/// Helpers started so far (they are never stopped); increased under pool_mutex.
static _Atomic int helpers_started = 0;

/// Claims and runs offered parts until none is left.
static void run_offered_parts(void) {
    for (int p = 1; p < SEMCOM_POOL_MAX_THREADS; p++) {
        int offered = PART_OFFERED;
        if (atomic_load_explicit(&part_state[p], memory_order_relaxed) == PART_OFFERED &&
            atomic_compare_exchange_strong(&part_state[p], &offered, PART_CLAIMED)) {
            job_fn(job_context, job_bounds[p], job_bounds[p + 1]);
            atomic_store_explicit(&part_state[p], PART_FINISHED, memory_order_release);
        }
    }
}

static void *helper_main(void *unused) {
    (void)unused;
    unsigned long seen = atomic_load(&posted);
    for (;;) {
        unsigned long now = atomic_load_explicit(&posted, memory_order_acquire);
        if (now == seen) {
            const uint64_t start = semcom_monotonic_ns();
            for (unsigned spin = 1; now == seen; spin++) {
                POOL_PAUSE();
                now = atomic_load_explicit(&posted, memory_order_acquire);
                if (spin % 64 == 0) {
                    const uint64_t spent = semcom_monotonic_ns() - start;
                    if (spent > HELPER_SPIN_NS) break;
                    if (spent > HELPER_POLITE_AFTER_NS) sched_yield();
                }
            }
        }
        if (now == seen) {
            pthread_mutex_lock(&pool_mutex);
            atomic_fetch_add(&sleepers, 1);  // sequentially consistent, pairs with the post
            while ((now = atomic_load(&posted)) == seen) pthread_cond_wait(&pool_cond, &pool_mutex);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&pool_mutex);
        }
        seen = now;
        run_offered_parts();
    }
    return NULL;
}

/// Starts helpers until `count` run (or creation fails); returns how many run.
static int ensure_helpers(int count) {
    const int running = atomic_load_explicit(&helpers_started, memory_order_acquire);
    if (running >= count) return running;
    pthread_mutex_lock(&pool_mutex);
    while (helpers_started < count) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        const int failed = pthread_create(&thread, &attr, helper_main, NULL);
        pthread_attr_destroy(&attr);
        if (failed) break;
        helpers_started++;
    }
    const int started = atomic_load(&helpers_started);
    pthread_mutex_unlock(&pool_mutex);
    return started;
}

void semcom_pool_set_threads(int threads) {
    if (threads < 1) threads = 1;
    if (threads > SEMCOM_POOL_MAX_THREADS) threads = SEMCOM_POOL_MAX_THREADS;
    atomic_store(&pool_threads, threads);
}

int semcom_pool_threads(void) { return atomic_load(&pool_threads); }

int semcom_pool_run(semcom_pool_fn fn, void *context, const size_t *bounds, int parts) {
    if (parts < 1) return SEMCOM_POOL_INLINE;
    int expected = 0;
    if (parts == 1 || parts > SEMCOM_POOL_MAX_THREADS ||
        !atomic_compare_exchange_strong(&pool_busy, &expected, 1)) {
        for (int p = 0; p < parts; p++) fn(context, bounds[p], bounds[p + 1]);
        return SEMCOM_POOL_INLINE;
    }
    if (ensure_helpers(parts - 1) < 1) {
        atomic_store(&pool_busy, 0);
        for (int p = 0; p < parts; p++) fn(context, bounds[p], bounds[p + 1]);
        return SEMCOM_POOL_INLINE;
    }
    job_fn = fn;
    job_context = context;
    for (int p = 0; p <= parts; p++) job_bounds[p] = bounds[p];
    for (int p = 1; p < parts; p++) atomic_store_explicit(&part_state[p], PART_OFFERED, memory_order_release);
    atomic_fetch_add(&posted, 1);  // sequentially consistent, pairs with `sleepers`
    int outcome = SEMCOM_POOL_PARALLEL;
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&pool_mutex);
        pthread_cond_broadcast(&pool_cond);
        pthread_mutex_unlock(&pool_mutex);
        outcome = SEMCOM_POOL_WOKE;
    }
    fn(context, bounds[0], bounds[1]);
    // Take back, from the last part down, whatever no helper has claimed yet.
    for (int p = parts - 1; p >= 1; p--) {
        int offered = PART_OFFERED;
        if (atomic_compare_exchange_strong(&part_state[p], &offered, PART_FINISHED))
            fn(context, bounds[p], bounds[p + 1]);
    }
    for (int p = 1; p < parts; p++) {
        for (unsigned long spins = 0;
             atomic_load_explicit(&part_state[p], memory_order_acquire) != PART_FINISHED; spins++) {
            if (spins < 4096) POOL_PAUSE();
            else sched_yield();  // the helper was descheduled mid-part: let it run
        }
        atomic_store_explicit(&part_state[p], PART_NONE, memory_order_relaxed);
    }
    atomic_store_explicit(&pool_busy, 0, memory_order_release);
    return outcome;
}
