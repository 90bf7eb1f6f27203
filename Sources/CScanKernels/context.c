/* Context-word search around a match: the hot part of scoring, in C so the window walk does no reference
   counting and looks only at the words that can start with each word's first byte. */
#include "kernel_shared.h"

int32_t phs_context_first(const phs_context_words *cw, const uint8_t *p, size_t n, size_t lo, size_t hi,
                          size_t span_lo, size_t span_hi) {
    size_t i = lo;
    while (i < hi) {
        uint8_t b = p[i];
        if (!is_alnum(b) || (i > 0 && is_alnum(p[i - 1]))) {
            i++;
            continue;
        }
        if (i < span_lo || i >= span_hi) {
            uint8_t first = (uint8_t)(b - 'A') < 26 ? (uint8_t)(b | 0x20) : b;
            for (int32_t j = cw->bucket_start[first]; j < cw->bucket_start[first + 1]; j++) {
                int32_t k = cw->order[j];
                size_t len = (size_t)cw->length[k];
                if (i + len > hi) continue;
                if (i < span_lo && i + len > span_lo) continue;
                const uint8_t *w = cw->bytes + cw->offset[k];
                size_t m = 0;
                while (m < len) {
                    uint8_t c = p[i + m];
                    if ((uint8_t)(c - 'A') < 26) c |= 0x20;
                    if (c != w[m]) break;
                    m++;
                }
                if (m < len) continue;
                /* Whole word: the word starts a token already; it must also end one when its last byte is alnum. */
                if (is_alnum(w[len - 1]) && i + len < n && is_alnum(p[i + len])) continue;
                return k;
            }
        }
        i++;
        while (i < hi && is_alnum(p[i])) i++;
    }
    return -1;
}
