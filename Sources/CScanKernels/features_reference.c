/* The reference feature pass: one event per token and digit group, in a simple state machine. The fast pass in
   features.c must produce exactly the same output; the test suite compares the two on seeded inputs. */
#include "kernel_shared.h"

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

/* Whether the token p[s..e) is a line-start number: the line's first token after at most PHS_LINE_INDENT_MAX
   spaces, tabs, `>` and `?`, 1 to 6 digits, then one space and a letter (ASCII, or a byte >= 0xC0). Byte by byte
   and backwards, on purpose: the fast pass finds the same tokens forwards from a newline bitmap. */
static int is_line_number(const uint8_t *p, size_t n, size_t s, size_t e) {
    size_t k = s;
    while (k > 0 && s - k < PHS_LINE_INDENT_MAX
           && (p[k - 1] == ' ' || p[k - 1] == '\t' || p[k - 1] == '>' || p[k - 1] == '?')) k--;
    if (k > 0 && p[k - 1] != '\n') return 0;
    if (e - s > 6 || e + 1 >= n || p[e] != ' ') return 0;
    for (size_t i = s; i < e; i++)
        if (p[i] < '0' || p[i] > '9') return 0;
    uint8_t c = p[e + 1];
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0xC0;
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
    if (needs->line_number_keyword != PHS_NO_LINE_NUMBER && is_line_number(st->p, st->n, s, e))
        push_hit(st->out, needs->line_number_keyword, s);
    if (st->kw_count > 0 && len <= st->kw_max_first && (st->kw_digit_first || !is_digit(st->p[s])))
        lookup_token(st->kw, st->p, st->n, s, e, st->out);
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

void phs_compute_features_reference(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                                    phs_features *out) {
    out->numeric.count = out->alnum.count = out->dashed.count = out->hexcolon.count = 0;
    out->hit_count = 0;
    out->overflow = 0;
    if (out->newlines) {
        memset(out->newlines, 0, ((n + 63) / 64) * sizeof(uint64_t));
        for (size_t i = 0; i < n; i++)
            if (p[i] == '\n') out->newlines[i >> 6] |= (uint64_t)1 << (i & 63);
    }
    if (n == 0) return;
    compute_tokens_and_numeric(needs, kw, p, n, out);
    if (needs->hex_colon) compute_hex_colon(p, n, out);
}
