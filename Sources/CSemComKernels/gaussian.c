// Vectorized Gaussian kernels: see include/CSemComKernels.h and TensorCore's GaussianKernel.swift
// for the method and its error bounds. The portable and AVX2 paths evaluate the same formulas.
#include "CSemComKernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define SEMCOM_X86 1
#include <immintrin.h>
#endif

int semcom_kernels_have_avx2_fma(void) {
#ifdef SEMCOM_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

// ---------------------------------------------------------------------------------------------
// Constants shared by both paths.

#define LN2_F 0.693147180559945309f
#define ANGLE_SCALE_F ((float)(6.283185307179586477 * 0x1p-32))
#define LN2_D 0.693147180559945309417
#define ANGLE_SCALE_D (6.283185307179586477 * 0x1p-54)

static inline uint32_t f32_bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline float f32_from(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static inline uint64_t f64_bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double f64_from(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

// ---------------------------------------------------------------------------------------------
// Portable path.

static inline uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/// One xoshiro128++ step of lane `l` in a word-major state of 16 lanes.
static inline uint32_t xoshiro128pp_lane(uint32_t *st, int l) {
    uint32_t s0 = st[l], s1 = st[16 + l], s2 = st[32 + l], s3 = st[48 + l];
    uint32_t result = rotl32(s0 + s3, 7) + s0;
    uint32_t t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl32(s3, 11);
    st[l] = s0; st[16 + l] = s1; st[32 + l] = s2; st[48 + l] = s3;
    return result;
}

/// One xoshiro256++ step of lane `l` in a word-major state of 8 lanes.
static inline uint64_t xoshiro256pp_lane(uint64_t *st, int l) {
    uint64_t s0 = st[l], s1 = st[8 + l], s2 = st[16 + l], s3 = st[24 + l];
    uint64_t result = rotl64(s0 + s3, 23) + s0;
    uint64_t t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl64(s3, 45);
    st[l] = s0; st[8 + l] = s1; st[16 + l] = s2; st[24 + l] = s3;
    return result;
}

static inline void box_muller_f32(uint32_t rb, uint32_t ab, float *zc, float *zs) {
    float u1 = ((float)(int32_t)(rb >> 1) + 1.0f) * 0x1p-31f;  // (0, 1]
    uint32_t ix = f32_bits(u1) - 0x3F3504F3u;
    int32_t e = (int32_t)ix >> 23;
    float m = f32_from((ix & 0x007FFFFFu) + 0x3F3504F3u);  // [√½, √2)
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float z = s * s;
    float p = z * (1.0f / 9) + (1.0f / 7);
    p = p * z + (1.0f / 5);
    p = p * z + (1.0f / 3);
    p = p * z + 1.0f;
    float logu = (float)e * LN2_F + 2.0f * s * p;
    float r = sqrtf(-2.0f * logu);

    uint32_t q = (ab + (1u << 29)) >> 30;
    int32_t rem = (int32_t)(ab << 2) >> 2;
    float x = (float)rem * ANGLE_SCALE_F;  // [−π/4, π/4)
    float x2 = x * x;
    float sp = x2 * (1.0f / 362880) - (1.0f / 5040);
    sp = sp * x2 + (1.0f / 120);
    sp = sp * x2 - (1.0f / 6);
    float sinx = x * x2 * sp + x;
    float cp = x2 * (-1.0f / 3628800) + (1.0f / 40320);
    cp = cp * x2 - (1.0f / 720);
    cp = cp * x2 + (1.0f / 24);
    cp = cp * x2 - 0.5f;
    float cosx = x2 * cp + 1.0f;
    float cf = (q & 1) ? sinx : cosx;
    float sf = (q & 1) ? cosx : sinx;
    uint32_t cos_sign = ((q ^ (q >> 1)) & 1u) << 31;
    uint32_t sin_sign = (q & 2u) << 30;
    *zc = f32_from(f32_bits(r * cf) ^ cos_sign);
    *zs = f32_from(f32_bits(r * sf) ^ sin_sign);
}

static inline void box_muller_f64(uint64_t rb, uint64_t ab, double *zc, double *zs) {
    double u1 = 2.0 - f64_from((rb >> 12) | 0x3FF0000000000000ull);  // (0, 1]
    uint64_t ix = f64_bits(u1) - 0x3FE6A09E667F3BCDull;
    int64_t e = (int64_t)ix >> 52;
    double m = f64_from((ix & 0x000FFFFFFFFFFFFFull) + 0x3FE6A09E667F3BCDull);
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double p = z * (1.0 / 19) + (1.0 / 17);
    p = p * z + (1.0 / 15);
    p = p * z + (1.0 / 13);
    p = p * z + (1.0 / 11);
    p = p * z + (1.0 / 9);
    p = p * z + (1.0 / 7);
    p = p * z + (1.0 / 5);
    p = p * z + (1.0 / 3);
    p = p * z + 1.0;
    double logu = (double)e * LN2_D + 2.0 * s * p;
    double r = sqrt(-2.0 * logu);

    uint64_t q = (ab + (1ull << 61)) >> 62;
    int64_t rem = (int64_t)(ab << 2) >> 12;
    double x = (double)rem * ANGLE_SCALE_D;
    double x2 = x * x;
    double sp = x2 * (-1.0 / 1307674368000.0) + (1.0 / 6227020800.0);
    sp = sp * x2 - (1.0 / 39916800.0);
    sp = sp * x2 + (1.0 / 362880.0);
    sp = sp * x2 - (1.0 / 5040.0);
    sp = sp * x2 + (1.0 / 120.0);
    sp = sp * x2 - (1.0 / 6.0);
    double sinx = x * x2 * sp + x;
    double cp = x2 * (1.0 / 20922789888000.0) - (1.0 / 87178291200.0);
    cp = cp * x2 + (1.0 / 479001600.0);
    cp = cp * x2 - (1.0 / 3628800.0);
    cp = cp * x2 + (1.0 / 40320.0);
    cp = cp * x2 - (1.0 / 720.0);
    cp = cp * x2 + (1.0 / 24.0);
    cp = cp * x2 - 0.5;
    double cosx = x2 * cp + 1.0;
    double cf = (q & 1) ? sinx : cosx;
    double sf = (q & 1) ? cosx : sinx;
    uint64_t cos_sign = ((q ^ (q >> 1)) & 1ull) << 63;
    uint64_t sin_sign = (q & 2ull) << 62;
    *zc = f64_from(f64_bits(r * cf) ^ cos_sign);
    *zs = f64_from(f64_bits(r * sf) ^ sin_sign);
}

static void block_f32_portable(uint32_t *st, float *z) {
    uint32_t bits[16];
    for (int l = 0; l < 16; l++) bits[l] = xoshiro128pp_lane(st, l);
    for (int j = 0; j < 8; j++) box_muller_f32(bits[j], bits[8 + j], &z[j], &z[8 + j]);
}

static void block_f64_portable(uint64_t *st, double *z) {
    uint64_t bits[8];
    for (int l = 0; l < 8; l++) bits[l] = xoshiro256pp_lane(st, l);
    for (int j = 0; j < 4; j++) box_muller_f64(bits[j], bits[4 + j], &z[j], &z[4 + j]);
}

static void gaussian_f32_portable(float *out, const float *base, size_t count, float scale, float offset,
                                  uint32_t *st) {
    float z[16];
    for (size_t i = 0; i < count; i += 16) {
        block_f32_portable(st, z);
        size_t n = count - i < 16 ? count - i : 16;
        for (size_t j = 0; j < n; j++) out[i + j] = (base ? base[i + j] : offset) + scale * z[j];
    }
}

static void gaussian_f64_portable(double *out, const double *base, size_t count, double scale, double offset,
                                  uint64_t *st) {
    double z[8];
    for (size_t i = 0; i < count; i += 8) {
        block_f64_portable(st, z);
        size_t n = count - i < 8 ? count - i : 8;
        for (size_t j = 0; j < n; j++) out[i + j] = (base ? base[i + j] : offset) + scale * z[j];
    }
}

// ---------------------------------------------------------------------------------------------
// AVX2 + FMA path.

#ifdef SEMCOM_X86
#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline __m256i rotl32x8(__m256i x, int k) {
    return _mm256_or_si256(_mm256_slli_epi32(x, k), _mm256_srli_epi32(x, 32 - k));
}

AVX2 static inline __m256i rotl64x4(__m256i x, int k) {
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

#define XOSHIRO128PP_STEP(s0, s1, s2, s3, out)                                         \
    do {                                                                              \
        out = _mm256_add_epi32(rotl32x8(_mm256_add_epi32(s0, s3), 7), s0);           \
        __m256i t_ = _mm256_slli_epi32(s1, 9);                                        \
        s2 = _mm256_xor_si256(s2, s0); s3 = _mm256_xor_si256(s3, s1);                 \
        s1 = _mm256_xor_si256(s1, s2); s0 = _mm256_xor_si256(s0, s3);                 \
        s2 = _mm256_xor_si256(s2, t_); s3 = rotl32x8(s3, 11);                         \
    } while (0)

#define XOSHIRO256PP_STEP(s0, s1, s2, s3, out)                                         \
    do {                                                                              \
        out = _mm256_add_epi64(rotl64x4(_mm256_add_epi64(s0, s3), 23), s0);          \
        __m256i t_ = _mm256_slli_epi64(s1, 17);                                       \
        s2 = _mm256_xor_si256(s2, s0); s3 = _mm256_xor_si256(s3, s1);                 \
        s1 = _mm256_xor_si256(s1, s2); s0 = _mm256_xor_si256(s0, s3);                 \
        s2 = _mm256_xor_si256(s2, t_); s3 = rotl64x4(s3, 45);                         \
    } while (0)

AVX2 static inline void box_muller_f32x8(__m256i rb, __m256i ab, __m256 *zc, __m256 *zs) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 u1 = _mm256_mul_ps(_mm256_add_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(rb, 1)), one),
                              _mm256_set1_ps(0x1p-31f));
    __m256i ix = _mm256_sub_epi32(_mm256_castps_si256(u1), _mm256_set1_epi32(0x3F3504F3));
    __m256 e = _mm256_cvtepi32_ps(_mm256_srai_epi32(ix, 23));
    __m256 m = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(ix, _mm256_set1_epi32(0x007FFFFF)),
                                                    _mm256_set1_epi32(0x3F3504F3)));
    __m256 f = _mm256_sub_ps(m, one);
    __m256 s = _mm256_div_ps(f, _mm256_add_ps(f, _mm256_set1_ps(2.0f)));
    __m256 z = _mm256_mul_ps(s, s);
    __m256 p = _mm256_fmadd_ps(z, _mm256_set1_ps(1.0f / 9), _mm256_set1_ps(1.0f / 7));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.0f / 5));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.0f / 3));
    p = _mm256_fmadd_ps(p, z, one);
    __m256 logu = _mm256_fmadd_ps(e, _mm256_set1_ps(LN2_F), _mm256_mul_ps(_mm256_add_ps(s, s), p));
    __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(logu, _mm256_set1_ps(-2.0f)));

    __m256i q = _mm256_srli_epi32(_mm256_add_epi32(ab, _mm256_set1_epi32(1 << 29)), 30);
    __m256i rem = _mm256_srai_epi32(_mm256_slli_epi32(ab, 2), 2);
    __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(rem), _mm256_set1_ps(ANGLE_SCALE_F));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 sp = _mm256_fmadd_ps(x2, _mm256_set1_ps(1.0f / 362880), _mm256_set1_ps(-1.0f / 5040));
    sp = _mm256_fmadd_ps(sp, x2, _mm256_set1_ps(1.0f / 120));
    sp = _mm256_fmadd_ps(sp, x2, _mm256_set1_ps(-1.0f / 6));
    __m256 sinx = _mm256_fmadd_ps(_mm256_mul_ps(x, x2), sp, x);
    __m256 cp = _mm256_fmadd_ps(x2, _mm256_set1_ps(-1.0f / 3628800), _mm256_set1_ps(1.0f / 40320));
    cp = _mm256_fmadd_ps(cp, x2, _mm256_set1_ps(-1.0f / 720));
    cp = _mm256_fmadd_ps(cp, x2, _mm256_set1_ps(1.0f / 24));
    cp = _mm256_fmadd_ps(cp, x2, _mm256_set1_ps(-0.5f));
    __m256 cosx = _mm256_fmadd_ps(x2, cp, one);
    const __m256i bit0 = _mm256_set1_epi32(1);
    __m256 odd = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(q, bit0), bit0));
    __m256 cf = _mm256_blendv_ps(cosx, sinx, odd);
    __m256 sf = _mm256_blendv_ps(sinx, cosx, odd);
    __m256i cos_sign = _mm256_slli_epi32(_mm256_and_si256(_mm256_xor_si256(q, _mm256_srli_epi32(q, 1)), bit0), 31);
    __m256i sin_sign = _mm256_slli_epi32(_mm256_and_si256(q, _mm256_set1_epi32(2)), 30);
    *zc = _mm256_xor_ps(_mm256_mul_ps(r, cf), _mm256_castsi256_ps(cos_sign));
    *zs = _mm256_xor_ps(_mm256_mul_ps(r, sf), _mm256_castsi256_ps(sin_sign));
}

AVX2 static void gaussian_f32_avx2(float *out, const float *base, size_t count, float scale, float offset,
                                   uint32_t *st) {
    __m256i a0 = _mm256_loadu_si256((const __m256i *)(st + 0)), a1 = _mm256_loadu_si256((const __m256i *)(st + 16));
    __m256i a2 = _mm256_loadu_si256((const __m256i *)(st + 32)), a3 = _mm256_loadu_si256((const __m256i *)(st + 48));
    __m256i b0 = _mm256_loadu_si256((const __m256i *)(st + 8)), b1 = _mm256_loadu_si256((const __m256i *)(st + 24));
    __m256i b2 = _mm256_loadu_si256((const __m256i *)(st + 40)), b3 = _mm256_loadu_si256((const __m256i *)(st + 56));
    const __m256 vscale = _mm256_set1_ps(scale), voffset = _mm256_set1_ps(offset);
    size_t i = 0;
    size_t full = count & ~(size_t)15;
    for (; i < full; i += 16) {
        __m256i ra, rb;
        XOSHIRO128PP_STEP(a0, a1, a2, a3, ra);
        XOSHIRO128PP_STEP(b0, b1, b2, b3, rb);
        __m256 zc, zs;
        box_muller_f32x8(ra, rb, &zc, &zs);
        __m256 xa = base ? _mm256_loadu_ps(base + i) : voffset;
        __m256 xb = base ? _mm256_loadu_ps(base + i + 8) : voffset;
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(vscale, zc, xa));
        _mm256_storeu_ps(out + i + 8, _mm256_fmadd_ps(vscale, zs, xb));
    }
    if (i < count) {
        __m256i ra, rb;
        XOSHIRO128PP_STEP(a0, a1, a2, a3, ra);
        XOSHIRO128PP_STEP(b0, b1, b2, b3, rb);
        __m256 zc, zs;
        box_muller_f32x8(ra, rb, &zc, &zs);
        float z[16];
        _mm256_storeu_ps(z, zc);
        _mm256_storeu_ps(z + 8, zs);
        for (size_t j = 0; i + j < count; j++) out[i + j] = fmaf(scale, z[j], base ? base[i + j] : offset);
    }
    _mm256_storeu_si256((__m256i *)(st + 0), a0); _mm256_storeu_si256((__m256i *)(st + 16), a1);
    _mm256_storeu_si256((__m256i *)(st + 32), a2); _mm256_storeu_si256((__m256i *)(st + 48), a3);
    _mm256_storeu_si256((__m256i *)(st + 8), b0); _mm256_storeu_si256((__m256i *)(st + 24), b1);
    _mm256_storeu_si256((__m256i *)(st + 40), b2); _mm256_storeu_si256((__m256i *)(st + 56), b3);
}

AVX2 static inline void box_muller_f64x4(__m256i rb, __m256i ab, __m256d *zc, __m256d *zs) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256i sign64 = _mm256_set1_epi64x((long long)0x8000000000000000ull);
    const __m256i two52 = _mm256_set1_epi64x(0x4330000000000000ll);  // bits of 2⁵²
    __m256d u1 = _mm256_sub_pd(_mm256_set1_pd(2.0),
                               _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(rb, 12),
                                                                   _mm256_set1_epi64x(0x3FF0000000000000ll))));
    __m256i ix = _mm256_sub_epi64(_mm256_castpd_si256(u1), _mm256_set1_epi64x(0x3FE6A09E667F3BCDll));
    // floor(ix / 2⁵²) as a Double: offset-binary shift, then the 2⁵² bit trick (exact).
    __m256i ew = _mm256_srli_epi64(_mm256_xor_si256(ix, sign64), 52);
    __m256d e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(ew, two52)), _mm256_set1_pd(0x1p52 + 2048.0));
    __m256d m = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_and_si256(ix, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFll)),
                                                     _mm256_set1_epi64x(0x3FE6A09E667F3BCDll)));
    __m256d f = _mm256_sub_pd(m, one);
    __m256d s = _mm256_div_pd(f, _mm256_add_pd(f, _mm256_set1_pd(2.0)));
    __m256d z = _mm256_mul_pd(s, s);
    __m256d p = _mm256_fmadd_pd(z, _mm256_set1_pd(1.0 / 19), _mm256_set1_pd(1.0 / 17));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 15));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 13));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 11));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 9));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 7));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 5));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 3));
    p = _mm256_fmadd_pd(p, z, one);
    __m256d logu = _mm256_fmadd_pd(e, _mm256_set1_pd(LN2_D), _mm256_mul_pd(_mm256_add_pd(s, s), p));
    __m256d r = _mm256_sqrt_pd(_mm256_mul_pd(logu, _mm256_set1_pd(-2.0)));

    __m256i q = _mm256_srli_epi64(_mm256_add_epi64(ab, _mm256_set1_epi64x(1ll << 61)), 62);
    __m256i remw = _mm256_srli_epi64(_mm256_xor_si256(_mm256_slli_epi64(ab, 2), sign64), 12);
    __m256d rem = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(remw, two52)), _mm256_set1_pd(0x1p52 + 0x1p51));
    __m256d x = _mm256_mul_pd(rem, _mm256_set1_pd(ANGLE_SCALE_D));
    __m256d x2 = _mm256_mul_pd(x, x);
    __m256d sp = _mm256_fmadd_pd(x2, _mm256_set1_pd(-1.0 / 1307674368000.0), _mm256_set1_pd(1.0 / 6227020800.0));
    sp = _mm256_fmadd_pd(sp, x2, _mm256_set1_pd(-1.0 / 39916800.0));
    sp = _mm256_fmadd_pd(sp, x2, _mm256_set1_pd(1.0 / 362880.0));
    sp = _mm256_fmadd_pd(sp, x2, _mm256_set1_pd(-1.0 / 5040.0));
    sp = _mm256_fmadd_pd(sp, x2, _mm256_set1_pd(1.0 / 120.0));
    sp = _mm256_fmadd_pd(sp, x2, _mm256_set1_pd(-1.0 / 6.0));
    __m256d sinx = _mm256_fmadd_pd(_mm256_mul_pd(x, x2), sp, x);
    __m256d cp = _mm256_fmadd_pd(x2, _mm256_set1_pd(1.0 / 20922789888000.0), _mm256_set1_pd(-1.0 / 87178291200.0));
    cp = _mm256_fmadd_pd(cp, x2, _mm256_set1_pd(1.0 / 479001600.0));
    cp = _mm256_fmadd_pd(cp, x2, _mm256_set1_pd(-1.0 / 3628800.0));
    cp = _mm256_fmadd_pd(cp, x2, _mm256_set1_pd(1.0 / 40320.0));
    cp = _mm256_fmadd_pd(cp, x2, _mm256_set1_pd(-1.0 / 720.0));
    cp = _mm256_fmadd_pd(cp, x2, _mm256_set1_pd(1.0 / 24.0));
    cp = _mm256_fmadd_pd(cp, x2, _mm256_set1_pd(-0.5));
    __m256d cosx = _mm256_fmadd_pd(x2, cp, one);
    const __m256i bit0 = _mm256_set1_epi64x(1);
    __m256d odd = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(q, bit0), bit0));
    __m256d cf = _mm256_blendv_pd(cosx, sinx, odd);
    __m256d sf = _mm256_blendv_pd(sinx, cosx, odd);
    __m256i cos_sign = _mm256_slli_epi64(_mm256_and_si256(_mm256_xor_si256(q, _mm256_srli_epi64(q, 1)), bit0), 63);
    __m256i sin_sign = _mm256_slli_epi64(_mm256_and_si256(q, _mm256_set1_epi64x(2)), 62);
    *zc = _mm256_xor_pd(_mm256_mul_pd(r, cf), _mm256_castsi256_pd(cos_sign));
    *zs = _mm256_xor_pd(_mm256_mul_pd(r, sf), _mm256_castsi256_pd(sin_sign));
}

AVX2 static void gaussian_f64_avx2(double *out, const double *base, size_t count, double scale, double offset,
                                   uint64_t *st) {
    __m256i a0 = _mm256_loadu_si256((const __m256i *)(st + 0)), a1 = _mm256_loadu_si256((const __m256i *)(st + 8));
    __m256i a2 = _mm256_loadu_si256((const __m256i *)(st + 16)), a3 = _mm256_loadu_si256((const __m256i *)(st + 24));
    __m256i b0 = _mm256_loadu_si256((const __m256i *)(st + 4)), b1 = _mm256_loadu_si256((const __m256i *)(st + 12));
    __m256i b2 = _mm256_loadu_si256((const __m256i *)(st + 20)), b3 = _mm256_loadu_si256((const __m256i *)(st + 28));
    const __m256d vscale = _mm256_set1_pd(scale), voffset = _mm256_set1_pd(offset);
    size_t i = 0;
    size_t full = count & ~(size_t)7;
    for (; i < full; i += 8) {
        __m256i ra, rb;
        XOSHIRO256PP_STEP(a0, a1, a2, a3, ra);
        XOSHIRO256PP_STEP(b0, b1, b2, b3, rb);
        __m256d zc, zs;
        box_muller_f64x4(ra, rb, &zc, &zs);
        __m256d xa = base ? _mm256_loadu_pd(base + i) : voffset;
        __m256d xb = base ? _mm256_loadu_pd(base + i + 4) : voffset;
        _mm256_storeu_pd(out + i, _mm256_fmadd_pd(vscale, zc, xa));
        _mm256_storeu_pd(out + i + 4, _mm256_fmadd_pd(vscale, zs, xb));
    }
    if (i < count) {
        __m256i ra, rb;
        XOSHIRO256PP_STEP(a0, a1, a2, a3, ra);
        XOSHIRO256PP_STEP(b0, b1, b2, b3, rb);
        __m256d zc, zs;
        box_muller_f64x4(ra, rb, &zc, &zs);
        double z[8];
        _mm256_storeu_pd(z, zc);
        _mm256_storeu_pd(z + 4, zs);
        for (size_t j = 0; i + j < count; j++) out[i + j] = fma(scale, z[j], base ? base[i + j] : offset);
    }
    _mm256_storeu_si256((__m256i *)(st + 0), a0); _mm256_storeu_si256((__m256i *)(st + 8), a1);
    _mm256_storeu_si256((__m256i *)(st + 16), a2); _mm256_storeu_si256((__m256i *)(st + 24), a3);
    _mm256_storeu_si256((__m256i *)(st + 4), b0); _mm256_storeu_si256((__m256i *)(st + 12), b1);
    _mm256_storeu_si256((__m256i *)(st + 20), b2); _mm256_storeu_si256((__m256i *)(st + 28), b3);
}
#endif

// ---------------------------------------------------------------------------------------------
// Entry points.

void semcom_gaussian_f32(float *out, const float *base, size_t count, float scale, float offset,
                         uint32_t *state, int use_avx2) {
#ifdef SEMCOM_X86
    if (use_avx2) { gaussian_f32_avx2(out, base, count, scale, offset, state); return; }
#endif
    (void)use_avx2;
    gaussian_f32_portable(out, base, count, scale, offset, state);
}

void semcom_gaussian_f64(double *out, const double *base, size_t count, double scale, double offset,
                         uint64_t *state, int use_avx2) {
#ifdef SEMCOM_X86
    if (use_avx2) { gaussian_f64_avx2(out, base, count, scale, offset, state); return; }
#endif
    (void)use_avx2;
    gaussian_f64_portable(out, base, count, scale, offset, state);
}
