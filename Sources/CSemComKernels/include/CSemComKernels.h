// CSemComKernels: SemCom's vectorized sampling and small dense-product kernels (imported `internal` by TensorCore only).
//
// Box–Muller (Box & Muller 1958) over SIMD lanes of xoshiro128++ (Float) and xoshiro256++
// (Double) generators (Blackman & Vigna 2021), with polynomial log/sin/cos. Each entry point has
// an AVX2+FMA path (x86_64, chosen by the caller after semcom_kernels_have_avx2_fma()) and a
// portable C path computing the same formulas (results agree to a few ulps; the AVX2 path fuses
// multiply-adds, so the last bits can differ).
#ifndef CSEMCOMKERNELS_H
#define CSEMCOMKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 if this CPU has AVX2 and FMA (x86_64 only), else 0.
int semcom_kernels_have_avx2_fma(void);

/// Number of 32-bit lanes of the Float generator (xoshiro128++), and of its state words (4 per lane).
#define SEMCOM_F32_LANES 16
/// Number of 64-bit lanes of the Double generator (xoshiro256++).
#define SEMCOM_F64_LANES 8

/// out[i] = (base ? base[i] : offset) + scale * z_i, i < count, z_i standard normal.
/// `state` holds 4 * SEMCOM_F32_LANES words, word-major (state[w * 16 + lane]), no lane all-zero;
/// it is advanced in place. `out` may equal `base`. Each block of 16 samples consumes one step of
/// every lane: lanes 0–7 give the radii, lanes 8–15 the angles; out[8j..] holds r·cos, then r·sin.
void semcom_gaussian_f32(float *out, const float *base, size_t count, float scale, float offset,
                         uint32_t *state, int use_avx2);

/// Double version: `state` holds 4 * SEMCOM_F64_LANES words (state[w * 8 + lane]); blocks of 8
/// samples, lanes 0–3 radii, lanes 4–7 angles.
void semcom_gaussian_f64(double *out, const double *base, size_t count, double scale, double offset,
                         uint64_t *state, int use_avx2);

/// Small dense layer, row-major: y[r, j] = (b ? b[j] : 0) + Σ_i x[r, i] · w[i, j] for r < rows,
/// j < out, i < in, then max(·, 0) when `relu` is nonzero. Each column is summed in two chains, the
/// bias plus the even i and the odd i, each in increasing i, then added (two chains halve the
/// multiply-add latency that bounds narrow layers).
/// `x` is [rows, in], `w` is [in, out], `b` is [out] or NULL, `y` is [rows, out] and must not
/// overlap the inputs. Meant for a few rows (batch-1 inference), where it avoids BLAS call and
/// threading overhead; `use_avx2` selects the AVX2+FMA path (see semcom_kernels_have_avx2_fma).
/// With semcom_pool_set_threads(n ≥ 2), a product with at least 64 columns and 16384
/// multiply-adds is run as a two-part pool job (semcom_pool_run): a helper computes the upper half
/// of the columns; every column is computed as on one thread, so the result does not depend on the
/// thread count. Split and unsplit products are timed and the faster mode is used (the other is
/// retried one product in 32; a split that had to wake a sleeping helper is not timed, the next
/// split is), so a busy second core turns the split off by itself. Thread-safe: concurrent callers
/// compute on their own thread.
void semcom_dense_f32(float *y, const float *x, const float *w, const float *b, size_t rows, size_t in,
                      size_t out, int relu, int use_avx2);

/// semcom_dense_f32 with an explicit thread count instead of the pool's (semcom_pool_threads).
void semcom_dense_f32_threads(float *y, const float *x, const float *w, const float *b, size_t rows,
                              size_t in, size_t out, int relu, int use_avx2, int threads);

/// A chain of dense layers prepared for inference on a few rows (see semcom_dense_chain_create).
typedef struct semcom_dense_chain semcom_dense_chain;

/// A chain of `count` layers, layer k [sizes[k], sizes[k + 1]] with a bias and rectified
/// (max(·, 0)) when `relu[k]` is nonzero, for semcom_dense_chain_run on at most `max_rows` rows.
/// Allocates one block for all weights and biases, every matrix and bias on a 64-byte boundary, and
/// scratch for the intermediates; fill each layer with semcom_dense_chain_set_layer before running.
/// Returns NULL when count or max_rows is 0, a size is 0, or memory is short. Free with
/// semcom_dense_chain_destroy.
semcom_dense_chain *semcom_dense_chain_create(size_t count, const size_t *sizes, const int *relu, size_t max_rows);

/// Copies layer k's weights (row-major [in, out]) and bias ([out]) into the chain (the inputs are
/// not kept). k < count.
void semcom_dense_chain_set_layer(semcom_dense_chain *chain, size_t k, const float *weights, const float *bias);

/// Frees a chain (NULL is ignored).
void semcom_dense_chain_destroy(semcom_dense_chain *chain);

/// y = layer_{count-1}(… layer_0(x)), each layer through semcom_dense_f32 (same arithmetic, same
/// splitting on the pool), the intermediates in the chain's scratch. `x` is [rows, sizes[0]], `y`
/// is [rows, sizes[count]] and must not overlap `x`; 1 ≤ rows ≤ max_rows. Thread-safe: a caller
/// that finds the scratch in use allocates its own. Returns 0, or -1 when rows is out of range or
/// that allocation fails (then `y` is not written).
int semcom_dense_chain_run(const semcom_dense_chain *chain, float *y, const float *x, size_t rows, int use_avx2);

// MARK: - Optimizer updates

/// The constants of one Adam step, as the optimizer rounds them to Float.
typedef struct {
    float step_size, inverse_root_correction2, beta1, beta2, epsilon, weight_decay, decay;
} semcom_adam_constants;

/// One Adam / AdamW step on `count` elements, in place:
/// p ← p·(1 − decay); g' = g + weight_decay·p; m ← beta1·m + (1 − beta1)·g'; v ← beta2·v + ((1 − beta2)·g')·g';
/// p ← p − (step_size·m) / (√v · inverse_root_correction2 + epsilon), every operation rounded on its own.
/// `use_avx` selects the AVX path (eight lanes, same bits; pass semcom_kernels_have_avx2_fma()). With `threads` ≥ 2 a large update is
/// split on the pool (semcom_pool_run), which does not change any result.
void semcom_adam_f32(float *p, const float *g, float *m, float *v, size_t count, const semcom_adam_constants *c,
                     int use_avx, int threads);

// MARK: - Thread pool

/// Most threads (caller included) a pool job may use.
#define SEMCOM_POOL_MAX_THREADS 16

/// A part of a pool job: computes the range [begin, end) of some index for `context`.
typedef void (*semcom_pool_fn)(void *context, size_t begin, size_t end);

/// Sets the process-wide thread count of the pool, caller included (clamped to
/// 1…SEMCOM_POOL_MAX_THREADS; default 1). Helpers are started on first use and never stopped.
void semcom_pool_set_threads(int threads);

/// The thread count set by semcom_pool_set_threads (default 1).
int semcom_pool_threads(void);

/// semcom_pool_run ran every part on the calling thread (one part, or the pool was in use).
#define SEMCOM_POOL_INLINE 0
/// semcom_pool_run offered parts to helpers that were awake.
#define SEMCOM_POOL_PARALLEL 1
/// semcom_pool_run offered parts and had to wake a sleeping helper.
#define SEMCOM_POOL_WOKE 2

/// Runs fn(context, bounds[p], bounds[p + 1]) for every p < parts (1 ≤ parts ≤
/// SEMCOM_POOL_MAX_THREADS, independent of the pool's thread count) and returns when all are done.
/// The caller runs part 0 and offers the others to the pool's helper threads; it takes back and
/// runs itself every part no helper has claimed when it is done with its own, so a busy machine
/// costs at most the serial time plus a few atomic operations. Parts must write disjoint memory and
/// must not depend on which thread runs them. One job uses the helpers at a time: a concurrent
/// caller, or a part calling semcom_pool_run, runs all its parts on its own thread (in order).
/// Helpers spin for about 1 ms after a job, then sleep until the next post.
/// Returns SEMCOM_POOL_INLINE, SEMCOM_POOL_PARALLEL or SEMCOM_POOL_WOKE.
int semcom_pool_run(semcom_pool_fn fn, void *context, const size_t *bounds, int parts);

#ifdef __cplusplus
}
#endif

#endif
