#ifndef SEMCOM_CBLAS_SHIM_H
#define SEMCOM_CBLAS_SHIM_H
// OpenBLAS's CBLAS interface plus its thread-count controls.
#include <cblas.h>
#include <stddef.h>

// LAPACK's symmetric eigensolver, which OpenBLAS exports (its Fortran LAPACK; no LAPACKE header
// is needed). The two trailing arguments are the hidden lengths of the character arguments that
// gfortran passes by value (size_t since gfortran 8); callers pass 1 for each.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info, size_t jobz_length, size_t uplo_length);
#endif
