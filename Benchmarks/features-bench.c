/* The C feature pass alone (Sources/CScanKernels/features.c) over a log file in 1 MiB blocks: best CPU time of five
   passes, with alnum wants like the shipped packs' (the keyword pass left out), and optionally one more want to price
   it. End-to-end timings on a shared 2-core VM could not resolve 5 %; this isolates the pass (a third of the log
   run). Build and run (see README "Measurements", issue 12, twenty-third session):

     clang -O2 -I Sources/CScanKernels/include -I Sources/CScanKernels Benchmarks/features-bench.c \
       Sources/CScanKernels/features.c Sources/CScanKernels/kernels.c -o /tmp/features-bench
     for i in 1 2 3 4; do for w in 0 1 2; do taskset -c 0 /tmp/features-bench /tmp/phiscrub-bench-200M.log $w; done; done

   The second argument adds a want: 0 none, 1 a 4-byte run of two capitals and two digits (an IBAN's `DE89`),
   2 the same counts at 16 bytes, 3 at 5 bytes. Compare the minimum of each over the runs. */
#include "phiscrub_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static phs_features make(int32_t items) {
    phs_features f; memset(&f, 0, sizeof f);
    f.hits = malloc(sizeof(phs_hit) * items); f.hit_capacity = items;
    phs_list *l[] = {&f.numeric, &f.alnum, &f.dashed, &f.hexcolon};
    for (int i = 0; i < 4; i++) { l[i]->items = malloc(sizeof(phs_region) * items); l[i]->capacity = items; }
    return f;
}
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: features-bench LOG WANT(0-3)\n"); return 2; }
    int iban = atoi(argv[2]);
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) { perror(argv[1]); return 1; }
    fseek(fp, 0, SEEK_END); size_t n = ftell(fp); fseek(fp, 0, SEEK_SET);
    uint8_t *p = malloc(n ? n : 1);
    if (fread(p, 1, n, fp) != n) { fprintf(stderr, "short read\n"); return 1; }
    phs_needs needs; phs_needs_init(&needs);
    phs_needs_add_digit_want(&needs, 6, 0);
    phs_needs_add_dashed_want(&needs, 11, 40, 1, 1, 0);
    phs_needs_add_alnum_want(&needs, 1ULL << 9, 1, 1, 0);
    phs_needs_add_alnum_want(&needs, 1ULL << 11, 1, 1, 0);
    phs_needs_add_alnum_want(&needs, 1ULL << 12, 3, 9, 0);
    phs_needs_add_alnum_want(&needs, 1ULL << 17, 0, 0, 0);
    uint64_t l = 0; for (int k = 15; k <= 34; k++) l |= 1ULL << k;
    phs_needs_add_alnum_want(&needs, l, 2, 6, 2);
    l = 0; for (int k = 6; k <= 15; k++) l |= 1ULL << k;
    phs_needs_add_alnum_want(&needs, l, 1, 1, 0);
    if (iban == 1) phs_needs_add_alnum_want(&needs, 1ULL << 4, 0, 2, 2);
    if (iban == 2) phs_needs_add_alnum_want(&needs, 1ULL << 16, 0, 2, 2);
    if (iban == 3) phs_needs_add_alnum_want(&needs, 1ULL << 5, 0, 2, 2);
    needs.hex_colon = 1;
    phs_keywords kw; memset(&kw, 0, sizeof kw);
    size_t block = 1 << 20; int32_t items = (int32_t)block + 8;
    phs_features f = make(items);
    f.newlines = calloc(block / 64 + 2, 8);
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        struct timespec a, b; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        long regions = 0;
        for (size_t off = 0; off < n; off += block) {
            size_t len = n - off < block ? n - off : block;
            phs_compute_features(&needs, &kw, p + off, len, &f);
            regions += f.alnum.count;
        }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        double t = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
        if (t < best) best = t;
        if (rep == 0) printf("alnum regions %ld\n", regions);
    }
    printf("iban=%d best %.3f s\n", iban, best);
}
