/* The feature pass (Sources/CScanKernels/features.c) on seeded random blocks of digits, letters, separators, indents,
   newlines, bytes outside ASCII and broken UTF-8, under AddressSanitizer and UndefinedBehaviorSanitizer
   (.ci/kernel-sanitizers.sh): no read or write outside the block or the output buffers, and the fast pass (with AVX2
   and without) reports what the reference pass reports: the same keyword hits (here the line-start numbers, the
   only keyword source without a keyword table), the same numeric, alnum and dashed regions, the same newline bitmap.
   The Swift suite compares the passes too (FeaturePassTests) but cannot see an out-of-bounds read in C.
   Usage: features_fuzz [BLOCKS] [SEED]. */
#include "phiscrub_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0xFEA7;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static phs_features make(int32_t cap) {
    phs_features f;
    memset(&f, 0, sizeof f);
    phs_list *lists[] = {&f.numeric, &f.alnum, &f.dashed, &f.hexcolon};
    for (int i = 0; i < 4; i++) {
        lists[i]->items = malloc(sizeof(phs_region) * (size_t)cap);
        lists[i]->capacity = cap;
    }
    f.hits = malloc(sizeof(phs_hit) * (size_t)cap);
    f.hit_capacity = cap;
    return f;
}

static int same_list(const phs_list *a, const phs_list *b) {
    return a->count == b->count && memcmp(a->items, b->items, sizeof(phs_region) * (size_t)a->count) == 0;
}

int main(int argc, char **argv) {
    int blocks = argc > 1 ? atoi(argv[1]) : 3000;
    if (argc > 2) rng = strtoull(argv[2], NULL, 0) | 1;
    phs_needs needs;
    phs_needs_init(&needs);
    needs.line_number_keyword = 7;
    phs_needs_add_digit_want(&needs, 3, 0);
    phs_needs_add_dashed_want(&needs, 8, 40, 1, 1, 0);
    phs_needs_add_alnum_want(&needs, (1ULL << 9) | (1ULL << 11), 1, 1, 0);
    /* Short wants, picked by bitmaps in the fast pass: an IBAN's `DE89` (capitals and digits only) and a
       five-byte token with a letter and a digit. */
    phs_needs_add_alnum_want(&needs, 1ULL << 4, 0, 2, 2);
    phs_needs_add_alnum_want(&needs, 1ULL << 5, 1, 1, 0);
    needs.hex_colon = 1;
    phs_keywords kw;
    memset(&kw, 0, sizeof kw); /* no keywords: the line-start numbers are the only hits */
    static const char *pieces[] = {"727", "7", "03220", "123456", "1234567", "12a", " ", "  ", "\t", ">", "?", "\n",
                                   "\n\n", "Gesterbyntie", "ombù", "\xc3\xa9", "\xff\xfe", "\xc3", "-", ".", "2026-11-26",
                                   "192.0.2.1", "Suite", "a", "Z", "::", "x1:2", "555-0100", "\xe2\x80\x94",
                                   /* every numeric separator, hex letters and colons (the byte classes) */
                                   "12/34", "(555) 0100", "+44", "ab:cd:ef", "7+", "F0",
                                   /* four- and five-byte tokens around the short wants */
                                   "DE89", "GB82 WEST", "A1B2", "INFO", "2024", "ab12", "X9Y", "1a2b3", "Q7"};
    const int npieces = (int)(sizeof pieces / sizeof *pieces);
    int failures = 0;
    long hits = 0, newlines = 0;
    for (int b = 0; b < blocks; b++) {
        size_t cap = 64 + next() % 40000, n = 0;
        uint8_t *p = malloc(cap);
        while (n + 64 < cap) {
            if (next() % 2) {
                /* A line shaped like a card's street line: an indent of 0 to 18 bytes, 1 to 8 digits, then a space
                   or not, then a letter, a byte outside ASCII or anything. */
                static const char indent[] = " \t>?";
                static const char after[] = "AZaz\xc3\xa9 -.1\n";
                p[n++] = '\n';
                for (uint64_t k = next() % 19; k > 0; k--) p[n++] = (uint8_t)indent[next() % 4];
                for (uint64_t k = 1 + next() % 8; k > 0; k--) p[n++] = (uint8_t)('0' + next() % 10);
                if (next() % 4) p[n++] = ' ';
                p[n++] = (uint8_t)after[next() % (sizeof after - 1)];
            }
            const char *s = pieces[next() % (uint64_t)npieces];
            size_t len = strlen(s);
            memcpy(p + n, s, len);
            n += len;
        }
        /* Exactly n bytes, so AddressSanitizer sees a read past the block's end. */
        uint8_t *q = malloc(n ? n : 1);
        memcpy(q, p, n);
        free(p);
        int32_t items = (int32_t)n + 8;
        phs_features wide = make(items), fast = make(items), slow = make(items), base = make(items);
        size_t words = (n + 63) / 64 + 1;
        wide.newlines = calloc(words, 8);
        fast.newlines = calloc(words, 8);
        slow.newlines = calloc(words, 8);
        base.newlines = calloc(words, 8);
        phs_features_set_vector_width(64);
        phs_compute_features(&needs, &kw, q, n, &wide);
        phs_features_set_vector_width(32);
        phs_compute_features(&needs, &kw, q, n, &fast);
        phs_features_set_vector_width(0);
        phs_compute_features(&needs, &kw, q, n, &base);
        phs_features_set_vector_width(64);
        phs_compute_features_reference(&needs, &kw, q, n, &slow);
        hits += slow.hit_count;
        for (size_t i = 0; i < n; i++) newlines += q[i] == '\n';
        phs_features *all[] = {&wide, &fast, &base};
        static const char *names[] = {"avx512", "avx2", "baseline"};
        for (int k = 0; k < 3; k++) {
            phs_features *f = all[k];
            int ok = f->hit_count == slow.hit_count &&
                     memcmp(f->hits, slow.hits, sizeof(phs_hit) * (size_t)slow.hit_count) == 0 &&
                     same_list(&f->numeric, &slow.numeric) && same_list(&f->alnum, &slow.alnum) &&
                     same_list(&f->dashed, &slow.dashed) && same_list(&f->hexcolon, &slow.hexcolon) &&
                     memcmp(f->newlines, slow.newlines, ((n + 63) / 64) * 8) == 0 && !f->overflow && !slow.overflow;
            if (!ok && failures++ < 3)
                printf("block %d (%zu bytes, %s): fast %d hits, reference %d\n", b, n, names[k],
                       f->hit_count, slow.hit_count);
        }
        phs_features *fs[] = {&wide, &fast, &slow, &base};
        for (int k = 0; k < 4; k++) {
            free(fs[k]->numeric.items); free(fs[k]->alnum.items); free(fs[k]->dashed.items);
            free(fs[k]->hexcolon.items); free(fs[k]->hits); free(fs[k]->newlines);
            phs_features_release_scratch(fs[k]);
        }
        free(q);
    }
    printf("features_fuzz: %d blocks, %ld line-start numbers, %ld newlines, %d differ\n", blocks, hits, newlines,
           failures);
    return failures ? 1 : 0;
}
