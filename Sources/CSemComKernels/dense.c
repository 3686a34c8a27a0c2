// Small dense products y = x·W + b (+ ReLU): see include/CSemComKernels.h. Both paths sum over
// the input index in increasing order, starting from the bias; the AVX2 path fuses the
// multiply-adds (so the last bits can differ from the portable path).
#include "CSemComKernels.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(_M_X64)
#define SEMCOM_X86 1
#include <immintrin.h>
#endif

static void dense_f32_portable(float *y, const float *x, const float *w, const float *b, size_t rows,
                               size_t in, size_t out, int relu) {
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * out;
        const float *xr = x + r * in;
        for (size_t j = 0; j < out; j++) yr[j] = b ? b[j] : 0.0f;
        for (size_t i = 0; i < in; i++) {
            const float xi = xr[i];
            const float *wi = w + i * out;
            for (size_t j = 0; j < out; j++) yr[j] += xi * wi[j];
        }
        if (relu) {
            for (size_t j = 0; j < out; j++) yr[j] = yr[j] > 0.0f ? yr[j] : 0.0f;
        }
    }
}

#ifdef SEMCOM_X86
#define ATTR_AVX2 __attribute__((target("avx2,fma")))
#define INLINE_AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline

/// Lane mask of an 8-column unit starting at column `c0`: lanes whose column lies in [0, out).
INLINE_AVX2 __m256i unit_mask(ptrdiff_t c0, ptrdiff_t out) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i col = _mm256_add_epi32(lanes, _mm256_set1_epi32((int)c0));
    const __m256i lo = _mm256_cmpgt_epi32(_mm256_setzero_si256(), col);  // col < 0
    const __m256i hi = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)out), col);  // col < out
    return _mm256_andnot_si256(lo, hi);
}

/// Units [c0, c0 + 8·nb) of one row: nb accumulators of 8 lanes (in registers), the input index
/// innermost. The first unit is masked when `mf`, the last when `ml` (masked lanes are neither
/// read nor written, so the unit may start before column 0 or end after the last column).
INLINE_AVX2 void dense_units(float *yr, const float *xr, const float *w, const float *b, size_t in,
                             size_t out, ptrdiff_t c0, const int nb, const int mf, const int ml,
                             __m256i mfirst, __m256i mlast, int relu) {
    __m256 acc[11];
    for (int q = 0; q < nb; q++) {
        const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
        const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
        if (!b) acc[q] = _mm256_setzero_ps();
        else if (masked) acc[q] = _mm256_maskload_ps(b + c0 + 8 * q, mask);
        else acc[q] = _mm256_loadu_ps(b + c0 + 8 * q);
    }
    const float *wp = w + c0;
    for (size_t i = 0; i < in; i++, wp += out) {
        const __m256 xi = _mm256_broadcast_ss(xr + i);
        for (int q = 0; q < nb; q++) {
            const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
            const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
            const __m256 wv = masked ? _mm256_maskload_ps(wp + 8 * q, mask) : _mm256_loadu_ps(wp + 8 * q);
            acc[q] = _mm256_fmadd_ps(xi, wv, acc[q]);
        }
    }
    const __m256 zero = _mm256_setzero_ps();
    for (int q = 0; q < nb; q++) {
        const int masked = (q == 0 && mf) || (q == nb - 1 && ml);
        const __m256i mask = (q == 0 && mf) ? mfirst : mlast;
        const __m256 v = relu ? _mm256_max_ps(acc[q], zero) : acc[q];
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

/// Dispatches `nb` (1…11) units with constant arguments, so each variant is compiled straight-line.
ATTR_AVX2 static void dense_block(float *yr, const float *xr, const float *w, const float *b, size_t in,
                                  size_t out, ptrdiff_t c0, int nb, int mf, int ml, __m256i mfirst,
                                  __m256i mlast, int relu) {
    switch (nb) {
        UNITS_CASE(1) UNITS_CASE(2) UNITS_CASE(3) UNITS_CASE(4)
        UNITS_CASE(5) UNITS_CASE(6) UNITS_CASE(7) UNITS_CASE(8)
        UNITS_CASE(9) UNITS_CASE(10) UNITS_CASE(11)
        default: break;
    }
}

ATTR_AVX2 static void dense_f32_avx2(float *y, const float *x, const float *w, const float *b, size_t rows,
                                    size_t in, size_t out, int relu) {
    // When every weight row has the same alignment (out a multiple of 8), start the 8-column units
    // at a 64-byte boundary of the weights, so no load straddles a cache line; the partial units
    // at both ends are masked. Otherwise start at column 0 and mask the tail only.
    ptrdiff_t start = 0;
    if (out % 8 == 0) {
        const ptrdiff_t misalignment = (ptrdiff_t)(((uintptr_t)w / sizeof(float)) % 16);
        if ((uintptr_t)w % sizeof(float) == 0 && misalignment != 0) start = -misalignment;
    }
    const ptrdiff_t o = (ptrdiff_t)out;
    const ptrdiff_t units = (o - start + 7) / 8;
    // A start 8 or more columns before column 0 leaves the first unit empty: skip it.
    const ptrdiff_t firstUnit = start <= -8 ? 1 : 0;
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * out;
        const float *xr = x + r * in;
        // Blocks of up to 8 units ending on multiples of 8 units (four 64-byte lines of each row);
        // a remainder of up to 11 units is taken at once, so no short block runs alone (one or two
        // accumulators would leave the loop bound by the multiply-add latency).
        ptrdiff_t u = firstUnit;
        while (u < units) {
            ptrdiff_t end = (u / 8 + 1) * 8 < units ? (u / 8 + 1) * 8 : units;
            if (units - u <= 11) end = units;
            const int nb = (int)(end - u);
            const ptrdiff_t c0 = start + 8 * u;
            const ptrdiff_t cend = c0 + 8 * nb;
            const int mf = c0 < 0;
            const int ml = cend > o;
            const __m256i mfirst = unit_mask(c0, o);
            const __m256i mlast = unit_mask(cend - 8, o);
            dense_block(yr, xr, w, b, in, out, c0, nb, mf, ml, mfirst, mlast, relu);
            u += nb;
        }
    }
}
#endif

void semcom_dense_f32(float *y, const float *x, const float *w, const float *b, size_t rows, size_t in,
                      size_t out, int relu, int use_avx2) {
#ifdef SEMCOM_X86
    if (use_avx2) {
        dense_f32_avx2(y, x, w, b, rows, in, out, relu);
        return;
    }
#endif
    (void)use_avx2;
    dense_f32_portable(y, x, w, b, rows, in, out, relu);
}
