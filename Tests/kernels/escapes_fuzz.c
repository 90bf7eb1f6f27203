/* The escape finder of the line normaliser (Sources/CICUShim/escapes.c) on seeded random lines built from pieces of
   escapes, under AddressSanitizer and UBSan (.ci/kernel-sanitizers.sh): the AVX-512BW and AVX2 loops (where the CPU
   has them) must find the escape a byte-at-a-time search finds, and every escape found must read as a character
   that is no control character. Usage: escapes_fuzz [LINES]. */
#include "../../Sources/CICUShim/escapes.c"

#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 88172645463325252ULL;
static uint64_t next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv) {
    long lines = argc > 1 ? atol(argv[1]) : 200000;
    static const char *pieces[] = {"\\", "u", "00e9", "%", "C3", "%A9", "&", "#", "x4A", ";", "eacute", "a", "Z", "9",
                                   "\\\\", "%2", "&#", "amp;", " ", "d83d", "\\ude00", "%0A", "&#10;", "nbsp", "\xc3\xa9"};
    const int count = sizeof(pieces) / sizeof(pieces[0]);
    long found = 0;
    for (long it = 0; it < lines; it++) {
        size_t n = 0, len = next() % 300;
        uint8_t *buf = malloc(len + 1);
        while (n < len) {
            const char *w = pieces[next() % count];
            for (size_t k = 0; w[k] && n < len; k++) buf[n++] = (uint8_t)w[k];
        }
        size_t want = next_escape_from(buf, n, 0);
#if defined(__x86_64__) && defined(__linux__)
        if (__builtin_cpu_supports("avx2") && next_escape_avx2(buf, n) != want) {
            fprintf(stderr, "escapes_fuzz: line %ld: AVX2 %zu, bytes %zu\n", it, next_escape_avx2(buf, n), want);
            return 1;
        }
        if (__builtin_cpu_supports("avx512bw") && next_escape_avx512(buf, n) != want) {
            fprintf(stderr, "escapes_fuzz: line %ld: AVX-512 %zu, bytes %zu\n", it, next_escape_avx512(buf, n), want);
            return 1;
        }
#endif
        if (want < n) {
            size_t elen = 0;
            int32_t c = phs_escape_at(buf, n, want, &elen, 0);
            if (c < 0x20 || c == 0x7F || elen == 0 || want + elen > n) {
                fprintf(stderr, "escapes_fuzz: line %ld: escape at %zu reads %d (%zu bytes)\n", it, want, c, elen);
                return 1;
            }
            found++;
        }
        free(buf);
    }
    printf("escapes_fuzz: %ld lines, %ld with an escape, no error; the vector loops find what the byte loop finds\n",
           lines, found);
    return 0;
}
