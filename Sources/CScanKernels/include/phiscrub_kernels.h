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
    /* Alnum and dashed runs: upper-case letters. */
    int32_t upper;
    /* Numeric runs: the digit-group lengths in order, 5 bits each (capped at 31), first group in the low bits, at
       most 12 groups; bit 63 set when the run had more (then any group pattern is assumed present). */
    uint64_t shape;
} phs_region;

typedef struct phs_hit {
    int32_t keyword, start;
} phs_hit;

/* One slot of the keyword table: a first token and what a probe that finds it reads next, in one cache line (the
   table is bigger than L1 and a probe's slot is a hash: spread over five arrays, a probe that found its token
   missed the cache up to five times). */
typedef struct phs_keyword_slot {
    uint64_t key;                     /* the first token's key (KeywordIndex.key); 0: empty slot */
    int32_t length;                   /* the first token's length */
    int32_t list_start, list_end;     /* its keywords: entries[list_start ..< list_end] */
    int32_t reserved;
    /* 256 bits: the bytes that can follow the first token of one of the slot's keywords (the keyword's next byte,
       or any non-alnum byte for a one-token keyword). A token followed by another byte starts none of them, so
       their verification is skipped. */
    uint64_t next[4];
    uint64_t padding;
} phs_keyword_slot;

/* A keyword of a slot's list, with what verifying it reads (in the list, not in arrays indexed by keyword). */
typedef struct phs_keyword_entry {
    int32_t keyword;                  /* its index (phs_hit.keyword) */
    int32_t offset, length;           /* its bytes: kw_bytes[offset ..< offset + length] */
    int32_t case_sensitive;           /* 1: compare exactly; 0: ASCII case-insensitive */
} phs_keyword_entry;

/* Open-addressing table of keyword first tokens (see KeywordIndex.swift for the key and slot functions). */
typedef struct phs_keywords {
    const phs_keyword_slot *slots;    /* mask + 1 slots, 64-byte aligned */
    const phs_keyword_entry *entries; /* each slot's keywords, one run per slot */
    int32_t mask;
    const uint8_t *kw_bytes;          /* all keywords, concatenated */
    int32_t count;
    int32_t max_first_length;         /* longest first token of any keyword */
    /* Cheap filters before hashing: bit L of first_lengths[c] is set when a keyword's first token starts with the
       (lower-cased) byte c and has length L (< 32); bigrams has bit (c0 << 8 | c1) set for its first two bytes
       (c1 = 0 for one-byte tokens). */
    const uint32_t *first_lengths;    /* 256 entries */
    const uint64_t *bigrams;          /* 1024 entries = 65536 bits */
    int32_t digit_first;              /* some keyword starts with a digit */
    int32_t digits_only_first;        /* some keyword's first token is digits only ("911") */
    /* One bit per (key, length) of every first token, at phs_token_filter_hash: 65536 bits. A token whose bit is
       clear starts no keyword, so the table is probed only for about one token in a hundred that do not. */
    const uint64_t *token_filter;     /* 2048 entries: this filter, then token_filter_lower */
    /* The same for the first tokens a token without capitals in its first 8 bytes can start: those of
       case-insensitive keywords and of case-sensitive ones without capitals there. Lower-case words ("in", "id",
       "run") then skip the probes that only upper-case keywords (state codes, street suffixes) would need.
       Always token_filter + 1024, so the pass picks a filter by index, not by a branch. */
    const uint64_t *token_filter_lower; /* 1024 entries */
} phs_keywords;

/* Bit index in `token_filter` of a first token with case-folded key `key` (see KeywordIndex.key) and `length`. */
static inline uint32_t phs_token_filter_hash(uint64_t key, uint64_t length) {
    return (uint32_t)(((key ^ (length << 56)) * 0xD6E8FEB86659FD93ULL) >> 48);
}

/* A numeric run is recorded when it has at least min_dots dots, or when for some i it has at least
   digit_min[i] digits and (digit_seps[i] == 0 or a separator whose bit is in digit_seps[i]). */
#define PHS_MAX_WANTS 16
/* Alnum wants shorter than this are found with bitmaps in the feature pass, not by its per-token length loop. */
#define PHS_SHORT_WANT 6
typedef struct phs_needs {
    int32_t min_digits, min_dots, min_dashed, hex_colon; /* INT32_MAX / 0 when not wanted */
    uint64_t alnum_lengths;                              /* bit n: record alnum runs of length n */
    int32_t digit_wants;
    int32_t digit_min[PHS_MAX_WANTS], digit_seps[PHS_MAX_WANTS];
    /* A dashed run is recorded when for some i: count in [dashed_min[i], dashed_max[i]], letters >= dashed_letters[i]
       and digits >= dashed_digits[i]. */
    int32_t dashed_wants;
    int32_t dashed_min[PHS_MAX_WANTS], dashed_max[PHS_MAX_WANTS], dashed_letters[PHS_MAX_WANTS], dashed_digits[PHS_MAX_WANTS];
    int32_t dashed_upper[PHS_MAX_WANTS];
    /* An alnum run whose length bit is in alnum_lengths is recorded when for some i its length bit is in
       alnum_want_lengths[i] and it has at least alnum_letters[i] letters, alnum_digits[i] digits and
       alnum_upper[i] upper-case letters. */
    int32_t alnum_wants;
    uint64_t alnum_want_lengths[PHS_MAX_WANTS];
    int32_t alnum_letters[PHS_MAX_WANTS], alnum_digits[PHS_MAX_WANTS], alnum_upper[PHS_MAX_WANTS];
    /* For each length below PHS_SHORT_WANT, the fewest digits and capitals any alnum want of that length asks for
       (PHS_SHORT_WANT when none; kept by phs_needs_add_alnum_want): the feature pass drops a short token with too few
       of either by bitmaps before it is counted. Worked out once here, not per call: a JSON value of 40 bytes is a
       call of its own. */
    int32_t short_digits[PHS_SHORT_WANT], short_upper[PHS_SHORT_WANT];
    /* The digit wants as one lookup (kept by phs_needs_add_digit_want): entry d is the OR, over the wants with
       digit_min <= d, of their separator bits, or PHS_ANY_SEPARATOR for a want that needs none (d capped at 64). A
       stretch of d digits holding separators `seps` meets some want iff entry d & (seps | PHS_ANY_SEPARATOR). */
    int32_t digit_seps_from[65];
    /* The keyword index a line-start number reports as (PHS_NO_LINE_NUMBER: not wanted): a hit at the first byte of a
       line's first token when, after at most PHS_LINE_INDENT_MAX spaces, tabs, `>` and `?` that open the line, that
       token is 1 to 6 digits followed by one space and a letter (ASCII, or a lead byte of a character outside
       ASCII). An address card's street line ("727 Gesterbyntie 68") has no keyword a rule could wait for. */
    int32_t line_number_keyword;
} phs_needs;

#define PHS_NO_LINE_NUMBER (-1)
#define PHS_LINE_INDENT_MAX 16

#define PHS_ANY_SEPARATOR (1 << 30)

typedef struct phs_list {
    phs_region *items;
    int32_t count, capacity;
} phs_list;

typedef struct phs_features {
    phs_list numeric, alnum, dashed, hexcolon;
    phs_hit *hits;
    int32_t hit_count, hit_capacity;
    /* Set when a list was full. Counts still say how many items there were, so the caller can grow each list to
       its count and call again once. */
    int32_t overflow;
    /* Scratch for the byte-class bitmaps of the fast pass, owned by this file's functions: start NULL / 0 and
       release with phs_features_release_scratch. */
    uint64_t *scratch;
    size_t scratch_words;
    /* When not NULL: the newlines of the pass's input, one bit per byte (bit i % 64 of word i / 64), so that the
       caller cuts lines with bit scans (phs_bit_prev, phs_bit_next) instead of searching the bytes again. Owned by
       the caller, at least (n + 63) / 64 words. */
    uint64_t *newlines;
} phs_features;

/* The highest set bit of `bits` in [from, to), or -1. (Inline: the batch walk asks twice per line it scans.) */
static inline int64_t phs_bit_prev(const uint64_t *bits, size_t from, size_t to) {
    if (to <= from) return -1;
    size_t last = to - 1, w = last >> 6;
    uint64_t x = bits[w] & (~(uint64_t)0 >> (63 - (last & 63)));
    for (;;) {
        if (w == from >> 6) x &= ~(uint64_t)0 << (from & 63);
        if (x) return (int64_t)(w * 64 + 63 - (size_t)__builtin_clzll(x));
        if (w == from >> 6) return -1;
        x = bits[--w];
    }
}

/* The number of set bits of `bits` in [from, to) (the newlines of a run of clean lines: the sink need not count them
   again). */
static inline size_t phs_bit_count(const uint64_t *bits, size_t from, size_t to) {
    if (to <= from) return 0;
    size_t ws = from >> 6, we = (to - 1) >> 6;
    uint64_t first = ~(uint64_t)0 << (from & 63), last = ~(uint64_t)0 >> (63 - ((to - 1) & 63));
    if (ws == we) return (size_t)__builtin_popcountll(bits[ws] & first & last);
    size_t c = (size_t)__builtin_popcountll(bits[ws] & first) + (size_t)__builtin_popcountll(bits[we] & last);
    for (size_t w = ws + 1; w < we; w++) c += (size_t)__builtin_popcountll(bits[w]);
    return c;
}

/* The lowest set bit of `bits` in [from, to), or `to`. */
static inline size_t phs_bit_next(const uint64_t *bits, size_t from, size_t to) {
    if (to <= from) return to;
    size_t w = from >> 6, last = (to - 1) >> 6;
    uint64_t x = bits[w] & (~(uint64_t)0 << (from & 63));
    for (;;) {
        if (x) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(x);
            return i < to ? i : to;
        }
        if (w == last) return to;
        x = bits[++w];
    }
}

/* Fills `out` (counts reset first) for the line p[0..n). Bitmap-driven: byte classes are computed 64 bytes at a
   time with SIMD, and only tokens, digit runs and dashed runs that can satisfy some want are looked at one by one.
   Returns 0, or -1 when the scratch bitmaps could not be allocated (out is then empty and overflow is 0). */
/* Lets phs_compute_features use its vector byte classifiers when the CPU has them (the default), or not (tests of the
   baseline path). The output is the same either way. Not available off x86-64 Linux builds, where it does nothing. */
void phs_features_allow_avx2(int on);
/* The widest byte classifier phs_compute_features may use, in bytes per step: 64 (AVX-512BW, the default), 32 (AVX2)
   or 0 (the baseline); process-wide. Every width gives the same output; tests compare each with the reference. */
void phs_features_set_vector_width(int bytes);

int phs_compute_features(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                         phs_features *out);

/* The same output from a simple event loop over every token and digit group: the specification the fast pass is
   tested against. */
void phs_compute_features_reference(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                                    phs_features *out);

/* Frees the scratch bitmaps of `out`. */
void phs_features_release_scratch(phs_features *out);

/* Building needs: start empty, then add one want per rule trigger. */
void phs_needs_init(phs_needs *needs);
int phs_needs_add_digit_want(phs_needs *needs, int32_t min_digits, int32_t separator_bits);
int phs_needs_add_dashed_want(phs_needs *needs, int32_t min_count, int32_t max_count, int32_t letters, int32_t digits,
                              int32_t upper);

/* Last occurrence of `byte` in p[0..n), or NULL (memrchr is a GNU extension Swift cannot see). */
const uint8_t *phs_last_byte(const uint8_t *p, size_t n, uint8_t byte);

/* Lower-cased context words of one rule, bucketed by first byte: the words starting with byte b are
   order[bucket_start[b] ..< bucket_start[b + 1]], in declaration order. */
typedef struct phs_context_words {
    const uint8_t *bytes;          /* all words, concatenated */
    const int32_t *offset, *length;
    const int32_t *bucket_start;   /* 257 entries */
    const int32_t *order;
    int32_t count;
} phs_context_words;

/* Index of the first context word (by position, then declaration order) that starts a whole word in p[lo..<hi]
   outside the span [span_lo, span_hi) without running into it, compared case-insensitively; -1 when none. */
int32_t phs_context_first(const phs_context_words *cw, const uint8_t *p, size_t n, size_t lo, size_t hi,
                          size_t span_lo, size_t span_hi);

/* Every context word found by the same walk (for explanations): found[k] set for word k (found holds one byte per
   word), count of words found, and the fewest bytes between a found word and the span (-1 when none). */
typedef struct phs_context_found {
    uint8_t *found;
    int32_t count;
    int32_t distance;
} phs_context_found;

/* Fills `all` (see phs_context_found) for the window phs_context_first searches; returns all->count. */
int32_t phs_context_all(const phs_context_words *cw, const uint8_t *p, size_t n, size_t lo, size_t hi,
                        size_t span_lo, size_t span_hi, phs_context_found *all);

/* Number of occurrences of `byte` in p[0..n). */
size_t phs_count_byte(const uint8_t *p, size_t n, uint8_t byte);

/* Lets phs_count_byte, phs_first_non_ascii and phs_first_special use their vector versions (the default, on a CPU
   with them) or not (tests compare). */
void phs_block_passes_allow_avx2(int on);
/* The widest vector those passes may use, in bytes per step: 64 (AVX-512BW, the default), 32 (AVX2) or 0. */
void phs_block_passes_set_vector_width(int bytes);

int phs_needs_add_alnum_want(phs_needs *needs, uint64_t lengths, int32_t letters, int32_t digits, int32_t upper);

/* Index of the first byte >= 0x80 in p[0..n), or n. */
size_t phs_first_non_ascii(const uint8_t *p, size_t n);

/* Index of the first byte of p[0..n) that is >= 0x80 or one of bytes[0..count), or n: one pass where a scan of
   each kind of byte was one pass each (the batch walk looks for bytes outside ASCII, byte-trigger bytes and ESC). Up
   to PHS_MAX_SPECIAL_BYTES bytes are looked for with vectors, more byte by byte. */
#define PHS_MAX_SPECIAL_BYTES 8
size_t phs_first_special(const uint8_t *p, size_t n, const uint8_t *bytes, int count);

/* ---- Person names (names.c) ------------------------------------------------------------------------------------ */

/* Word flags. The first three live in the name dictionary, the rest in the small cue table. */
#define PHS_NAME_GIVEN 1
#define PHS_NAME_SURNAME 2
#define PHS_NAME_COMMON 4        /* also a common English word: not a name on its own */
#define PHS_NAME_PARTICLE 8      /* van, de, al, bin: inside a name between capitalised words */
#define PHS_NAME_STOP 16         /* never starts a name without a strong cue: months, weekdays, log levels */
#define PHS_NAME_CUE_END 32      /* last word of a cue phrase */
#define PHS_NAME_ROSTER_START 64 /* first word of a roster name */
#define PHS_NAME_PLACE 128       /* makes the capitalised words before it a place or organisation (Street, Ltd) */
#define PHS_NAME_WORD 256        /* in the name table: the name is also a lower-case English word (any rank) */
#define PHS_NAME_STRONG_END 512  /* last word of a strong cue phrase or honorific */
#define PHS_NAME_LIST_JOIN 1024  /* "and", "or": join the last item of a list of names */
#define PHS_NAME_PLACE_PREP 2048 /* "in", "at", "near": a list after it names places */
#define PHS_NAME_STOP_GIVEN 4096 /* a month, state or city that is a given name before a surname (Jan, Georgia) */
#define PHS_NAME_SUFFIX 8192     /* Jr, II, MD: belongs to the name right before it */
#define PHS_NAME_PLACE_NAME 16384 /* in the name table: a word of a country's or a large city's name */
#define PHS_NAME_PROPER 32768    /* in the name table: a name that English dictionaries list capitalised (Greek, Pearson) */
/* Two more cue-table flags (the cue table and the name table are apart, so these share the last two values). */
#define PHS_NAME_NOT_CITY 16384  /* in the cue table: a word of a place larger than a city (Texas, New Zealand) */
#define PHS_NAME_PLACE_END 32768 /* in the cue table: last word of a residence cue (lives in, grew up in) */
#define PHS_NAME_SCRIPT_SURNAME 2 /* in the cue table: a surname written in Han or Hangul (script_surnames: 김, 欧阳) */
#define PHS_NAME_CUE_FLAGS (PHS_NAME_PARTICLE | PHS_NAME_STOP | PHS_NAME_CUE_END | PHS_NAME_ROSTER_START | PHS_NAME_PLACE)

/* How a name was found (phs_name_span.kind); cue kinds are also what a cue phrase is. */
#define PHS_NAME_PAIR 0          /* given name and surname from the dictionary */
#define PHS_NAME_LAST_FIRST 1    /* "Surname, Given" */
#define PHS_NAME_CUE_WEAK 2      /* after a weak cue, with a dictionary word */
#define PHS_NAME_CUE_STRONG 3    /* after a strong cue ("my name is", "Name:") */
#define PHS_NAME_TITLE 4         /* after an honorific (Mr., Dr.) */
#define PHS_NAME_ROSTER 5        /* a roster name */
#define PHS_NAME_CUE_GIVEN 6     /* after a plain preposition: one word must be a given name */
#define PHS_NAME_SINGLE 7        /* a capitalised given name on its own that is no English word */
#define PHS_NAME_CUE_STATED 8    /* after a phrase that states a name ("my name is"): any one capitalised word */
#define PHS_NAME_CARD_CITY 9     /* not a name: the city line of an address card, after its unit line */
#define PHS_NAME_CUE_PLACE 10    /* not a name: a cue kind, and a city after it (lives in, grew up in) */
#define PHS_NAME_CARD_STREET 11  /* not a name: an address card's street line after its head, with no street type */
#define PHS_NAME_CARD_ZIP 12     /* not a name: an address card's postcode line after its city or state line */
#define PHS_NAME_LABEL_VALUE 13  /* not a name: the line after a field label alone on its line; detail: the label's id */

/* Details of a PHS_NAME_PAIR span (which dictionary shape made it a name). */
#define PHS_NAME_DETAIL_PAIR 0    /* given name and surname */
#define PHS_NAME_DETAIL_LIST 1    /* one word of a list of names ("Kónya, Becker and Vasquez") */
#define PHS_NAME_DETAIL_INITIAL 2 /* word, middle initial, surname ("Mohmad R. Vizirov") */
#define PHS_NAME_DETAIL_RECORD 3  /* the name heading a contact record ("Satu Elomo  45818 P.O. Box 242") */
#define PHS_NAME_DETAIL_SPEAKER 4 /* a speaker of a dialogue ("Ubul: What a wife. Nicole: ...") */
#define PHS_NAME_DETAIL_ADDRESSED 5 /* a person addressed ("Remember me, Mary?", "Warrane, can I ...") */
#define PHS_NAME_DETAIL_FOREIGN 6 /* two capitalised words that are no English words, one marked as a name */
#define PHS_NAME_DETAIL_MENTION 7 /* another mention, on the same line, of a word of a name found there */
#define PHS_NAME_DETAIL_SURNAME 8 /* PHS_NAME_SINGLE: a surname alone (the default detail: a given name alone) */
#define PHS_NAME_DETAIL_LOWER 9   /* in a line written without capitals: given name and surname, or a list of given names */
#define PHS_NAME_DETAIL_SCRIPT 10 /* two or three words of another script in a line of English ("Рюрик Орлова is ...") */
#define PHS_NAME_DETAIL_SCRIPT_SURNAME 11 /* one Han or Hangul word opening with a listed surname, after "to", "for", ... */
#define PHS_NAME_MAX_PHRASE 6

typedef struct phs_names phs_names;
typedef struct phs_name_dict phs_name_dict;

/* One word of a line, as the detector sees it. Scratch: the caller provides an array of them. */
typedef struct {
    int32_t start, end;
    uint64_t hash;     /* of the folded word; 0 when too long to be a name */
    uint16_t shape;
    uint16_t flags;    /* name-table flags, once looked up */
    uint8_t sep;       /* what follows: spaces, '.', ',' or ':' and spaces, or anything else */
    uint8_t parts;     /* hyphen-separated parts */
    uint8_t looked;
    uint8_t label;     /* bits: a ':' follows the word directly (a label, a speaker); a possessive 's was cut */
} phs_name_token;

/* A name found: byte range, kind (PHS_NAME_PAIR...) and detail (the cue phrase or roster entry index). */
typedef struct {
    int32_t start, end, kind, detail;
} phs_name_span;

/* Hash of folded word bytes; the dictionary's keys are hashed with it too. */
uint64_t phs_name_hash(const uint8_t *p, size_t n);
/* A fast 64-bit digest of p[0..n) (not cryptographic): which detector data files are the verified ones
   (VerifiedPacks). */
uint64_t phs_digest64(const uint8_t *p, size_t n);
/* Hash of a word as it stands in text (folded as the detector folds words); 0 when it cannot be a name. */
uint64_t phs_name_word_hash(const uint8_t *p, size_t n);
/* The name dictionary (given names, surnames): built once, shared read-only by any number of detectors. */
phs_name_dict *phs_name_dict_new(int32_t expected_words);
void phs_name_dict_free(phs_name_dict *d);
/* Adds flags (PHS_NAME_GIVEN, _SURNAME, _COMMON, _WORD) to a word; -1 when out of memory. */
int phs_name_dict_add(phs_name_dict *d, uint64_t hash, uint16_t flags);
/* Adds every `key<TAB>flags` line of a dictionary file's bytes (flags g, s, w, x; '#' comments). Returns 0, the
   1-based number of the first malformed line, or -1 when out of memory. */
int32_t phs_name_dict_load_tsv(phs_name_dict *d, const uint8_t *p, size_t n);
/* A detector over `dict` (which must outlive it; NULL for none). */
phs_names *phs_names_new(const phs_name_dict *dict);
/* Turns the dictionary pair and "Surname, Given" search on or off (off by default). */
void phs_names_enable_pairs(phs_names *d, int on);
/* Turns the search for address cards' city lines (PHS_NAME_CARD_CITY) on or off (off by default). */
void phs_names_enable_card_cities(phs_names *d, int on);
/* Turns the search for single given names (PHS_NAME_SINGLE) on or off (off by default). */
void phs_names_enable_singles(phs_names *d, int on);
void phs_names_free(phs_names *d);
/* Adds cue-table flags (PHS_NAME_PARTICLE, _STOP, _PLACE) to a word (by hash); -1 when out of memory. */
int phs_names_add_word(phs_names *d, uint64_t hash, uint16_t flags);
/* Adds a cue phrase (word hashes in order, at most PHS_NAME_MAX_PHRASE) of a kind; returns its index or -1 (also
   for a PHS_NAME_CUE_PLACE phrase of one word: a residence cue has two or more). */
int32_t phs_names_add_cue(phs_names *d, const uint64_t *words, int32_t n, int32_t kind);
/* Notes the last word of a cue phrase as written (lower case), for the front end's cheap pre-check. */
void phs_names_note_cue_word(phs_names *d, const uint8_t *last_word, size_t len);
/* The key of a field label: its ASCII letters (lower-cased) and digits in order, spaces, '_', '-' and '.' dropped
   ("Home Phone", "home_phone" and "homePhone" are one key); 0 when it holds another byte or no letter. */
uint64_t phs_names_label_key(const uint8_t *p, size_t n);
/* Registers a field label by its key with an id >= 0 (the first id of a key stays): a line holding that label alone
   and a colon makes the next line a PHS_NAME_LABEL_VALUE span. Returns 0, or -1 (bad argument, out of memory). */
int phs_names_add_label(phs_names *d, uint64_t key, int32_t id);
/* Adds a lower-case ASCII surname ending (2 to 8 letters; at most 64 endings): a capitalised word that ends with
   one, or has a letter outside ASCII, is a surname after a dictionary given name ("Fiammetta Zetticci"). 0 on
   success, -1 when the ending is malformed or the list is full. */
int phs_names_add_surname_ending(phs_names *d, const uint8_t *ending, size_t len);
/* Adds a roster name (word hashes in order); returns its index or -1. */
int32_t phs_names_add_roster(phs_names *d, const uint64_t *words, int32_t n);
/* Turns the candidate front end off (on != 0): every line is searched word by word. The front end only picks the
   lines to search and never changes what is found, so the spans are the same either way; tests check that. */
void phs_names_search_every_line(phs_names *d, int on);
/* Whether phs_names_find may use its AVX2 scan on a CPU that has it (the default); process-wide. The baseline scan
   finds the same spans; tests turn AVX2 off to check that. */
void phs_names_allow_avx2(int on);
/* Finds the names in p[0..n) (whole lines); returns how many spans were written to out (at most out_cap). `signoff`:
   the cue phrase of a sign-off line right before p (phs_names_signoff_at_end of the text before), or -1. tok must
   hold tok_cap words; a line with more words is searched window by window. */
int32_t phs_names_find(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, phs_name_token *tok,
                       int32_t tok_cap, phs_name_span *out, int32_t out_cap);
/* The cue phrase of a sign-off line ("Sincerely,", "Best regards,") that ends p[0..n) (a trailing newline allowed),
   PHS_NAMES_SPEAKER_BEFORE when that line starts with a named speaker ("Ella: What a wife."), or -1: the caller
   passes it as `signoff` to phs_names_find for the text that follows, so a name on the next line (after the sign-off,
   or the dialogue's next speaker) is found however the text is cut into calls. */
#define PHS_NAMES_SPEAKER_BEFORE (-2)
/* ... or PHS_NAMES_CARD_BEFORE when that line is an address card's unit line ("Suite 501"; see names.c, "address
   cards"): the next line may be the card's city. */
#define PHS_NAMES_CARD_BEFORE (-3) /* this and every value below it: a fact of an address card */
/* ... or PHS_NAMES_HEAD_BEFORE when that line is a contact card's head ("William Hughes"), PHS_NAMES_HEAD_GAP_BEFORE
   when it is blank and the line before it a head: the next line may be the card's street ("20789 Allika 46"). */
#define PHS_NAMES_HEAD_BEFORE (-4)
#define PHS_NAMES_HEAD_GAP_BEFORE (-5)
/* ... or PHS_NAMES_CARD_CITY_BEFORE when that line is a card's city line (after its unit line), or
   PHS_NAMES_CARD_STATE_BEFORE when it is a state code after such a city line: the next line may be the postcode. */
#define PHS_NAMES_CARD_CITY_BEFORE (-6)
#define PHS_NAMES_CARD_STATE_BEFORE (-7)
/* ... or PHS_NAMES_LABEL_BEFORE - id when that line holds a field label alone ("Phone:", "Home Address:"; see
   phs_names_add_label): the next line is that field's value. This and every value below it: a label fact. */
#define PHS_NAMES_LABEL_BEFORE (-1000)
/* What phs_names_signoff_at_end(d, p, ls, before) tells phs_names_find about the line that starts at p[ls] (0 < ls
   <= n, p[ls - 1] a newline), reading that line too: cheaper, since the speaker case is looked for only when the line
   at ls starts with a speaker's label, and a card's head only before a line shaped like its street. `before`: what
   the text before p ended with (a blank line at p's start keeps a card's head in view). */
int32_t phs_names_signoff_before_line(const phs_names *d, const uint8_t *p, size_t n, size_t ls, int32_t before);
int32_t phs_names_signoff_at_end(const phs_names *d, const uint8_t *p, size_t n, int32_t before);

/* A 64-bit word shared between threads, read with acquire and or-ed with release ordering (KeywordFollowers: the
   byte sets learnt once and read by every engine of a rule set). */
static inline uint64_t phs_load_acquire_u64(const uint64_t *p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void phs_or_release_u64(uint64_t *p, uint64_t v) {
    __atomic_fetch_or(p, v, __ATOMIC_RELEASE);
}

#endif
