// phiscrub ICU shim: line normalisation for ASCII pattern matching, with an offset map back to the input.
//
// This header must stay free of <unicode/*.h>: Swift's Foundation carries its own ICU, and clang rejects
// a module that brings in a second definition of UErrorCode and friends. ICU is included only by
// phiscrub_icu.c. Only <stdint.h>/<stddef.h> types appear here.
#ifndef PHISCRUB_ICU_H
#define PHISCRUB_ICU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Status codes of phs_icu_normalize_line.
#define PHISCRUB_NORM_OK 0
// out_cap was too small; *out_len holds the exact number of bytes needed. Nothing useful was written.
#define PHISCRUB_NORM_BUFFER_TOO_SMALL 1
// ICU could not load its normalisation data or failed on a code point. Callers must fail closed.
#define PHISCRUB_NORM_ICU_ERROR 2
// n > UINT32_MAX: offsets would not fit the uint32_t maps.
#define PHISCRUB_NORM_INPUT_TOO_LARGE 3

// Flags of phs_icu_normalize_line.
#define PHISCRUB_NORM_KEEP_IGNORABLES 0u
// Drop Default_Ignorable_Code_Point characters (U+200B zero width space, U+00AD soft hyphen, U+2060 word
// joiner, U+FEFF, variation selectors, ...) from the output, as NFKC_Casefold does, so that they cannot
// split a digit run. Dropped characters produce no output byte; a span that encloses them maps back to an
// original range that encloses them too.
#define PHISCRUB_NORM_DROP_IGNORABLES 1u
// For tests: skip the shortcuts (fullwidth ASCII variants, NFKC_Quick_Check=Yes) and ask unorm2_normalize
// about every non-ASCII code point. Same output, slower.
#define PHISCRUB_NORM_NO_FAST_PATHS 2u

// Dashes (the ones mapped to '-' below) and space separators are written as they are, not as '-' and ' ': for
// readers that take them as punctuation (the person-name detector: "Maria—thanks" is no hyphenated word).
#define PHISCRUB_NORM_KEEP_PUNCTUATION 4u

// Read each escape as its character, then normalise that as any other (its output bytes map to the whole
// escape): JSON \uXXXX (a surrogate pair as one; an escaped backslash and the byte after it are copied as they
// are), URL %XX (the %XX sequence of one UTF-8 character as that character; in a line with such escapes a '+'
// between ASCII letters or digits reads as a space), HTML &#N;, &#xH; and the named references of HTML 4.01 and
// &apos;. Escapes of control characters (below U+0020, U+007F) and lone surrogates are kept as written.
#define PHISCRUB_NORM_DECODE_ESCAPES 8u

// Bits of *changes: a code point other than a dash, a space separator or a dropped ignorable was written as
// something else (a look-alike letter, a fullwidth or mathematical letter, a digit of another script, a ligature).
#define PHISCRUB_NORM_CHANGED_LETTERS 1u
// A dash or space separator outside ASCII (or escaped) was met: a form with PHISCRUB_NORM_KEEP_PUNCTUATION would
// differ from this one there. Without it the two forms are the same bytes.
#define PHISCRUB_NORM_CHANGED_PUNCTUATION 2u

// Largest number of output bytes that one input byte can produce (UAX #15: NFKC expands UTF-8 at most
// 11 times, reached by U+FDFA, 3 bytes -> 33 bytes; the extra mappings only shrink). An exhaustive test
// over all scalars pins this for the linked ICU. 11 * n is therefore always enough, but callers need
// not allocate that: a too-small buffer gets PHISCRUB_NORM_BUFFER_TOO_SMALL and the exact size.
#define PHISCRUB_NORM_MAX_EXPANSION 11

// Returns 1 if all n bytes are < 0x80 (NUL counts as ASCII), else 0. p may be NULL when n == 0.
int phs_icu_is_ascii(const uint8_t *p, size_t n);

// Returns 1 if the n bytes hold an escape that PHISCRUB_NORM_DECODE_ESCAPES reads as a character.
int phs_icu_has_escape(const uint8_t *p, size_t n);

// The offset of the first such escape in the n bytes, or n. Backslashes before a "\u" are counted from p on: p
// must not start in the middle of a run of backslashes (a line's or a block's start is fine).
size_t phs_icu_next_escape(const uint8_t *p, size_t n);

// Normalises the n bytes at `in` for matching ASCII patterns, one code point at a time:
//   - ASCII bytes (including NUL) are copied unchanged.
//   - Each byte that is not part of a well-formed UTF-8 sequence (0xC0, 0xFF, a lone trail byte, each byte
//     of a truncated sequence, an encoded surrogate, an overlong form) is copied unchanged, one byte out
//     for one byte in. The output may therefore be invalid UTF-8: match it as bytes, not in PCRE2_UTF
//     mode with PCRE2_NO_UTF_CHECK.
//   - Each well-formed non-ASCII code point is mapped to NFKC(code point) (not casefolded, so letter case
//     is kept), and then every code point of that result is mapped again:
//       general category Nd (any decimal digit)               -> '0'..'9' (its digit value)
//       U+2010..U+2015, U+2212, U+FE58, U+FE63, U+FF0D (dashes) -> '-'
//       general category Zs (space separators)                -> ' '
//       Default_Ignorable_Code_Point, if PHISCRUB_NORM_DROP_IGNORABLES -> nothing
//     and the rest is written as UTF-8.
//   - Before that, a Greek, Cyrillic, Armenian or Cherokee letter whose confusable skeleton (Unicode TS #39, from
//     ICU's spoof-checker data) is one ASCII letter or digit becomes that byte when the word around it (letters,
//     digits and combining marks, 64 bytes to either side) holds an ASCII letter or digit: "Jоhn" with a
//     Cyrillic о reads as "John", "5З6-22-8141" with a Cyrillic З as "536-22-8141". Words wholly in those
//     scripts are kept as written.
// Code points are normalised one by one, not per normalisation segment, so combining sequences are not
// composed ("e" + U+0301 stays two code points). That keeps every output byte attributable to exactly
// one input code point, and it never hides an ASCII byte that segment-wise NFKC would show: composition
// only ever produces non-ASCII characters.
//
// For each output byte i, src_start[i] and src_end[i] receive the input byte range [start, end) of the
// code point (or the single invalid byte) that produced it. Both arrays are non-decreasing. A span [s, e)
// of the output (s < e) comes from input bytes [src_start[s], src_end[e - 1]).
//
// out, src_start and src_end must each have room for out_cap elements (they may be NULL when out_cap is 0,
// which makes a pure size query). On PHISCRUB_NORM_OK, *out_len is the number of bytes written. On
// PHISCRUB_NORM_BUFFER_TOO_SMALL, *out_len is the exact number needed; retry with at least that much.
// `changes` (may be NULL) receives PHISCRUB_NORM_CHANGED_LETTERS when that happened.
// Reentrant and thread-safe: it keeps no state between calls.
int phs_icu_normalize_line(const uint8_t *in, size_t n,
                            uint8_t *out, uint32_t *src_start, uint32_t *src_end, size_t out_cap,
                            uint32_t flags, size_t *out_len, uint32_t *changes);

// The version of the ICU library loaded at run time ("72.1"), written to out (at most cap bytes, NUL-terminated).
void phs_icu_version(char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif // PHISCRUB_ICU_H
