#ifndef PHISCRUB_KERNELS_H
#define PHISCRUB_KERNELS_H
/* The per-line feature pass of the scanner's prefilter, in C: tight byte loops with no reference counting or
   bounds checks. The Swift side (PHIScan/Matching/FeatureKernel.swift) owns every buffer and builds the keyword
   table; this file only reads and fills them. */
#include <stddef.h>
#include <stdint.h>

/* A span of a line that satisfies a shape trigger. Numeric runs: count = digits (time-of-day groups excluded),
   dots, extra = separator bits. Alnum and dashed runs: count = letters+digits, extra = letters, digits. */
typedef struct phs_region {
    int32_t start, end, count, dots, extra, digits;
} phs_region;

typedef struct phs_hit {
    int32_t keyword, start;
} phs_hit;

/* Open-addressing table of keyword first tokens (see KeywordIndex.swift for the key and slot functions). */
typedef struct phs_keywords {
    const uint64_t *slot_keys;
    const int32_t *slot_lengths, *slot_list_start, *slot_list_end, *lists;
    int32_t mask;
    const uint8_t *kw_bytes;          /* all keywords, concatenated */
    const int32_t *kw_offset, *kw_length;
    const uint8_t *kw_case_sensitive; /* 1: compare exactly; 0: ASCII case-insensitive */
    int32_t count;
    int32_t max_first_length;         /* longest first token of any keyword */
} phs_keywords;

typedef struct phs_needs {
    int32_t min_digits, min_dots, min_dashed, hex_colon; /* INT32_MAX / 0 when not wanted */
    uint64_t alnum_lengths;                              /* bit n: record alnum runs of length n */
} phs_needs;

typedef struct phs_list {
    phs_region *items;
    int32_t count, capacity;
} phs_list;

typedef struct phs_features {
    phs_list numeric, alnum, dashed, hexcolon;
    phs_hit *hits;
    int32_t hit_count, hit_capacity;
    /* Set when a list was full; the caller grows the lists and calls again. */
    int32_t overflow;
} phs_features;

/* Fills `out` (counts reset first) for the line p[0..n). */
void phs_compute_features(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                          phs_features *out);

/* Index of the first byte >= 0x80 in p[0..n), or n. */
size_t phs_first_non_ascii(const uint8_t *p, size_t n);

#endif
