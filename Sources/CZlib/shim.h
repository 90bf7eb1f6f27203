#ifndef PHISCRUB_CZLIB_SHIM_H
#define PHISCRUB_CZLIB_SHIM_H
/* zlib: gzip streams for batch mode. deflateInit2 and inflateInit2 are macros Swift cannot call. */
#include <zlib.h>

/* gzip (windowBits 15 + 16): header with mtime 0, so the same input always gives the same bytes. */
static inline int phs_deflate_init_gzip(z_stream *s, int level) {
    return deflateInit2_(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, (int)sizeof(z_stream));
}

/* gzip only (windowBits 15 + 16); multi-member streams are handled by the caller with inflateReset. */
static inline int phs_inflate_init_gzip(z_stream *s) {
    return inflateInit2_(s, 15 + 16, ZLIB_VERSION, (int)sizeof(z_stream));
}
#endif
