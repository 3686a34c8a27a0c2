// Small dense products y = x·W + b (+ ReLU): see include/CSemComKernels.h. Both paths sum each
// column in two chains, the even input indices (starting from the bias) and the odd ones, each in
// increasing order, and add them; the AVX2 path fuses the multiply-adds (so the last bits can
// differ from the portable path).
#include "CSemComKernels.h"
#include "monotonic.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define SEMCOM_X86 1
#include <immintrin.h>
#endif

/// Columns [begin, end) of every row: for each column, the bias plus the products of the even input
/// indices, and the products of the odd ones, each summed in increasing order, then added (the
/// order of the AVX2 path, which fuses the multiply-adds).
static void dense_f32_portable(float *y, const float *x, const float *w, const float *b, size_t rows,
                               size_t in, size_t out, int relu, size_t begin, size_t end) {
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * out;
        const float *xr = x + r * in;
        for (size_t j = begin; j < end; j++) {
            float even = b ? b[j] : 0.0f, odd = 0.0f;
            size_t i = 0;
            for (; i + 1 < in; i += 2) {
                even += xr[i] * w[i * out + j];
                odd += xr[i + 1] * w[(i + 1) * out + j];
            }
            if (i < in) even += xr[i] * w[i * out + j];
            const float v = even + odd;
            yr[j] = relu && !(v > 0.0f) ? 0.0f : v;
        }
    }
}

#ifdef SEMCOM_X86
#define ATTR_AVX2 __attribute__((target("avx2,fma")))
#define INLINE_AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline
/// Most units (8 columns) per block: two sets of accumulators of 6 units fill 12 of the 16 vector
/// registers, leaving the two broadcast inputs and the weights loaded.
#define MAX_UNITS 6

/// Lane mask of an 8-column unit starting at column `c0`: lanes whose column lies in [begin, end).
INLINE_AVX2 __m256i unit_mask(ptrdiff_t c0, ptrdiff_t begin, ptrdiff_t end) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i col = _mm256_add_epi32(lanes, _mm256_set1_epi32((int)c0));
    const __m256i lo = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)begin), col);  // col < begin
    const __m256i hi = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)end), col);  // col < end
    return _mm256_andnot_si256(lo, hi);
}

/// Units [c0, c0 + 8·nb) of one row: two sets of nb accumulators of 8 lanes (in registers), one
/// summing the even input indices (starting from the bias), the other the odd ones, combined at the
/// end; the input index is innermost. Two chains per column halve the multiply-add latency that
/// bounds narrow layers (few units), and the sum a column gets does not depend on the block it lies
/// in, so splitting the columns between threads cannot change a bit. The first unit is masked when
/// `mf`, the last when `ml` (masked lanes are neither read nor written, so the unit may start before
/// column 0 or end after the last column).
INLINE_AVX2 void dense_units(float *yr, const float *xr, const float *w, const float *b, size_t in,
                             size_t out, ptrdiff_t c0, const int nb, const int mf, const int ml,
                             __m256i mfirst, __m256i mlast, int relu) {
    __m256 even[MAX_UNITS], odd[MAX_UNITS];
    for (int q = 0; q < nb; q++) {
        const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
        const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
        if (!b) even[q] = _mm256_setzero_ps();
        else if (masked) even[q] = _mm256_maskload_ps(b + c0 + 8 * q, mask);
        else even[q] = _mm256_loadu_ps(b + c0 + 8 * q);
        odd[q] = _mm256_setzero_ps();
    }
    const float *wp = w + c0;
    size_t i = 0;
    for (; i + 1 < in; i += 2, wp += 2 * out) {
        const __m256 x0 = _mm256_broadcast_ss(xr + i);
        const __m256 x1 = _mm256_broadcast_ss(xr + i + 1);
        for (int q = 0; q < nb; q++) {
            const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
            const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
            const __m256 w0 = masked ? _mm256_maskload_ps(wp + 8 * q, mask) : _mm256_loadu_ps(wp + 8 * q);
            const __m256 w1 =
                masked ? _mm256_maskload_ps(wp + out + 8 * q, mask) : _mm256_loadu_ps(wp + out + 8 * q);
            even[q] = _mm256_fmadd_ps(x0, w0, even[q]);
            odd[q] = _mm256_fmadd_ps(x1, w1, odd[q]);
        }
    }
    if (i < in) {
        const __m256 x0 = _mm256_broadcast_ss(xr + i);
        for (int q = 0; q < nb; q++) {
            const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
            const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
            const __m256 w0 = masked ? _mm256_maskload_ps(wp + 8 * q, mask) : _mm256_loadu_ps(wp + 8 * q);
            even[q] = _mm256_fmadd_ps(x0, w0, even[q]);
        }
    }
    const __m256 zero = _mm256_setzero_ps();
    for (int q = 0; q < nb; q++) {
        const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
        const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
        const __m256 sum = _mm256_add_ps(even[q], odd[q]);
        const __m256 v = relu ? _mm256_max_ps(sum, zero) : sum;
        if (masked) _mm256_maskstore_ps(yr + c0 + 8 * q, mask, v);
        else _mm256_storeu_ps(yr + c0 + 8 * q, v);
    }
}

#define UNITS_CASE(NB)                                                                                  \
    case NB:                                                                                            \
        if (mf && ml) dense_units(yr, xr, w, b, in, out, c0, NB, 1, 1, mfirst, mlast, relu);            \
        else if (mf) dense_units(yr, xr, w, b, in, out, c0, NB, 1, 0, mfirst, mlast, relu);             \
        else if (ml) dense_units(yr, xr, w, b, in, out, c0, NB, 0, 1, mfirst, mlast, relu);             \
        else dense_units(yr, xr, w, b, in, out, c0, NB, 0, 0, mfirst, mlast, relu);                     \
        break;

/// Dispatches `nb` (1…MAX_UNITS) units with constant arguments, so each variant is compiled straight-line.
ATTR_AVX2 static void dense_block(float *yr, const float *xr, const float *w, const float *b, size_t in,
                                  size_t out, ptrdiff_t c0, int nb, int mf, int ml, __m256i mfirst,
                                  __m256i mlast, int relu) {
    switch (nb) {
        UNITS_CASE(1) UNITS_CASE(2) UNITS_CASE(3) UNITS_CASE(4) UNITS_CASE(5) UNITS_CASE(6)
        default: break;
    }
}

/// Columns [begin, end) of every row (0 ≤ begin ≤ end ≤ out); the other columns of `y` are not
/// touched, so two calls on disjoint ranges may run concurrently.
ATTR_AVX2 static void dense_f32_avx2(float *y, const float *x, const float *w, const float *b, size_t rows,
                                    size_t in, size_t out, int relu, size_t begin, size_t end) {
    // When every weight row has the same alignment (out a multiple of 8), start the 8-column units
    // at a 64-byte boundary of the weights, so no load straddles a cache line; the partial units
    // at both ends are masked. Otherwise start at `begin` and mask the tail only.
    const ptrdiff_t lo = (ptrdiff_t)begin, hi = (ptrdiff_t)end;
    if (hi <= lo) return;
    ptrdiff_t start = lo;
    if (out % 8 == 0) {
        const ptrdiff_t misalignment = (ptrdiff_t)(((uintptr_t)(w + begin) / sizeof(float)) % 16);
        if ((uintptr_t)w % sizeof(float) == 0 && misalignment != 0) start = lo - misalignment;
    }
    const ptrdiff_t units = (hi - start + 7) / 8;
    // A start 8 or more columns before `begin` leaves the first unit empty: skip it.
    const ptrdiff_t firstUnit = start <= lo - 8 ? 1 : 0;
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * out;
        const float *xr = x + r * in;
        // Blocks of MAX_UNITS units (three 64-byte lines of each row); the last two blocks share
        // what is left evenly, so no short block runs alone.
        ptrdiff_t u = firstUnit;
        while (u < units) {
            const ptrdiff_t left = units - u;
            ptrdiff_t blockEnd = u + MAX_UNITS;
            if (left <= MAX_UNITS) blockEnd = units;
            else if (left < 2 * MAX_UNITS) blockEnd = u + (left + 1) / 2;
            const int nb = (int)(blockEnd - u);
            const ptrdiff_t c0 = start + 8 * u;
            const ptrdiff_t cend = c0 + 8 * nb;
            const int mf = c0 < lo;
            const int ml = cend > hi;
            const __m256i mfirst = unit_mask(c0, lo, hi);
            const __m256i mlast = unit_mask(cend - 8, lo, hi);
            dense_block(yr, xr, w, b, in, out, c0, nb, mf, ml, mfirst, mlast, relu);
            u += nb;
        }
    }
}
#endif

/// Columns [begin, end) on the calling thread.
static void dense_range(float *y, const float *x, const float *w, const float *b, size_t rows, size_t in,
                        size_t out, int relu, int use_avx2, size_t begin, size_t end) {
#ifdef SEMCOM_X86
    if (use_avx2) {
        dense_f32_avx2(y, x, w, b, rows, in, out, relu, begin, end);
        return;
    }
#endif
    (void)use_avx2;
    dense_f32_portable(y, x, w, b, rows, in, out, relu, begin, end);
}

// MARK: - Splitting a product with the thread pool
//
// With two or more threads allowed (semcom_pool_set_threads), a product large enough to pay for
// the hand-off is run as a pool job of two parts: the caller computes the lower half of the
// columns, a pool helper the upper half (split on a 64-byte line of the weights), and the caller
// takes the upper half back when no helper has claimed it by the time it is done with its own
// (see pool.c). Each output column is computed exactly as on one thread, so results do not depend
// on who computed it.
//
// Whether splitting pays depends on what else runs: with the other core free it nearly halves the
// time, but when that core is busy the helper competes for it and a split product is slower than
// one computed alone. So the choice is measured, not assumed: each split-eligible product is timed,
// a running mean of its time is kept for both modes and each product shape, the faster mode is
// used, and one product of a shape in EXPLORE_PERIOD runs in the other mode so that a change of
// load is noticed. A split
// product that had to wake a sleeping helper is not recorded (the wake-up, tens of microseconds,
// says nothing about the split once the helper is awake); the next eligible product is split and
// recorded instead. Both modes give bit-identical results, so the choice never changes an output.

/// The arguments of one product, the context of its pool job.
typedef struct {
    float *y;
    const float *x, *w, *b;
    size_t rows, in, out;
    int relu, use_avx2;
} dense_job;

static void dense_job_run(void *context, size_t begin, size_t end) {
    const dense_job *j = (const dense_job *)context;
    dense_range(j->y, j->x, j->w, j->b, j->rows, j->in, j->out, j->relu, j->use_avx2, begin, end);
}

/// Serializes the measured choice below: a caller that finds it taken computes on its own thread.
static _Atomic int chooser_busy = 0;

/// Whether a product is worth splitting: enough multiply-adds (the hand-off costs a few hundred
/// nanoseconds) and at least two 64-byte lines of columns per thread.
static int worth_splitting(size_t rows, size_t in, size_t out) {
    return out >= 64 && rows * in * out >= 16384;
}

void semcom_dense_f32(float *y, const float *x, const float *w, const float *b, size_t rows, size_t in,
                      size_t out, int relu, int use_avx2) {
    semcom_dense_f32_threads(y, x, w, b, rows, in, out, relu, use_avx2, semcom_pool_threads());
}

// MARK: - Measured choice between split and unsplit products
//
// Kept per product shape (rows, in, out): a split pays on a 256×256 product and may not on a
// 64×256 one (the hand-off costs about the same, the work is a quarter), and a network's layers
// alternate shapes, so one running mean over all of them would mix the two. Touched only by the
// caller holding chooser_busy, so plain variables suffice.

/// One product of a shape in this many runs in the mode currently measured slower.
#define EXPLORE_PERIOD 32
/// Weight of a new measurement in the running means (1/8).
#define MEAN_SHIFT 3
/// Shapes remembered; a further shape replaces the least recently used one.
#define SHAPE_SLOTS 16

typedef struct {
    size_t rows, in, out;
    /// Running mean of the product's nanoseconds (scaled by 8 for resolution), per mode (0 =
    /// unsplit, 1 = split); 0 until the mode has been measured.
    uint64_t cost[2];
    unsigned long calls;
    /// Set when a split product woke a sleeping helper (and was not recorded): split the next
    /// product of this shape and record it.
    int measure_split_next;
    unsigned long last_use;
} shape_choice;

static shape_choice shape_choices[SHAPE_SLOTS];
static int shape_count = 0;
static unsigned long shape_clock = 0;

/// The choice record of a shape, created (or recycled from the least recently used) on first use.
static shape_choice *choice_for(size_t rows, size_t in, size_t out) {
    shape_clock++;
    int oldest = 0;
    for (int i = 0; i < shape_count; i++) {
        shape_choice *c = &shape_choices[i];
        if (c->rows == rows && c->in == in && c->out == out) {
            c->last_use = shape_clock;
            return c;
        }
        if (c->last_use < shape_choices[oldest].last_use) oldest = i;
    }
    const int slot = shape_count < SHAPE_SLOTS ? shape_count++ : oldest;
    shape_choices[slot] = (shape_choice){rows, in, out, {0, 0}, 0, 0, shape_clock};
    return &shape_choices[slot];
}

/// The mode for the shape's next product: the cheaper one, each mode at least once, and the other
/// one every EXPLORE_PERIOD products.
static int choose_mode(shape_choice *c) {
    c->calls++;
    if (c->measure_split_next) {
        c->measure_split_next = 0;
        return 1;
    }
    if (c->cost[1] == 0) return 1;
    if (c->cost[0] == 0) return 0;
    const int faster = c->cost[1] <= c->cost[0];
    return (c->calls % EXPLORE_PERIOD == 0) ? !faster : faster;
}

static void record_mode(shape_choice *c, int mode, uint64_t nanoseconds) {
    uint64_t cost = 8 * nanoseconds + 1;
    if (c->cost[mode] == 0) {
        c->cost[mode] = cost;
    } else {
        // Clamp outliers (a preemption mid-product) to 4× the mean so one cannot flip the choice.
        if (cost > 4 * c->cost[mode]) cost = 4 * c->cost[mode];
        c->cost[mode] = c->cost[mode] - (c->cost[mode] >> MEAN_SHIFT) + (cost >> MEAN_SHIFT);
    }
}

/// Columns [0, out) as a two-part pool job (the upper part by a helper, or taken back when it is
/// late); returns semcom_pool_run's result.
static int dense_split(float *y, const float *x, const float *w, const float *b, size_t rows, size_t in,
                       size_t out, int relu, int use_avx2) {
    // Split at a multiple of 16 columns (one 64-byte line when the weights are aligned).
    size_t split = (out / 2 + 8) / 16 * 16;
    if (split == 0 || split >= out) split = out / 2;
    dense_job job = {y, x, w, b, rows, in, out, relu, use_avx2};
    const size_t bounds[3] = {0, split, out};
    return semcom_pool_run(dense_job_run, &job, bounds, 2);
}

void semcom_dense_f32_threads(float *y, const float *x, const float *w, const float *b, size_t rows,
                              size_t in, size_t out, int relu, int use_avx2, int threads) {
    int expected = 0;
    if (threads < 2 || !worth_splitting(rows, in, out) ||
        !atomic_compare_exchange_strong(&chooser_busy, &expected, 1)) {
        dense_range(y, x, w, b, rows, in, out, relu, use_avx2, 0, out);
        return;
    }
    shape_choice *choice = choice_for(rows, in, out);
    const int mode = choose_mode(choice);
    const uint64_t start = semcom_monotonic_ns();
    int outcome = 0;
    if (mode) outcome = dense_split(y, x, w, b, rows, in, out, relu, use_avx2);
    else dense_range(y, x, w, b, rows, in, out, relu, use_avx2, 0, out);
    const uint64_t elapsed = semcom_monotonic_ns() - start;
    if (mode && outcome == SEMCOM_POOL_WOKE) choice->measure_split_next = 1;
    else if (!mode || outcome == SEMCOM_POOL_PARALLEL) record_mode(choice, mode, elapsed);
    atomic_store(&chooser_busy, 0);
}

// MARK: - Prepared chains
//
// Batch-1 inference streams every weight once from the L2 cache, so how the weights lie in memory
// shows: a matrix whose rows start off a 64-byte line costs the kernel an extra, masked 8-column
// unit per row (its blocks start on a line), about a tenth more time for a 256-wide layer. A Swift
// array's elements start 16 bytes into a line at best. A prepared chain copies the weights once
// into one 64-byte-aligned block and keeps scratch for the intermediates, so a call allocates
// nothing and does no per-layer setup.

typedef struct {
    size_t in, out;
    int relu;
    float *w, *b;
} chain_layer;

struct semcom_dense_chain {
    size_t count, width, max_rows;
    chain_layer *layers;
    /// Weights and biases, every matrix and bias on a 64-byte boundary.
    float *storage;
    /// Two buffers of max_rows * width floats for the intermediates.
    float *scratch;
    /// Set while a caller uses `scratch`.
    _Atomic int scratch_busy;
};

/// `count` floats rounded up to a whole number of 64-byte lines.
static size_t line_floats(size_t count) { return (count + 15) / 16 * 16; }

semcom_dense_chain *semcom_dense_chain_create(size_t count, const size_t *sizes, const int *relu, size_t max_rows) {
    if (count == 0 || max_rows == 0) return NULL;
    size_t total = 0, width = 0;
    for (size_t k = 0; k < count; k++) {
        const size_t in = sizes[k], out = sizes[k + 1];
        if (in == 0 || out == 0 || in > SIZE_MAX / 4 / out) return NULL;
        total += line_floats(in * out) + line_floats(out);
        if (k + 1 < count && out > width) width = out;
    }
    semcom_dense_chain *chain = calloc(1, sizeof *chain);
    if (!chain) return NULL;
    chain->count = count;
    chain->width = width;
    chain->max_rows = max_rows;
    chain->layers = calloc(count, sizeof *chain->layers);
    chain->storage = aligned_alloc(64, total * sizeof(float));
    if (width > 0) chain->scratch = aligned_alloc(64, line_floats(2 * max_rows * width) * sizeof(float));
    if (!chain->layers || !chain->storage || (width > 0 && !chain->scratch)) {
        semcom_dense_chain_destroy(chain);
        return NULL;
    }
    float *p = chain->storage;
    for (size_t k = 0; k < count; k++) {
        const size_t in = sizes[k], out = sizes[k + 1];
        chain->layers[k] = (chain_layer){in, out, relu[k] != 0, p, p + line_floats(in * out)};
        p += line_floats(in * out) + line_floats(out);
    }
    atomic_init(&chain->scratch_busy, 0);
    return chain;
}

void semcom_dense_chain_set_layer(semcom_dense_chain *chain, size_t k, const float *weights, const float *bias) {
    chain_layer *l = &chain->layers[k];
    memcpy(l->w, weights, l->in * l->out * sizeof(float));
    memcpy(l->b, bias, l->out * sizeof(float));
}

void semcom_dense_chain_destroy(semcom_dense_chain *chain) {
    if (!chain) return;
    free(chain->layers);
    free(chain->storage);
    free(chain->scratch);
    free(chain);
}

int semcom_dense_chain_run(const semcom_dense_chain *chain, float *y, const float *x, size_t rows, int use_avx2) {
    if (rows == 0 || rows > chain->max_rows) return -1;
    semcom_dense_chain *shared = (semcom_dense_chain *)chain;
    float *scratch = NULL, *owned = NULL;
    if (chain->width > 0) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&shared->scratch_busy, &expected, 1)) {
            scratch = chain->scratch;
        } else {
            owned = malloc(2 * rows * chain->width * sizeof(float));
            if (!owned) return -1;
            scratch = owned;
        }
    }
    const float *source = x;
    for (size_t k = 0; k < chain->count; k++) {
        const chain_layer *l = &chain->layers[k];
        float *target = k + 1 == chain->count ? y : scratch + (k % 2) * rows * chain->width;
        semcom_dense_f32(target, source, l->w, l->b, rows, l->in, l->out, l->relu, use_avx2);
        source = target;
    }
    if (owned) free(owned);
    else if (scratch) atomic_store(&shared->scratch_busy, 0);
    return 0;
}
