#define _GNU_SOURCE /* memrchr */
#include "phiscrub_kernels.h"
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Built for x86-64-v3 and the baseline like the feature pass: whole-block passes that want POPCNT. */
#if defined(__x86_64__) && defined(__linux__)
#define PHS_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PHS_CLONES
#endif

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
/* 64 bytes per step: one test of the OR of two 32-byte loads (the filter runs this over every block). */
static __attribute__((target("avx2"))) size_t first_non_ascii_avx2(const uint8_t *p, size_t n) {
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + i)), b = _mm256_loadu_si256((const __m256i *)(p + i + 32));
        if (_mm256_movemask_epi8(_mm256_or_si256(a, b))) break;
    }
    for (; i + 32 <= n; i += 32) {
        int m = _mm256_movemask_epi8(_mm256_loadu_si256((const __m256i *)(p + i)));
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
    }
    for (; i < n; i++)
        if (p[i] & 0x80) return i;
    return n;
}

/* phs_first_special with AVX-512BW: 64 bytes a step, the top bits and each wanted byte one compare into the mask. */
static __attribute__((target("avx512f,avx512bw"))) size_t first_special_avx512(const uint8_t *p, size_t n,
                                                                              const uint8_t *bytes, int count) {
    __m512i b[PHS_MAX_SPECIAL_BYTES];
    for (int k = 0; k < count; k++) b[k] = _mm512_set1_epi8((char)bytes[k]);
    size_t i = 0;
    for (; i < n; i += 64) {
        __mmask64 in = n - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - i)) - 1);
        __m512i v = _mm512_maskz_loadu_epi8(in, (const void *)(p + i));
        uint64_t m = (uint64_t)_mm512_movepi8_mask(v);
        for (int k = 0; k < count; k++) m |= (uint64_t)_mm512_mask_cmpeq_epi8_mask(in, v, b[k]);
        if (m) return i + (size_t)__builtin_ctzll(m);
    }
    return n;
}

/* phs_first_special with AVX2: 32 bytes a step. */
static __attribute__((target("avx2"))) size_t first_special_avx2(const uint8_t *p, size_t n, const uint8_t *bytes,
                                                                 int count) {
    __m256i b[PHS_MAX_SPECIAL_BYTES];
    for (int k = 0; k < count; k++) b[k] = _mm256_set1_epi8((char)bytes[k]);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i)), hit = v;
        for (int k = 0; k < count; k++) hit = _mm256_or_si256(hit, _mm256_cmpeq_epi8(v, b[k]));
        int m = _mm256_movemask_epi8(hit);
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
    }
    for (; i < n; i++) {
        if (p[i] & 0x80) return i;
        for (int k = 0; k < count; k++)
            if (p[i] == bytes[k]) return i;
    }
    return n;
}

/* Matches of `byte` counted per 64 bytes into byte lanes (each step adds at most 2 to a lane: 127 steps before the
   lanes are summed), instead of a popcount per 16 bytes. */
static __attribute__((target("avx2"))) size_t count_byte_avx2(const uint8_t *p, size_t n, uint8_t byte) {
    const __m256i b = _mm256_set1_epi8((char)byte), zero = _mm256_setzero_si256();
    size_t count = 0, i = 0;
    while (i + 64 <= n) {
        __m256i acc = zero;
        size_t stop = n - i >= 64 * 127 ? i + 64 * 127 : i + ((n - i) & ~(size_t)63);
        for (; i < stop; i += 64) {
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), b));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i + 32)), b));
        }
        __m256i sums = _mm256_sad_epu8(acc, zero);
        count += (size_t)_mm256_extract_epi64(sums, 0) + (size_t)_mm256_extract_epi64(sums, 1)
                 + (size_t)_mm256_extract_epi64(sums, 2) + (size_t)_mm256_extract_epi64(sums, 3);
    }
    for (; i < n; i++) count += p[i] == byte;
    return count;
}
#endif

static size_t first_non_ascii_baseline(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        int m = _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(p + i)));
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (v & 0x8080808080808080ULL) break;
    }
    for (; i < n; i++)
        if (p[i] & 0x80) return i;
    return n;
}

/* The widest vector the whole-block byte passes below may use (64: AVX-512BW, 32: AVX2, 0: the baseline), on a CPU
   that has it; tests lower it to check the narrower versions give the same answers. */
static _Atomic int block_vector_bytes = 64;
void phs_block_passes_allow_avx2(int on) { block_vector_bytes = on ? 64 : 0; }
void phs_block_passes_set_vector_width(int bytes) { block_vector_bytes = bytes; }

static size_t first_special_baseline(const uint8_t *p, size_t n, const uint8_t *bytes, int count) {
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i)), hit = v;
        for (int k = 0; k < count; k++) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)bytes[k])));
        int m = _mm_movemask_epi8(hit);
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
    }
#endif
    for (; i < n; i++) {
        if (p[i] & 0x80) return i;
        for (int k = 0; k < count; k++)
            if (p[i] == bytes[k]) return i;
    }
    return n;
}

size_t phs_first_special(const uint8_t *p, size_t n, const uint8_t *bytes, int count) {
    if (count < 0) count = 0;
#if defined(__x86_64__) && defined(__linux__)
    /* More bytes than the vector versions keep in registers: the baseline, which takes any number. */
    int width = count <= PHS_MAX_SPECIAL_BYTES ? block_vector_bytes : 0;
    if (width >= 64 && __builtin_cpu_supports("avx512bw")) return first_special_avx512(p, n, bytes, count);
    if (width >= 32 && __builtin_cpu_supports("avx2")) return first_special_avx2(p, n, bytes, count);
#endif
    return first_special_baseline(p, n, bytes, count);
}

size_t phs_first_non_ascii(const uint8_t *p, size_t n) {
#if defined(__x86_64__) && defined(__linux__)
    if (block_vector_bytes >= 32 && __builtin_cpu_supports("avx2")) return first_non_ascii_avx2(p, n);
#endif
    return first_non_ascii_baseline(p, n);
}

/* phs_needs.short_digits and short_upper from the alnum wants. */
static void update_short_wants(phs_needs *needs) {
    for (int L = 0; L < PHS_SHORT_WANT; L++) {
        needs->short_digits[L] = needs->short_upper[L] = PHS_SHORT_WANT;
        for (int32_t i = 0; i < needs->alnum_wants; i++) {
            if (!(needs->alnum_want_lengths[i] >> L & 1)) continue;
            if (needs->alnum_digits[i] < needs->short_digits[L]) needs->short_digits[L] = needs->alnum_digits[i];
            if (needs->alnum_upper[i] < needs->short_upper[L]) needs->short_upper[L] = needs->alnum_upper[i];
        }
    }
}

void phs_needs_init(phs_needs *needs) {
    memset(needs, 0, sizeof *needs);
    update_short_wants(needs);
    needs->min_digits = INT32_MAX;
    needs->min_dots = INT32_MAX;
    needs->min_dashed = INT32_MAX;
    needs->line_number_keyword = PHS_NO_LINE_NUMBER;
}

/* Rebuilds digit_seps_from from the digit wants. */
static void index_digit_wants(phs_needs *needs) {
    for (int32_t d = 0; d <= 64; d++) {
        int32_t acc = 0;
        for (int32_t i = 0; i < needs->digit_wants; i++)
            if (needs->digit_min[i] <= d) acc |= needs->digit_seps[i] ? needs->digit_seps[i] : PHS_ANY_SEPARATOR;
        needs->digit_seps_from[d] = acc;
    }
}

int phs_needs_add_digit_want(phs_needs *needs, int32_t min_digits, int32_t separator_bits) {
    if (needs->digit_wants >= PHS_MAX_WANTS) {
        /* Out of slots: fold into the loosest want so nothing a rule needs is dropped. */
        int32_t i = PHS_MAX_WANTS - 1;
        if (min_digits < needs->digit_min[i]) needs->digit_min[i] = min_digits;
        needs->digit_seps[i] = 0;
        index_digit_wants(needs);
        return 0;
    }
    needs->digit_min[needs->digit_wants] = min_digits;
    needs->digit_seps[needs->digit_wants] = separator_bits;
    needs->digit_wants++;
    if (min_digits < needs->min_digits) needs->min_digits = min_digits;
    index_digit_wants(needs);
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
    return n ? memrchr(p, byte, n) : NULL;
}

static PHS_CLONES size_t count_byte_baseline(const uint8_t *p, size_t n, uint8_t byte) {
    size_t count = 0, i = 0;
#if defined(__SSE2__)
    const __m128i b = _mm_set1_epi8((char)byte);
    for (; i + 16 <= n; i += 16)
        count += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), b)));
#endif
    /* Eight bytes at a time: a byte of t is 0 exactly where p has `byte`; the high bit of each byte of
       ~(((t & 0x7F..) + 0x7F..) | t) is set exactly for the zero bytes of t. */
    const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        uint64_t t = v ^ (ones * byte);
        count += (size_t)__builtin_popcountll(~(((t & low7) + low7) | t | low7));
    }
    for (; i < n; i++) count += p[i] == byte;
    return count;
}

size_t phs_count_byte(const uint8_t *p, size_t n, uint8_t byte) {
#if defined(__x86_64__) && defined(__linux__)
    if (block_vector_bytes >= 32 && __builtin_cpu_supports("avx2")) return count_byte_avx2(p, n, byte);
#endif
    return count_byte_baseline(p, n, byte);
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
        update_short_wants(needs);
        return 0;
    }
    needs->alnum_want_lengths[i] = lengths;
    needs->alnum_letters[i] = letters;
    needs->alnum_digits[i] = digits;
    needs->alnum_upper[i] = upper;
    needs->alnum_wants++;
    update_short_wants(needs);
    return 1;
}

/* Four lanes of 8 bytes, each multiplied and rotated, folded at the end: a few hundred microseconds for the 2 MB name
   dictionary, where FNV-1a's multiply per byte took milliseconds. Not a cryptographic hash. */
static inline uint64_t digest_lane(uint64_t h, uint64_t w) {
    h ^= w * 0x9E3779B97F4A7C15ULL;
    h = (h << 31) | (h >> 33);
    return h * 0xC2B2AE3D27D4EB4FULL;
}

uint64_t phs_digest64(const uint8_t *p, size_t n) {
    uint64_t a = 0x243F6A8885A308D3ULL ^ n, b = 0x13198A2E03707344ULL, c = 0xA4093822299F31D0ULL,
             d = 0x082EFA98EC4E6C89ULL;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        a = digest_lane(a, w[0]);
        b = digest_lane(b, w[1]);
        c = digest_lane(c, w[2]);
        d = digest_lane(d, w[3]);
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        a = digest_lane(a, w);
    }
    uint64_t tail = 0;
    for (size_t k = 0; i + k < n; k++) tail |= (uint64_t)p[i + k] << (8 * k);
    b = digest_lane(b, tail ^ ((uint64_t)(n - i) << 56));
    uint64_t h = digest_lane(digest_lane(a, b), digest_lane(c, d));
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
}
