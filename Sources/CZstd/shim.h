#ifndef PHISCRUB_CZSTD_SHIM_H
#define PHISCRUB_CZSTD_SHIM_H
/* zstd (Debian: libzstd-dev): .zst streams for batch mode, decompressed and compressed in bounded buffers. */
#include <zstd.h>

/* ZSTD_isError as an int (the library's returns unsigned). */
static inline int phs_zstd_is_error(size_t code) { return ZSTD_isError(code) ? 1 : 0; }
#endif
