/* Helpers shared by the feature passes (features.c, features_reference.c): byte classes, keyword lookup, numeric
   runs and IPv6-like runs. Internal to CScanKernels. */
#ifndef PHISCRUB_KERNEL_SHARED_H
#define PHISCRUB_KERNEL_SHARED_H
#include "phiscrub_kernels.h"
#include <string.h>

static inline int is_digit(uint8_t b) { return (uint8_t)(b - '0') < 10; }
static inline int is_alpha(uint8_t b) { return (uint8_t)((b | 0x20) - 'a') < 26; }
static inline int is_alnum(uint8_t b) { return is_digit(b) | is_alpha(b); }
static inline int is_hex_alpha(uint8_t b) { return (uint8_t)((b | 0x20) - 'a') < 6; }

/* Separator bytes of numeric runs and their bits (must match SeparatorBits in Swift). */
static inline int sep_bit(uint8_t b) {
    switch (b) {
    case '-': return 1;
    case '.': return 2;
    case ' ': return 4;
    case '/': return 8;
    case '(': return 16;
    case ')': return 32;
    case '+': return 64;
    default: return 0;
    }
}

/* Appends r, or only counts it when the list is full (the caller grows the list to `count` and runs again). */
static inline void push(phs_list *l, phs_features *out, phs_region r) {
    if (l->count < l->capacity) l->items[l->count] = r;
    else out->overflow = 1;
    l->count++;
}

/* ---- keywords ---------------------------------------------------------------------------------------------- */

/* The key of a token from its first 8 bytes `v` (little-endian): the first min(length, 8) bytes, case-folded with
   | 0x20, top bit set so a key is never 0 (length >= 1). */
static inline uint64_t fold_key(uint64_t v, size_t length) {
    uint64_t keep = ~(uint64_t)0 >> (64 - 8 * (length < 8 ? length : 8));
    return ((v | 0x2020202020202020ULL) & keep) | 0x8000000000000000ULL;
}

static inline uint64_t token_key(const uint8_t *p, size_t length, size_t available) {
    uint64_t v = 0;
    if (__builtin_expect(available >= 8, 1)) {
        memcpy(&v, p, 8);
    } else {
        size_t take = length < 8 ? length : 8;
        for (size_t i = 0; i < take; i++) v |= ((uint64_t)p[i]) << (i * 8);
    }
    return fold_key(v, length);
}

_Static_assert(sizeof(phs_keyword_slot) == 64, "a keyword slot fills one cache line");

static inline int32_t token_slot(uint64_t key, size_t length, int32_t mask) {
    return (int32_t)(((key ^ (uint64_t)length) * 0x9E3779B97F4A7C15ULL) >> 40) & mask;
}

/* Whether keyword k (a slot's entry) occurs at p[start..]. `verified` leading bytes are already known to match
   case-insensitively (the first token, when its key covered it); case-sensitive keywords are compared whole. */
static inline int verify_keyword(const phs_keywords *kw, const phs_keyword_entry *k, const uint8_t *p, size_t n,
                                 size_t start, size_t verified) {
    const uint8_t *w = kw->kw_bytes + k->offset;
    size_t count = (size_t)k->length;
    if (start + count > n) return 0;
    if (k->case_sensitive) {
        if (memcmp(p + start, w, count) != 0) return 0;
    } else {
        for (size_t j = verified; j < count; j++) {
            uint8_t a = p[start + j], b = w[j];
            if ((uint8_t)(a - 'A') < 26) a |= 0x20;
            if ((uint8_t)(b - 'A') < 26) b |= 0x20;
            if (a != b) return 0;
        }
    }
    if (is_alnum(w[count - 1]) && start + count < n && is_alnum(p[start + count])) return 0;
    return 1;
}

/* Appends a keyword hit; when the list is full, only counts it (the caller grows the list and runs again). */
static inline void push_hit(phs_features *out, int32_t keyword, size_t start) {
    if (out->hit_count < out->hit_capacity) {
        out->hits[out->hit_count].keyword = keyword;
        out->hits[out->hit_count].start = (int32_t)start;
    } else {
        out->overflow = 1;
    }
    out->hit_count++;
}

static inline __attribute__((noinline)) void probe_token(const phs_keywords *kw, const uint8_t *p, size_t n, size_t start,
                                                  size_t end, phs_features *out) {
    size_t length = end - start;
    uint64_t key = token_key(p + start, length, n - start);
    int32_t slot = token_slot(key, length, kw->mask);
    const phs_keyword_slot *s;
    for (;;) {
        s = kw->slots + slot;
        if (s->key == 0) return;
        if (s->key == key && (size_t)s->length == length) break;
        slot = (slot + 1) & kw->mask;
    }
    /* The token's key holds its first min(length, 8) bytes case-folded with | 0x20, which for letters and digits
       (all a token has) is exactly ASCII case-insensitive equality: a token of at most 8 bytes is verified. */
    size_t verified = length <= 8 ? length : 0;
    if (end < n) {
        uint8_t next = p[end];
        if (!((s->next[next >> 6] >> (next & 63)) & 1)) return;
    }
    for (int32_t i = s->list_start; i < s->list_end; i++) {
        const phs_keyword_entry *k = kw->entries + i;
        if (verify_keyword(kw, k, p, n, start, verified)) push_hit(out, k->keyword, start);
    }
}



/* ---- per-line state for the event loops ------------------------------------------------------------------------ */

typedef struct line_state {
    const phs_needs *needs;
    const phs_keywords *kw;
    const uint8_t *p;
    size_t n;
    phs_features *out;
    /* dashed runs: tokens joined by single '-' */
    int64_t d_start, last_tok_end;
    int32_t d_count, d_letters, d_digits;
    /* numeric runs: digit groups joined by one or two separators */
    int64_t r_start, last_group_end;
    int32_t r_digits, r_dots, r_seps, r_groups;
    uint64_t r_shape;
    /* Copies of hot configuration, so the loops keep them in registers (stores through `out` could alias them). */
    uint64_t alnum_lengths;
    int32_t min_dashed, dashed_wants, kw_count, kw_max_first, kw_digit_first, min_digits, min_dots;
} line_state;

/* Closes the open numeric run, adding up to two trailing separators. */
static inline __attribute__((always_inline)) void close_run(line_state *st) {
    if (st->r_start < 0) return;
    if (st->r_digits < st->min_digits && st->r_dots + 2 < st->min_dots) {
        st->r_start = -1;
        return;
    }
    size_t end = (size_t)st->last_group_end;
    for (int k = 0; k < 2 && end < st->n && sep_bit(st->p[end]); k++) {
        if (st->p[end] == '.') st->r_dots++;
        st->r_seps |= sep_bit(st->p[end]);
        end++;
    }
    int want = st->r_dots >= st->needs->min_dots;
    for (int32_t i = 0; !want && i < st->needs->digit_wants; i++)
        want = st->r_digits >= st->needs->digit_min[i] && (st->needs->digit_seps[i] == 0 || (st->r_seps & st->needs->digit_seps[i]));
    if (want) {
        phs_region r = {(int32_t)st->r_start, (int32_t)end, st->r_digits, st->r_dots, st->r_seps, 0, 0, st->r_shape};
        push(&st->out->numeric, st->out, r);
    }
    st->r_start = -1;
}

/* A digit group p[s..e): joins the open numeric run across one or two separators, or starts a new one with up to
   two leading separators. A group directly followed by ':' and a digit is a time of day: not counted. */
static inline __attribute__((always_inline)) void on_group(line_state *st, size_t s, size_t e) {
    const uint8_t *p = st->p;
    if (st->r_start >= 0) {
        size_t gap = s - (size_t)st->last_group_end;
        int joined = (gap == 1 && sep_bit(p[s - 1])) || (gap == 2 && sep_bit(p[s - 1]) && sep_bit(p[s - 2]));
        if (joined) {
            for (size_t k = s - gap; k < s; k++) {
                if (p[k] == '.') st->r_dots++;
                st->r_seps |= sep_bit(p[k]);
            }
        } else {
            close_run(st);
        }
    }
    if (st->r_start < 0) {
        size_t start = s;
        while (start > 0 && s - start < 2 && sep_bit(p[start - 1])) start--;
        st->r_start = (int64_t)start;
        st->r_digits = 0;
        st->r_dots = 0;
        st->r_seps = 0;
        st->r_groups = 0;
        st->r_shape = 0;
        for (size_t k = start; k < s; k++) {
            if (p[k] == '.') st->r_dots++;
            st->r_seps |= sep_bit(p[k]);
        }
    }
    int is_time = e + 1 < st->n && p[e] == ':' && is_digit(p[e + 1]);
    if (!is_time) st->r_digits += (int32_t)(e - s);
    if (st->r_groups < 12) {
        uint64_t g = e - s > 31 ? 31 : (uint64_t)(e - s);
        st->r_shape |= g << (5 * st->r_groups);
        st->r_groups++;
    } else {
        st->r_shape |= (uint64_t)1 << 63;
    }
    st->last_group_end = (int64_t)e;
}


/* ---- IPv6-like runs of hex digits and colons ------------------------------------------------------------------ */

static inline int is_hex_or_colon(uint8_t b) { return is_digit(b) || is_hex_alpha(b) || b == ':'; }

static inline void compute_hex_colon(const uint8_t *p, size_t n, phs_features *out) {
    size_t i = 0;
    while (i < n) {
        const uint8_t *c = memchr(p + i, ':', n - i);
        if (!c) break;
        i = (size_t)(c - p);
        size_t s = i;
        while (s > 0 && is_hex_or_colon(p[s - 1])) s--;
        int32_t colons = 0, letters = 0, dbl = 0;
        size_t k = s;
        while (k < n && is_hex_or_colon(p[k])) {
            if (p[k] == ':') {
                colons++;
                if (k > s && p[k - 1] == ':') dbl = 1;
            } else if (is_hex_alpha(p[k])) {
                letters = 1;
            }
            k++;
        }
        (void)letters;
        if (dbl || colons >= 7) {
            phs_region r = {(int32_t)s, (int32_t)k, colons, 0, 0, 0, 0, 0};
            push(&out->hexcolon, out, r);
        }
        i = k + 1;
    }
}
#endif
