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

static inline uint64_t token_key(const uint8_t *p, size_t length, size_t available) {
    size_t take = length < 8 ? length : 8;
    uint64_t v = 0;
    if (available >= 8) {
        memcpy(&v, p, 8);
        if (take < 8) v &= (((uint64_t)1) << (take * 8)) - 1;
    } else {
        for (size_t i = 0; i < take; i++) v |= ((uint64_t)p[i]) << (i * 8);
    }
    uint64_t fold = 0x2020202020202020ULL;
    if (take < 8) fold &= (((uint64_t)1) << (take * 8)) - 1;
    return (v | fold) | 0x8000000000000000ULL;
}

static inline int32_t token_slot(uint64_t key, size_t length, int32_t mask) {
    return (int32_t)(((key ^ (uint64_t)length) * 0x9E3779B97F4A7C15ULL) >> 40) & mask;
}

static inline int verify_keyword(const phs_keywords *kw, int32_t k, const uint8_t *p, size_t n, size_t start) {
    const uint8_t *w = kw->kw_bytes + kw->kw_offset[k];
    size_t count = (size_t)kw->kw_length[k];
    if (start + count > n) return 0;
    if (kw->kw_case_sensitive[k]) {
        if (memcmp(p + start, w, count) != 0) return 0;
    } else {
        for (size_t j = 0; j < count; j++) {
            uint8_t a = p[start + j], b = w[j];
            if ((uint8_t)(a - 'A') < 26) a |= 0x20;
            if ((uint8_t)(b - 'A') < 26) b |= 0x20;
            if (a != b) return 0;
        }
    }
    if (is_alnum(w[count - 1]) && start + count < n && is_alnum(p[start + count])) return 0;
    return 1;
}

static __attribute__((noinline)) void probe_token(const phs_keywords *kw, const uint8_t *p, size_t n, size_t start,
                                                  size_t end, phs_features *out) {
    size_t length = end - start;
    uint64_t key = token_key(p + start, length, n - start);
    int32_t slot = token_slot(key, length, kw->mask);
    for (;;) {
        uint64_t k = kw->slot_keys[slot];
        if (k == 0) return;
        if (k == key && (size_t)kw->slot_lengths[slot] == length) break;
        slot = (slot + 1) & kw->mask;
    }
    for (int32_t i = kw->slot_list_start[slot]; i < kw->slot_list_end[slot]; i++) {
        int32_t k = kw->lists[i];
        if (verify_keyword(kw, k, p, n, start)) {
            if (out->hit_count < out->hit_capacity) {
                out->hits[out->hit_count].keyword = k;
                out->hits[out->hit_count].start = (int32_t)start;
            } else {
                out->overflow = 1;
            }
            out->hit_count++;
        }
    }
}

/* Cheap filters (first byte and length, first two bytes) before hashing the token. */
static inline __attribute__((always_inline)) void lookup_token(const phs_keywords *kw, const uint8_t *p, size_t n,
                                                               size_t start, size_t end, phs_features *out) {
    size_t length = end - start;
    uint8_t c0 = p[start] | 0x20, c1 = length > 1 ? (p[start + 1] | 0x20) : 0;
    if (length >= 32 || !((kw->first_lengths[c0] >> length) & 1)) return;
    uint32_t bg = ((uint32_t)c0 << 8) | c1;
    if (!((kw->bigrams[bg >> 6] >> (bg & 63)) & 1)) return;
    probe_token(kw, p, n, start, end, out);
}

/* ---- block masks --------------------------------------------------------------------------------------------
   For 64 bytes at a time: bit i of *alnum is set when byte i is an ASCII letter or digit, bit i of *digit when it
   is a digit. Bytes past `len` count as neither. SSE2 is part of x86-64; elsewhere a scalar loop builds them. */

#if defined(__SSE2__)
#include <emmintrin.h>
static inline void block_masks64(const uint8_t *p, uint64_t *alnum, uint64_t *digit) {
    const __m128i c0 = _mm_set1_epi8('0' - 1), c9 = _mm_set1_epi8('9' + 1);
    const __m128i ca = _mm_set1_epi8('a' - 1), cz = _mm_set1_epi8('z' + 1), c20 = _mm_set1_epi8(0x20);
    uint64_t a = 0, d = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, c0), _mm_cmpgt_epi8(c9, v));
        __m128i low = _mm_or_si128(v, c20);
        __m128i alp = _mm_and_si128(_mm_cmpgt_epi8(low, ca), _mm_cmpgt_epi8(cz, low));
        d |= (uint64_t)(uint16_t)_mm_movemask_epi8(dig) << (16 * k);
        a |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(dig, alp)) << (16 * k);
    }
    *alnum = a;
    *digit = d;
}
#else
static inline void block_masks64(const uint8_t *p, uint64_t *alnum, uint64_t *digit) {
    uint64_t a = 0, d = 0;
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (is_digit(p[i])) { d |= bit; a |= bit; }
        else if (is_alpha(p[i])) a |= bit;
    }
    *alnum = a;
    *digit = d;
}
#endif

static inline void block_masks(const uint8_t *p, size_t len, uint64_t *alnum, uint64_t *digit) {
    if (len >= 64) {
        block_masks64(p, alnum, digit);
        return;
    }
    uint8_t tmp[64];
    memset(tmp, 0, sizeof tmp);
    memcpy(tmp, p, len);
    block_masks64(tmp, alnum, digit);
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

static void close_dashed_slow(line_state *st);

/* Closes the open dashed run: short runs are dropped here; others go to close_dashed_slow, which counts letters
   and digits only then. */
static inline __attribute__((always_inline)) void close_dashed(line_state *st) {
    if (st->d_start < 0) return;
    int32_t count = st->d_count;
    if (count < st->min_dashed) {
        st->d_start = -1;
        return;
    }
    close_dashed_slow(st);
}

/* Records the open dashed run (already known to be long enough) if some rule wants it. */
static __attribute__((noinline)) void close_dashed_slow(line_state *st) {
    const phs_needs *needs = st->needs;
    int32_t count = st->d_count;
    int maybe = 0;
    for (int32_t i = 0; i < needs->dashed_wants; i++)
        if (count >= needs->dashed_min[i] && count <= needs->dashed_max[i]) { maybe = 1; break; }
    if (maybe) {
        int32_t digits = 0, upper = 0;
        for (int64_t k = st->d_start; k < st->last_tok_end; k++) {
            digits += is_digit(st->p[k]);
            upper += (uint8_t)(st->p[k] - 'A') < 26;
        }
        int32_t letters = count - digits;
        for (int32_t i = 0; i < needs->dashed_wants; i++) {
            if (count >= needs->dashed_min[i] && count <= needs->dashed_max[i] && letters >= needs->dashed_letters[i]
                && digits >= needs->dashed_digits[i] && upper >= needs->dashed_upper[i]) {
                phs_region r = {(int32_t)st->d_start, (int32_t)st->last_tok_end, count, 0, letters, digits, upper, 0};
                push(&st->out->dashed, st->out, r);
                break;
            }
        }
    }
    st->d_start = -1;
}

/* A token (maximal alnum run) p[s..e). */
static inline __attribute__((always_inline)) void on_token(line_state *st, size_t s, size_t e) {
    const phs_needs *needs = st->needs;
    int32_t len = (int32_t)(e - s);
    if (len < 64 && (st->alnum_lengths & (((uint64_t)1) << len))) {
        int32_t digits = 0, upper = 0;
        for (size_t k = s; k < e; k++) {
            digits += is_digit(st->p[k]);
            upper += (uint8_t)(st->p[k] - 'A') < 26;
        }
        uint64_t bit = ((uint64_t)1) << len;
        for (int32_t i = 0; i < needs->alnum_wants; i++) {
            if ((needs->alnum_want_lengths[i] & bit) && len - digits >= needs->alnum_letters[i]
                && digits >= needs->alnum_digits[i] && upper >= needs->alnum_upper[i]) {
                phs_region r = {(int32_t)s, (int32_t)e, len, 0, len - digits, digits, upper, 0};
                push(&st->out->alnum, st->out, r);
                break;
            }
        }
    }
    if (st->dashed_wants > 0) {
        if (st->d_start >= 0 && (int64_t)s == st->last_tok_end + 1 && st->p[s - 1] == '-') {
            st->d_count += len;
        } else {
            close_dashed(st);
            st->d_start = (int64_t)s;
            st->d_count = len;
        }
        st->last_tok_end = (int64_t)e;
    }
    if (st->kw_count > 0 && len <= st->kw_max_first && (st->kw_digit_first || !is_digit(st->p[s])))
        lookup_token(st->kw, st->p, st->n, s, e, st->out);
}

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

/* Finds tokens and digit groups from 64-byte masks and hands each, in order, to on_token / on_group. */
static void compute_tokens_and_numeric(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                                       phs_features *out) {
    line_state st = {needs, kw, p, n, out, -1, -2, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0,
                     needs->alnum_lengths, needs->min_dashed, needs->dashed_wants, kw->count, kw->max_first_length,
                     kw->digit_first, needs->min_digits, needs->min_dots};
    const int want_numeric = needs->min_digits != INT32_MAX || needs->min_dots != INT32_MAX;
    uint64_t carry_a = 0, carry_d = 0;
    size_t tok_start = 0, grp_start = 0;
    for (size_t base = 0; base < n; base += 64) {
        size_t len = n - base < 64 ? n - base : 64;
        uint64_t a, d;
        block_masks(p + base, len, &a, &d);
        uint64_t prev_a = (a << 1) | carry_a, prev_d = (d << 1) | carry_d;
        uint64_t ev = a ^ prev_a; /* token starts (a set) and ends (a clear) */
        if (len < 64) ev &= (((uint64_t)2) << len) - 1;
        while (ev) {
            int bit = __builtin_ctzll(ev);
            ev &= ev - 1;
            size_t pos = base + (size_t)bit;
            if ((a >> bit) & 1) tok_start = pos;
            else on_token(&st, tok_start, pos);
        }
        if (want_numeric) {
            uint64_t gev = d ^ prev_d;
            if (len < 64) gev &= (((uint64_t)2) << len) - 1;
            while (gev) {
                int bit = __builtin_ctzll(gev);
                gev &= gev - 1;
                size_t pos = base + (size_t)bit;
                if ((d >> bit) & 1) grp_start = pos;
                else on_group(&st, grp_start, pos);
            }
        }
        carry_a = len == 64 ? a >> 63 : 0;
        carry_d = len == 64 ? d >> 63 : 0;
    }
    /* A token or group reaching the end of a line whose length is a multiple of 64. */
    if (carry_a) on_token(&st, tok_start, n);
    if (want_numeric && carry_d) on_group(&st, grp_start, n);
    if (needs->dashed_wants > 0) close_dashed(&st);
    if (want_numeric) close_run(&st);
}

/* ---- IPv6-like runs of hex digits and colons ------------------------------------------------------------------ */

static inline int is_hex_or_colon(uint8_t b) { return is_digit(b) || is_hex_alpha(b) || b == ':'; }

static void compute_hex_colon(const uint8_t *p, size_t n, phs_features *out) {
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

void phs_compute_features(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                          phs_features *out) {
    out->numeric.count = out->alnum.count = out->dashed.count = out->hexcolon.count = 0;
    out->hit_count = 0;
    out->overflow = 0;
    if (n == 0) return;
    compute_tokens_and_numeric(needs, kw, p, n, out);
    if (needs->hex_colon) compute_hex_colon(p, n, out);
}

size_t phs_first_non_ascii(const uint8_t *p, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (v & 0x8080808080808080ULL) break;
    }
    for (; i < n; i++)
        if (p[i] & 0x80) return i;
    return n;
}

void phs_needs_init(phs_needs *needs) {
    memset(needs, 0, sizeof *needs);
    needs->min_digits = INT32_MAX;
    needs->min_dots = INT32_MAX;
    needs->min_dashed = INT32_MAX;
}

int phs_needs_add_digit_want(phs_needs *needs, int32_t min_digits, int32_t separator_bits) {
    if (needs->digit_wants >= PHS_MAX_WANTS) {
        /* Out of slots: fold into the loosest want so nothing a rule needs is dropped. */
        int32_t i = PHS_MAX_WANTS - 1;
        if (min_digits < needs->digit_min[i]) needs->digit_min[i] = min_digits;
        needs->digit_seps[i] = 0;
        return 0;
    }
    needs->digit_min[needs->digit_wants] = min_digits;
    needs->digit_seps[needs->digit_wants] = separator_bits;
    needs->digit_wants++;
    if (min_digits < needs->min_digits) needs->min_digits = min_digits;
    return 1;
}

int phs_needs_add_dashed_want(phs_needs *needs, int32_t min_count, int32_t max_count, int32_t letters, int32_t digits,
                              int32_t upper) {
    int32_t i = needs->dashed_wants;
    if (i >= PHS_MAX_WANTS) {
        i = PHS_MAX_WANTS - 1;
        if (min_count < needs->dashed_min[i]) needs->dashed_min[i] = min_count;
        needs->dashed_max[i] = INT32_MAX;
        needs->dashed_letters[i] = 0;
        needs->dashed_digits[i] = 0;
        needs->dashed_upper[i] = 0;
        return 0;
    }
    needs->dashed_min[i] = min_count;
    needs->dashed_max[i] = max_count;
    needs->dashed_letters[i] = letters;
    needs->dashed_digits[i] = digits;
    needs->dashed_upper[i] = upper;
    needs->dashed_wants++;
    if (min_count < needs->min_dashed) needs->min_dashed = min_count;
    return 1;
}

const uint8_t *phs_last_byte(const uint8_t *p, size_t n, uint8_t byte) {
    while (n > 0) {
        n--;
        if (p[n] == byte) return p + n;
    }
    return NULL;
}

int phs_needs_add_alnum_want(phs_needs *needs, uint64_t lengths, int32_t letters, int32_t digits, int32_t upper) {
    int32_t i = needs->alnum_wants;
    needs->alnum_lengths |= lengths;
    if (i >= PHS_MAX_WANTS) {
        /* Out of slots: loosen the last want so nothing a rule needs is dropped. */
        i = PHS_MAX_WANTS - 1;
        needs->alnum_want_lengths[i] |= lengths;
        needs->alnum_letters[i] = 0;
        needs->alnum_digits[i] = 0;
        needs->alnum_upper[i] = 0;
        return 0;
    }
    needs->alnum_want_lengths[i] = lengths;
    needs->alnum_letters[i] = letters;
    needs->alnum_digits[i] = digits;
    needs->alnum_upper[i] = upper;
    needs->alnum_wants++;
    return 1;
}
