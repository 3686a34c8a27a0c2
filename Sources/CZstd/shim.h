#ifndef SEMCOM_CZSTD_SHIM_H
#define SEMCOM_CZSTD_SHIM_H
#include <zstd.h>
#endif
