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
/// With semcom_dense_set_threads(n ≥ 2), a product with at least 64 columns and 16384
/// multiply-adds gives the upper half of its columns to one persistent helper thread; every column
/// is computed as on one thread, so the result does not depend on the thread count. Split and
/// unsplit products are timed and the faster mode is used (the other is retried one product in
/// 32), so a busy second core turns the split off by itself. Thread-safe:
/// concurrent callers that find the helper busy compute on their own thread.
void semcom_dense_f32(float *y, const float *x, const float *w, const float *b, size_t rows, size_t in,
                      size_t out, int relu, int use_avx2);

/// semcom_dense_f32 with an explicit thread count instead of the one set by semcom_dense_set_threads.
void semcom_dense_f32_threads(float *y, const float *x, const float *w, const float *b, size_t rows,
                              size_t in, size_t out, int relu, int use_avx2, int threads);

/// Sets how many threads semcom_dense_f32 may use (1 or 2; values < 1 mean 1).
void semcom_dense_set_threads(int threads);

/// The thread count set by semcom_dense_set_threads (default 1).
int semcom_dense_threads(void);

#ifdef __cplusplus
}
#endif

#endif
