// The Adam / AdamW update (Kingma & Ba 2015; Loshchilov & Hutter 2019) on Float arrays: see
// include/CSemComKernels.h. Both paths evaluate the same unfused expression, in the same order as
// NeuralNet's scalar reference, so every path and every split gives the same bits.
#include "CSemComKernels.h"

#include <math.h>
#include <stddef.h>

#if defined(__x86_64__) || defined(_M_X64)
#define SEMCOM_X86 1
#include <immintrin.h>
#endif

// Bit-identical results need every multiply and add rounded on its own.
#pragma clang fp contract(off)

/// Elements [begin, end), one at a time.
static void adam_portable(float *p, const float *g, float *m, float *v, const semcom_adam_constants *c,
                          size_t begin, size_t end) {
    const float keep = 1.0f - c->decay, one_minus_beta1 = 1.0f - c->beta1, one_minus_beta2 = 1.0f - c->beta2;
    for (size_t i = begin; i < end; i++) {
        float pi = p[i] * keep;
        const float gi = g[i] + c->weight_decay * pi;
        const float mi = c->beta1 * m[i] + one_minus_beta1 * gi;
        const float vi = c->beta2 * v[i] + one_minus_beta2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        pi -= c->step_size * mi / (sqrtf(vi) * c->inverse_root_correction2 + c->epsilon);
        p[i] = pi;
    }
}

#ifdef SEMCOM_X86
/// Elements [begin, end), eight at a time (AVX: separate multiplies and adds, correctly rounded
/// square root and division, so each lane equals adam_portable), the tail one at a time.
__attribute__((target("avx"))) static void adam_avx(float *p, const float *g, float *m, float *v,
                                                  const semcom_adam_constants *c, size_t begin, size_t end) {
    const __m256 keep = _mm256_set1_ps(1.0f - c->decay), weight_decay = _mm256_set1_ps(c->weight_decay);
    const __m256 beta1 = _mm256_set1_ps(c->beta1), one_minus_beta1 = _mm256_set1_ps(1.0f - c->beta1);
    const __m256 beta2 = _mm256_set1_ps(c->beta2), one_minus_beta2 = _mm256_set1_ps(1.0f - c->beta2);
    const __m256 step_size = _mm256_set1_ps(c->step_size);
    const __m256 inverse_root = _mm256_set1_ps(c->inverse_root_correction2), epsilon = _mm256_set1_ps(c->epsilon);
    size_t i = begin;
    for (; i + 8 <= end; i += 8) {
        __m256 pv = _mm256_mul_ps(_mm256_loadu_ps(p + i), keep);
        const __m256 gv = _mm256_add_ps(_mm256_loadu_ps(g + i), _mm256_mul_ps(weight_decay, pv));
        const __m256 mv = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(one_minus_beta1, gv));
        const __m256 vv = _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(v + i)),
                                        _mm256_mul_ps(_mm256_mul_ps(one_minus_beta2, gv), gv));
        const __m256 denominator = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vv), inverse_root), epsilon);
        pv = _mm256_sub_ps(pv, _mm256_div_ps(_mm256_mul_ps(step_size, mv), denominator));
        _mm256_storeu_ps(m + i, mv);
        _mm256_storeu_ps(v + i, vv);
        _mm256_storeu_ps(p + i, pv);
    }
    adam_portable(p, g, m, v, c, i, end);
}
#endif

typedef struct {
    float *p;
    const float *g;
    float *m, *v;
    const semcom_adam_constants *c;
    int use_avx;
} adam_job;

static void adam_range(void *context, size_t begin, size_t end) {
    const adam_job *j = (const adam_job *)context;
#ifdef SEMCOM_X86
    if (j->use_avx) {
        adam_avx(j->p, j->g, j->m, j->v, j->c, begin, end);
        return;
    }
#endif
    adam_portable(j->p, j->g, j->m, j->v, j->c, begin, end);
}

/// Fewest elements per part of a split update (a part takes some tens of microseconds; handing one
/// to a helper costs about one).
#define ADAM_MINIMUM_PART 16384

void semcom_adam_f32(float *p, const float *g, float *m, float *v, size_t count, const semcom_adam_constants *c,
                     int use_avx, int threads) {
    adam_job job = {p, g, m, v, c, use_avx};
    size_t parts = threads > 1 ? (size_t)threads : 1;
    if (parts > count / ADAM_MINIMUM_PART) parts = count / ADAM_MINIMUM_PART;
    if (parts > SEMCOM_POOL_MAX_THREADS) parts = SEMCOM_POOL_MAX_THREADS;
    if (parts < 2) {
        adam_range(&job, 0, count);
        return;
    }
    size_t bounds[SEMCOM_POOL_MAX_THREADS + 1];
    for (size_t k = 0; k <= parts; k++) bounds[k] = k == parts ? count : count * k / parts / 16 * 16;
    semcom_pool_run(adam_range, &job, bounds, (int)parts);
}
