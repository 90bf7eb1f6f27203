/* The person-name detector's hot path (see ARCHITECTURE.md, "Detectors").

   A line is cut into words (letters of any script, with apostrophes and hyphens inside a word), each folded the
   way rules/build/build_person_names.py folds the dictionary (Latin letters to their ASCII base, lower case,
   apostrophes dropped) and hashed. Two tables answer questions about a word:
     - the cue table (small, stays in L1): last words of cue phrases, honorifics, name particles, words that are never
       names (months, weekdays, log levels), first words of roster names; every word of the line is looked up here;
     - the name table (the given-name and surname dictionary): only capitalised words that can be part of a name
       (next to another capitalised word, after a cue, before a comma and a capitalised word) are looked up here.
   A name is then one of: a capitalised given name and surname pair (with initials, middle names and particles),
   `Surname, Given`, the capitalised words after a cue phrase (weak cues need a dictionary word, strong cues and
   honorifics do not; after a strong cue lower-case dictionary names count too), or a roster name matched exactly.
   Nothing here allocates; the caller owns the token scratch and the output. */
#define _GNU_SOURCE /* memmem */
#include "kernel_shared.h"
#include "names_fold.h"
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>

#define MAX_WORD 48

static inline uint64_t mix_chunk(uint64_t h, uint64_t c) {
    h ^= c;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

/* The last mix of every word hash (never 0: 0 marks an empty table slot). */
static inline uint64_t hash_finish(uint64_t h) {
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return h ? h : 1;
}

uint64_t phs_name_hash(const uint8_t *p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t c;
        memcpy(&c, p + i, 8);
        h = mix_chunk(h, c);
    }
    if (i < n) {
        uint64_t c = 0;
        memcpy(&c, p + i, n - i);
        h = mix_chunk(h, c);
    }
    return hash_finish(h);
}

static uint64_t fold_hash(const uint8_t *p, size_t n, size_t a, size_t b, int *ok);
static inline uint64_t ascii_fold_hash_n(const uint8_t *p, size_t n, size_t a, size_t b);

/* ---- tables ---------------------------------------------------------------------------------------------------- */

typedef struct {
    uint64_t *keys;
    uint16_t *flags;
    int32_t *head; /* first cue (cue table) ending with this word, or -1 */
    int32_t *roster;
    uint32_t mask;
    int32_t count;
} table;

typedef struct {
    uint64_t words[PHS_NAME_MAX_PHRASE];
    int32_t count;
    int32_t kind;
    int32_t next;
} phrase;

/* The dictionary's table: one 64-bit word per slot, a key's top 48 bits and its flags (the low 16), 0 when empty. A
   probe that finds its word reads one cache line (keys and flags apart, it read two: the table is 4 MiB, beyond L2,
   and the words a log repeats that the dictionary holds, File, Go, Started, each paid both). A false match needs two
   hashes equal in 48 bits: about one lookup in 10^9 of a 200,000-word dictionary's probe chains. */
typedef struct {
    uint64_t *slots;
    uint32_t mask;
    int32_t count;
    size_t mapped; /* bytes mapped for slots (dict_alloc_slots), 0 when they came from calloc */
} dict_table;

#define DICT_FLAG_BITS 0xFFFFULL
/* A key's bits as stored (never 0, so a stored word is never an empty slot). */
static inline uint64_t dict_key_bits(uint64_t h) {
    uint64_t k = h & ~DICT_FLAG_BITS;
    return k ? k : DICT_FLAG_BITS + 1;
}
/* A key's home slot, from its stored bits only (so the table can grow without the full hashes). */
static inline uint32_t dict_home(uint64_t key_bits, uint32_t mask) {
    return (uint32_t)(key_bits ^ (key_bits >> 31)) & mask;
}

/* The given-name and surname dictionary: built once per file and shared by every detector that uses it. */
struct phs_name_dict {
    dict_table names;
    uint64_t *bloom; /* one bit per key (hash bits 40..59): most capitalised words need no probe */
    /* Two bits per given name that is no frequent English word (hash bits 8..25 and 26..43), 32 KiB: which lines
       written without capitals are worth searching (see lower_line_worth_search). */
    uint64_t *given_bloom;
};

struct phs_names {
    const phs_name_dict *dict;
    table cues;
    phrase *phrases; /* cue phrases */
    int32_t phrase_count, phrase_cap;
    phrase *roster; /* roster names: words in order */
    int32_t roster_count, roster_cap;
    /* Bit (first letter - 'a') of entry [length] for every ASCII cue-end word of up to 15 letters (apostrophes not
       counted), and whether any longer or non-ASCII one exists: most words before a capital need no hash. */
    uint32_t cue_shape[16];
    int cue_other;
    int pairs;   /* look for dictionary pairs and "Surname, Given" */
    int singles; /* look for single given names */
    int every_line; /* search every line (the front end off; tests compare the two) */
    int card_cities; /* the city line of an address card (PHS_NAME_CARD_CITY) */
    /* Surname endings (lower-case ASCII, 2-8 letters), for given-name pairs whose surname is not in the dictionary. */
    uint8_t endings[64][8];
    uint8_t ending_len[64];
    int32_t ending_count;
    /* he, she, him, her, his, hers, them, their: after "tell X", "ask X" they say X is a person. */
    uint64_t pronouns[8];
    /* my, his, her, their, our, your: before a person noun ("her son Chidi") they say a person follows. */
    uint64_t possessives[6];
    /* The last two words of every residence cue (PHS_NAME_CUE_PLACE), as pair_key, open addressing, 0 empty: the
       front end tells "lives in Remniku" from "connected to Redis" before searching the line. */
    uint64_t place_pairs[128];
    /* Field labels (phs_names_add_label): keys and ids, open addressing, key 0 empty; a label alone on its line
       ("Phone:") makes the next line its value (PHS_NAME_LABEL_VALUE). */
    uint64_t *label_keys;
    int32_t *label_ids;
    uint32_t label_mask;
    int32_t label_count;
};

static inline uint64_t pair_key(uint64_t before, uint64_t last) {
    uint64_t k = (before * 0x9E3779B97F4A7C15ULL) ^ last;
    return k ? k : 1;
}

static int place_pair_add(phs_names *d, uint64_t key) {
    for (uint32_t i = 0, h = (uint32_t)(key >> 57); i < 128; i++, h = (h + 1) & 127) {
        if (d->place_pairs[h] == key) return 0;
        if (!d->place_pairs[h]) { d->place_pairs[h] = key; return 0; }
    }
    return -1;
}

static inline int place_pair_has(const phs_names *d, uint64_t key) {
    for (uint32_t i = 0, h = (uint32_t)(key >> 57); i < 128; i++, h = (h + 1) & 127) {
        if (d->place_pairs[h] == key) return 1;
        if (!d->place_pairs[h]) return 0;
    }
    return 0;
}

/* The cue table: per key its flags and the first cue phrase and roster name ending or starting there. (The name
   dictionary has a table of its own, dict_table, one word a slot.) */
static int table_init(table *t, uint32_t capacity) {
    uint32_t cap = 64;
    while (cap < capacity * 2) cap <<= 1;
    t->keys = calloc(cap, sizeof(uint64_t));
    t->flags = calloc(cap, sizeof(uint16_t));
    t->head = malloc(cap * sizeof(int32_t));
    t->roster = malloc(cap * sizeof(int32_t));
    if (!t->keys || !t->flags || !t->head || !t->roster) return -1;
    for (uint32_t i = 0; i < cap; i++) t->head[i] = t->roster[i] = -1;
    t->mask = cap - 1;
    t->count = 0;
    return 0;
}

static void table_free(table *t) {
    free(t->keys);
    free(t->flags);
    free(t->head);
    free(t->roster);
}

static int table_grow(table *t);

/* Slot of `key`, inserting it when absent (grows the table past half full); -1 on allocation failure. */
static int64_t table_slot(table *t, uint64_t key) {
    if ((uint32_t)(t->count + 1) * 2 > t->mask + 1 && table_grow(t) != 0) return -1;
    uint32_t i = (uint32_t)(key ^ (key >> 31)) & t->mask;
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & t->mask;
    if (!t->keys[i]) {
        t->keys[i] = key;
        t->count++;
    }
    return i;
}

static int table_grow(table *t) {
    table bigger;
    if (table_init(&bigger, (t->mask + 1)) != 0) return -1;
    for (uint32_t i = 0; i <= t->mask; i++) {
        if (!t->keys[i]) continue;
        uint32_t j = (uint32_t)(t->keys[i] ^ (t->keys[i] >> 31)) & bigger.mask;
        while (bigger.keys[j]) j = (j + 1) & bigger.mask;
        bigger.keys[j] = t->keys[i];
        bigger.flags[j] = t->flags[i];
        bigger.head[j] = t->head[i];
        bigger.roster[j] = t->roster[i];
        bigger.count++;
    }
    table_free(t);
    *t = bigger;
    return 0;
}

static inline int64_t table_find(const table *t, uint64_t key) {
    uint32_t i = (uint32_t)(key ^ (key >> 31)) & t->mask;
    for (;;) {
        uint64_t k = t->keys[i];
        if (k == key) return i;
        if (!k) return -1;
        i = (i + 1) & t->mask;
    }
}

#define BLOOM_BITS (1u << 20)
static inline uint32_t bloom_bit(uint64_t h) { return (uint32_t)(h >> 40) & (BLOOM_BITS - 1); }
#define GIVEN_BLOOM_BITS (1u << 18)
static inline uint32_t given_bit_a(uint64_t h) { return (uint32_t)(h >> 8) & (GIVEN_BLOOM_BITS - 1); }
static inline uint32_t given_bit_b(uint64_t h) { return (uint32_t)(h >> 26) & (GIVEN_BLOOM_BITS - 1); }
static inline int given_bloom_has(const phs_name_dict *d, uint64_t h) {
    uint32_t a = given_bit_a(h), b = given_bit_b(h);
    return (d->given_bloom[a >> 6] >> (a & 63) & 1) && (d->given_bloom[b >> 6] >> (b & 63) & 1);
}

static uint64_t *dict_alloc_slots(uint32_t cap, size_t *mapped);
static void dict_free_slots(uint64_t *slots, size_t mapped);

phs_name_dict *phs_name_dict_new(int32_t expected_words) {
    phs_name_dict *d = calloc(1, sizeof(phs_name_dict));
    if (!d) return NULL;
    uint32_t cap = 64;
    while (cap < (uint32_t)(expected_words > 0 ? expected_words : 64) * 2) cap <<= 1;
    d->names.slots = dict_alloc_slots(cap, &d->names.mapped);
    d->names.mask = cap - 1;
    if (!d->names.slots ||
        !(d->bloom = calloc(BLOOM_BITS / 64, sizeof(uint64_t))) ||
        !(d->given_bloom = calloc(GIVEN_BLOOM_BITS / 64, sizeof(uint64_t)))) {
        phs_name_dict_free(d);
        return NULL;
    }
    return d;
}

void phs_name_dict_free(phs_name_dict *d) {
    if (!d) return;
    dict_free_slots(d->names.slots, d->names.mapped);
    free(d->bloom);
    free(d->given_bloom);
    free(d);
}

/* Zeroed slots for the dictionary's table; *mapped is set to the bytes mapped (0 when calloc'd; dict_free_slots frees
   either). A table of 2 MiB or more (the default dictionary's is 4 MiB) is mapped at a 2 MiB boundary and asked for
   transparent huge pages: its pages arrive zeroed from the kernel, two page faults instead of a thousand (about 4 of
   the 10 ms the dictionary took to load), no memset over them (1 ms more at every start), and the probes of a scan
   miss the TLB less. */
static uint64_t *dict_alloc_slots(uint32_t cap, size_t *mapped) {
    size_t bytes = (size_t)cap * sizeof(uint64_t), huge = (size_t)2 << 20;
    *mapped = 0;
    if (bytes >= huge) {
        /* Over-map by one huge page, then unmap the unaligned head and the tail. */
        uint8_t *raw = mmap(NULL, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw != MAP_FAILED) {
            size_t head = (huge - ((uintptr_t)raw & (huge - 1))) & (huge - 1);
            if (head) munmap(raw, head);
            if (huge - head) munmap(raw + head + bytes, huge - head);
#if defined(MADV_HUGEPAGE)
            (void)madvise(raw + head, bytes, MADV_HUGEPAGE);
#endif
            *mapped = bytes;
            return (uint64_t *)(raw + head);
        }
    }
    return calloc(cap, sizeof(uint64_t));
}

static void dict_free_slots(uint64_t *slots, size_t mapped) {
    if (!slots) return;
    if (mapped) munmap(slots, mapped);
    else free(slots);
}

/* Doubles the dictionary's table. */
static int dict_grow(dict_table *t) {
    uint32_t cap = (t->mask + 1) * 2;
    size_t mapped;
    uint64_t *bigger = dict_alloc_slots(cap, &mapped);
    if (!bigger) return -1;
    for (uint32_t i = 0; i <= t->mask; i++) {
        uint64_t e = t->slots[i];
        if (!e) continue;
        uint32_t j = dict_home(e & ~DICT_FLAG_BITS, cap - 1);
        while (bigger[j]) j = (j + 1) & (cap - 1);
        bigger[j] = e;
    }
    dict_free_slots(t->slots, t->mapped);
    t->slots = bigger;
    t->mapped = mapped;
    t->mask = cap - 1;
    return 0;
}

/* The flags of the word with hash h (0 when absent). */
static inline uint16_t dict_find(const dict_table *t, uint64_t h) {
    uint64_t kb = dict_key_bits(h);
    uint32_t i = dict_home(kb, t->mask);
    for (;;) {
        uint64_t e = t->slots[i];
        if (!e) return 0;
        if ((e & ~DICT_FLAG_BITS) == kb) return (uint16_t)(e & DICT_FLAG_BITS);
        i = (i + 1) & t->mask;
    }
}

int phs_name_dict_add(phs_name_dict *d, uint64_t hash, uint16_t flags) {
    dict_table *t = &d->names;
    if ((uint32_t)(t->count + 1) * 2 > t->mask + 1 && dict_grow(t) != 0) return -1;
    uint64_t kb = dict_key_bits(hash);
    uint32_t i = dict_home(kb, t->mask);
    while (t->slots[i] && (t->slots[i] & ~DICT_FLAG_BITS) != kb) i = (i + 1) & t->mask;
    if (!t->slots[i]) {
        t->slots[i] = kb;
        t->count++;
    }
    t->slots[i] |= flags;
    uint32_t b = bloom_bit(hash);
    d->bloom[b >> 6] |= 1ULL << (b & 63);
    if ((flags & PHS_NAME_GIVEN) && !(flags & PHS_NAME_COMMON)) {
        uint32_t ga = given_bit_a(hash), gb = given_bit_b(hash);
        d->given_bloom[ga >> 6] |= 1ULL << (ga & 63);
        d->given_bloom[gb >> 6] |= 1ULL << (gb & 63);
    }
    return 0;
}

/* Keys parsed but not yet in the table: inserted a batch at a time, each slot's cache line fetched a few keys ahead
   (a dictionary of 200,000 keys in a table of 5 MB costs a cache miss per key; fetched ahead, the misses overlap). */
enum { PENDING = 256, PREFETCH_AHEAD = 16 };

static void flush_pending(phs_name_dict *d, const uint64_t *keys, const uint16_t *key_flags, int32_t *pending) {
    int32_t count = *pending;
    dict_table *t = &d->names;
    /* Grow first, so the slots fetched ahead are the slots written. */
    while ((uint32_t)(t->count + count + 1) * 2 > t->mask + 1)
        if (dict_grow(t) != 0) { *pending = -1; return; }
    for (int32_t k = 0; k < count; k++) {
        if (k + PREFETCH_AHEAD < count) {
            __builtin_prefetch(&t->slots[dict_home(dict_key_bits(keys[k + PREFETCH_AHEAD]), t->mask)], 1);
        }
        if (phs_name_dict_add(d, keys[k], key_flags[k]) != 0) { *pending = -1; return; }
    }
    *pending = 0;
}

/* phs_name_hash of p[a..<a + len) with 8-byte loads masked to the word where they stay inside p[0..n) (no copy and
   no library call for the tail: the dictionary's 200,000 keys are hashed at every start-up). */
static inline uint64_t name_hash_in(const uint8_t *p, size_t n, size_t a, size_t len) {
    if (a + ((len + 7) & ~(size_t)7) > n) return phs_name_hash(p + a, len);
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)len;
    for (size_t k = 0; k < len; k += 8) {
        uint64_t c;
        memcpy(&c, p + a + k, 8);
        if (len - k < 8) c &= ((uint64_t)1 << (8 * (len - k))) - 1;
        h = mix_chunk(h, c);
    }
    return hash_finish(h);
}

/* The dictionary's flag letters (rules/names/SOURCES.md); 0 for any other byte. */
static const uint16_t flag_of[256] = {
    ['g'] = PHS_NAME_GIVEN, ['s'] = PHS_NAME_SURNAME, ['w'] = PHS_NAME_COMMON,
    ['x'] = PHS_NAME_WORD,  ['p'] = PHS_NAME_PLACE_NAME, ['n'] = PHS_NAME_PROPER,
};

int32_t phs_name_dict_load_tsv(phs_name_dict *d, const uint8_t *p, size_t n) {
    size_t i = 0;
    int32_t line = 0;
    uint64_t keys[PENDING];
    uint16_t key_flags[PENDING];
    int32_t pending = 0;
    while (i < n) {
        line++;
        /* Comments and blank lines. */
        if (p[i] == '#' || p[i] == '\n' || (p[i] == '\r' && (i + 1 == n || p[i + 1] == '\n'))) {
            const uint8_t *nl = memchr(p + i, '\n', n - i);
            i = nl ? (size_t)(nl - p) + 1 : n;
            continue;
        }
        /* The key, up to its tab, in one pass (keys are short: no memchr per line). */
        size_t tab = i;
        int folded = 1;
        /* Eight bytes at a time: where the first tab or line feed is, and whether every byte before it is a-z. */
        const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7F7F7F7F7F7F7F7FULL, high = 0x8080808080808080ULL;
        while (tab + 8 <= n) {
            uint64_t v, t, l;
            memcpy(&v, p + tab, 8);
            t = v ^ (ones * '\t');
            l = v ^ (ones * '\n');
            /* Exact zero-byte tests (no false positives above a zero byte). */
            uint64_t stop = ~((((t & low7) + low7) | t | low7) & (((l & low7) + low7) | l | low7));
            uint64_t ascii = v & low7;
            uint64_t lower = ((ascii + ones * (0x80 - 'a')) & ~(ascii + ones * (0x80 - 'z' - 1)) & ~v) & high;
            if (stop) {
                size_t at = (size_t)__builtin_ctzll(stop) / 8;
                uint64_t before = at ? (~0ULL >> (64 - 8 * at)) & high : 0;
                folded &= (lower & before) == before;
                tab += at;
                break;
            }
            folded &= lower == high;
            tab += 8;
        }
        while (tab < n && p[tab] != '\t' && p[tab] != '\n') {
            folded &= (uint8_t)(p[tab] - 'a') < 26;
            tab++;
        }
        if (tab == i || tab >= n || p[tab] != '\t') return line;
        /* The flags, up to the line's end ("\r\n" allowed): one table lookup a letter (a switch here was a tenth
           of the load, its jumps mispredicted). */
        uint16_t flags = 0;
        size_t k = tab + 1;
        for (; k < n && p[k] != '\n'; k++) {
            uint16_t f = flag_of[p[k]];
            if (f) { flags |= f; continue; }
            if (p[k] == '\r' && (k + 1 == n || p[k + 1] == '\n')) continue;
            return line;
        }
        /* Keys are folded already when they are lower-case ASCII letters, as the build script writes them. */
        uint64_t h;
        if (folded) h = name_hash_in(p, n, i, tab - i);
        else {
            int ok;
            h = fold_hash(p, n, i, tab, &ok);
            if (!ok) h = 0;
        }
        if (h) {
            if (pending == PENDING) flush_pending(d, keys, key_flags, &pending);
            if (pending < 0) return -1;
            keys[pending] = h;
            key_flags[pending++] = flags;
        }
        i = k + 1;
    }
    flush_pending(d, keys, key_flags, &pending);
    return pending < 0 ? -1 : 0;
}

phs_names *phs_names_new(const phs_name_dict *dict) {
    phs_names *d = calloc(1, sizeof(phs_names));
    if (!d) return NULL;
    d->dict = dict;
    if (table_init(&d->cues, 256) != 0) {
        phs_names_free(d);
        return NULL;
    }
    /* Words the list and pair shapes look for (fixed English function words, not pack data). */
    static const struct { const char *word; uint16_t flag; } fixed[] = {
        {"and", PHS_NAME_LIST_JOIN}, {"or", PHS_NAME_LIST_JOIN},
        {"in", PHS_NAME_PLACE_PREP}, {"at", PHS_NAME_PLACE_PREP}, {"near", PHS_NAME_PLACE_PREP},
        {"across", PHS_NAME_PLACE_PREP}, {"around", PHS_NAME_PLACE_PREP}, {"of", PHS_NAME_PLACE_PREP},
        {"jan", PHS_NAME_STOP_GIVEN}, {"april", PHS_NAME_STOP_GIVEN}, {"may", PHS_NAME_STOP_GIVEN},
        {"june", PHS_NAME_STOP_GIVEN}, {"august", PHS_NAME_STOP_GIVEN}, {"georgia", PHS_NAME_STOP_GIVEN},
        {"florida", PHS_NAME_STOP_GIVEN}, {"virginia", PHS_NAME_STOP_GIVEN}, {"carolina", PHS_NAME_STOP_GIVEN},
        {"dakota", PHS_NAME_STOP_GIVEN}, {"indiana", PHS_NAME_STOP_GIVEN}, {"montana", PHS_NAME_STOP_GIVEN},
        {"sydney", PHS_NAME_STOP_GIVEN}, {"paris", PHS_NAME_STOP_GIVEN}, {"india", PHS_NAME_STOP_GIVEN},
        {"asia", PHS_NAME_STOP_GIVEN}, {"israel", PHS_NAME_STOP_GIVEN}, {"jun", PHS_NAME_STOP_GIVEN},
    };
    static const char *pronouns[8] = {"he", "she", "him", "her", "his", "hers", "them", "their"};
    for (int i = 0; i < 8; i++) d->pronouns[i] = phs_name_hash((const uint8_t *)pronouns[i], strlen(pronouns[i]));
    static const char *possessives[6] = {"my", "his", "her", "their", "our", "your"};
    for (int i = 0; i < 6; i++)
        d->possessives[i] = phs_name_hash((const uint8_t *)possessives[i], strlen(possessives[i]));
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (phs_names_add_word(d, phs_name_hash((const uint8_t *)fixed[i].word, strlen(fixed[i].word)), fixed[i].flag) != 0) {
            phs_names_free(d);
            return NULL;
        }
    }
    return d;
}

void phs_names_enable_pairs(phs_names *d, int on) { d->pairs = on; }

int phs_names_add_surname_ending(phs_names *d, const uint8_t *ending, size_t len) {
    if (!d || len < 2 || len > 8 || d->ending_count >= 64) return -1;
    for (size_t i = 0; i < len; i++)
        if ((uint8_t)(ending[i] - 'a') >= 26) return -1;
    memcpy(d->endings[d->ending_count], ending, len);
    d->ending_len[d->ending_count++] = (uint8_t)len;
    return 0;
}

/* Does the word p[a..<b) have a Gaelic prefix before a capital (McConnan, MacLeod, O'Hara) or one of the pack's
   surname endings with at least three letters before it? */
static int shaped_like_surname(const phs_names *d, const uint8_t *p, size_t a, size_t b) {
    if (b - a >= 5 && p[a] == 'M' && p[a + 1] == 'c' && (uint8_t)(p[a + 2] - 'A') < 26) return 1;
    if (b - a >= 6 && p[a] == 'M' && p[a + 1] == 'a' && p[a + 2] == 'c' && (uint8_t)(p[a + 3] - 'A') < 26) return 1;
    if (b - a >= 4 && p[a] == 'O' && p[a + 1] == '\'' && (uint8_t)(p[a + 2] - 'A') < 26) return 1;
    for (int32_t e = 0; e < d->ending_count; e++) {
        size_t len = d->ending_len[e];
        if (b - a < len + 3) continue;
        int same = 1;
        for (size_t i = 0; i < len && same; i++) same = (p[b - len + i] | 0x20) == d->endings[e][i];
        if (same) return 1;
    }
    return 0;
}

/* Whether the word t looks like a surname the dictionary lacks: a letter outside ASCII (Szöllösy, Jílek), a Gaelic
   prefix (McConnan, O'Hara), or one of the pack's surname endings (Martinsen, Ibragimov, Zetticci). */
static int surname_shaped(const phs_names *d, const uint8_t *p, const phs_name_token *t) {
    for (int32_t i = t->start; i < t->end; i++)
        if (p[i] >= 0x80) return 1;
    return shaped_like_surname(d, p, (size_t)t->start, (size_t)t->end);
}
void phs_names_enable_singles(phs_names *d, int on) { d->singles = on; }

void phs_names_search_every_line(phs_names *d, int on) { d->every_line = on; }

void phs_names_enable_card_cities(phs_names *d, int on) { d->card_cities = on; }

uint64_t phs_name_word_hash(const uint8_t *p, size_t n) {
    int ok;
    uint64_t h = fold_hash(p, n, 0, n, &ok);
    return ok ? h : 0;
}

void phs_names_free(phs_names *d) {
    if (!d) return;
    table_free(&d->cues);
    free(d->label_keys);
    free(d->label_ids);
    free(d->phrases);
    free(d->roster);
    free(d);
}

uint64_t phs_names_label_key(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    int letter = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        if (b == ' ' || b == '_' || b == '-' || b == '.') continue;
        if ((uint8_t)((b | 0x20) - 'a') < 26) { b |= 0x20; letter = 1; }
        else if ((uint8_t)(b - '0') >= 10) return 0;
        h = (h ^ b) * 0x100000001b3ULL;
    }
    return letter && h ? h : 0;
}

static int32_t label_find(const phs_names *d, uint64_t key) {
    for (uint32_t i = (uint32_t)(key ^ (key >> 29)) & d->label_mask;; i = (i + 1) & d->label_mask) {
        if (d->label_keys[i] == key) return d->label_ids[i];
        if (!d->label_keys[i]) return -1;
    }
}

int phs_names_add_label(phs_names *d, uint64_t key, int32_t id) {
    if (!d || !key || id < 0) return -1;
    if ((uint32_t)(d->label_count + 1) * 2 > (d->label_keys ? d->label_mask + 1 : 0)) {
        uint32_t cap = d->label_keys ? (d->label_mask + 1) * 2 : 64;
        uint64_t *keys = calloc(cap, sizeof(uint64_t));
        int32_t *ids = calloc(cap, sizeof(int32_t));
        if (!keys || !ids) { free(keys); free(ids); return -1; }
        for (uint32_t i = 0; d->label_keys && i <= d->label_mask; i++) {
            if (!d->label_keys[i]) continue;
            uint32_t j = (uint32_t)(d->label_keys[i] ^ (d->label_keys[i] >> 29)) & (cap - 1);
            while (keys[j]) j = (j + 1) & (cap - 1);
            keys[j] = d->label_keys[i];
            ids[j] = d->label_ids[i];
        }
        free(d->label_keys);
        free(d->label_ids);
        d->label_keys = keys;
        d->label_ids = ids;
        d->label_mask = cap - 1;
    }
    uint32_t i = (uint32_t)(key ^ (key >> 29)) & d->label_mask;
    while (d->label_keys[i] && d->label_keys[i] != key) i = (i + 1) & d->label_mask;
    if (d->label_keys[i]) return 0; /* the first id of a key stays */
    d->label_keys[i] = key;
    d->label_ids[i] = id;
    d->label_count++;
    return 0;
}

int phs_names_add_word(phs_names *d, uint64_t hash, uint16_t flags) {
    int64_t s = table_slot(&d->cues, hash);
    if (s < 0) return -1;
    d->cues.flags[s] |= flags;
    return 0;
}

static int add_phrase(phrase **list, int32_t *count, int32_t *cap, const uint64_t *words, int32_t n, int32_t kind) {
    if (n < 1 || n > PHS_NAME_MAX_PHRASE) return -1;
    if (*count == *cap) {
        int32_t c = *cap ? *cap * 2 : 16;
        phrase *p = realloc(*list, (size_t)c * sizeof(phrase));
        if (!p) return -1;
        *list = p;
        *cap = c;
    }
    phrase *p = &(*list)[*count];
    memset(p, 0, sizeof(*p));
    memcpy(p->words, words, (size_t)n * sizeof(uint64_t));
    p->count = n;
    p->kind = kind;
    p->next = -1;
    return (*count)++;
}

void phs_names_note_cue_word(phs_names *d, const uint8_t *last_word, size_t len) {
    size_t letters = 0;
    int ascii = 1;
    for (size_t i = 0; i < len; i++) {
        if (last_word[i] >= 0x80) ascii = 0;
        if (last_word[i] != '\'') letters++;
    }
    uint8_t first = (uint8_t)(last_word[0] | 0x20);
    if (!ascii || letters > 15 || (uint8_t)(first - 'a') >= 26) d->cue_other = 1;
    else d->cue_shape[letters] |= 1u << (first - 'a');
}

static int cue_strength(int32_t kind) {
    return kind == PHS_NAME_CUE_STATED ? 4 : kind == PHS_NAME_TITLE || kind == PHS_NAME_CUE_STRONG ? 3
         : kind == PHS_NAME_CUE_WEAK ? 2 : 1;
}

int32_t phs_names_add_cue(phs_names *d, const uint64_t *words, int32_t n, int32_t kind) {
    if (kind == PHS_NAME_CUE_PLACE && (n < 2 || place_pair_add(d, pair_key(words[n - 2], words[n - 1])) != 0))
        return -1;
    int32_t id = add_phrase(&d->phrases, &d->phrase_count, &d->phrase_cap, words, n, kind);
    if (id < 0) return -1;
    int64_t s = table_slot(&d->cues, words[n - 1]);
    if (s < 0) return -1;
    /* A residence cue's last word ("in", "of") ends no name cue: marked apart, so the name search and its front end
       treat "in Kafka" as before. */
    d->cues.flags[s] |= kind == PHS_NAME_CUE_PLACE ? PHS_NAME_PLACE_END : PHS_NAME_CUE_END;
    if (kind == PHS_NAME_CUE_STRONG || kind == PHS_NAME_TITLE || kind == PHS_NAME_CUE_STATED)
        d->cues.flags[s] |= PHS_NAME_STRONG_END;
    /* Longer phrases first, so "my name is" wins over "name is"; among phrases of one length the stronger kind
       first, so a phrase listed as a title and as a weak cue acts as a title. */
    int32_t *link = &d->cues.head[s];
    while (*link >= 0 && (d->phrases[*link].count > n ||
                          (d->phrases[*link].count == n && cue_strength(d->phrases[*link].kind) >= cue_strength(kind))))
        link = &d->phrases[*link].next;
    d->phrases[id].next = *link;
    *link = id;
    return id;
}

int32_t phs_names_add_roster(phs_names *d, const uint64_t *words, int32_t n) {
    int32_t id = add_phrase(&d->roster, &d->roster_count, &d->roster_cap, words, n, PHS_NAME_ROSTER);
    if (id < 0) return -1;
    int64_t s = table_slot(&d->cues, words[0]);
    if (s < 0) return -1;
    d->cues.flags[s] |= PHS_NAME_ROSTER_START;
    int32_t *link = &d->cues.roster[s];
    while (*link >= 0 && d->roster[*link].count >= n) link = &d->roster[*link].next;
    d->roster[id].next = *link;
    *link = id;
    return id;
}

/* ---- words ----------------------------------------------------------------------------------------------------- */

/* Do the len bytes at p spell the lower-case ASCII word w in any case? */
static inline int ascii_fold_equal(const uint8_t *p, const char *w, size_t len) {
    for (size_t i = 0; i < len; i++)
        if ((p[i] | 0x20) != (uint8_t)w[i]) return 0;
    return 1;
}

/* A word of a fixed list with its length: the lists below are read for many tokens of a line, and a strlen per entry
   per lookup was a twentieth of a line dense with names. LW("word") writes one. */
typedef struct { const char *text; size_t len; } list_word;
#define LW(s) { s, sizeof(s) - 1 }
#define LIST_COUNT(list) (sizeof(list) / sizeof((list)[0]))

/* Is p[0..len) one of the first count words of list: exactly, or with fold in any case (the list in lower case)? */
static inline int in_list(const list_word *list, size_t count, const uint8_t *p, size_t len, int fold) {
    for (size_t i = 0; i < count; i++)
        if (list[i].len == len && (fold ? ascii_fold_equal(p, list[i].text, len) : memcmp(list[i].text, p, len) == 0))
            return 1;
    return 0;
}

enum { SHAPE_CAP = 1, SHAPE_LOWER = 2, SHAPE_UPPER = 4, SHAPE_ONE = 8, SHAPE_NOCASE = 16, SHAPE_BAD = 32 };
enum { SEP_SPACE = 1, SEP_DOT = 2, SEP_COMMA = 3, SEP_COLON = 4, SEP_OTHER = 0 };
/* phs_name_token.label bits: a colon right after the word (a label, a speaker); a possessive 's stripped from it. */
enum { TOK_COLON = 1, TOK_POSS = 2, TOK_URL_SPACE = 4, TOK_JSON_KEY = 8, TOK_NON_ASCII = 16, TOK_STREET_SUFFIX = 32,
       TOK_BREAK = 64 /* the separator after the word holds an escaped line break (a sign-off's "Best,\nAna") */ };

static const list_word street_suffixes[] = {LW("street"), LW("st"), LW("avenue"), LW("ave"), LW("road"), LW("rd"),
                                            LW("lane"), LW("ln"), LW("drive"), LW("dr"), LW("boulevard"), LW("blvd"),
                                            LW("court"), LW("ct"), LW("terrace"), LW("highway"), LW("hwy"),
                                            LW("parkway"), LW("pkwy"), LW("way"), LW("place"), LW("circle"),
                                            LW("alley"), LW("square")};
/* The suffixes a lower-case word may be (all but the last five). */
#define STREET_SUFFIXES_LOWER (LIST_COUNT(street_suffixes) - 5)

/* For each first letter, the second letters of the lower-case suffixes (bit b: 'a' + b): tokenize asks every short
   lower-case word of a line, and the list walk was a sixth of its time on JSON lines. Built from the list at load. */
static uint32_t street_suffix_pairs[26];
__attribute__((constructor)) static void index_street_suffixes(void) {
    for (size_t i = 0; i < STREET_SUFFIXES_LOWER; i++)
        street_suffix_pairs[street_suffixes[i].text[0] - 'a'] |= 1u << (street_suffixes[i].text[1] - 'a');
}

/* Is p[start..<end) a street's own suffix (any case), which makes the words before it a street: "call Park Lane",
   and even in lower case, "Baker street"? The last five only capitalised: in lower case "way", "place" and "square"
   go on a sentence ("give Mary Jones way more time"). */
static int street_suffix_word(const uint8_t *p, size_t start, size_t end, int lower) {
    if (lower) {
        if (end - start < 2) return 0;
        uint8_t a = (uint8_t)((p[start] | 0x20) - 'a'), b = (uint8_t)((p[start + 1] | 0x20) - 'a');
        if (a >= 26 || b >= 26 || !(street_suffix_pairs[a] >> b & 1)) return 0;
    }
    return in_list(street_suffixes, lower ? STREET_SUFFIXES_LOWER : LIST_COUNT(street_suffixes), p + start,
                   end - start, 1);
}
/* Most spaces after a label's colon or a question mark that still join it to the next word. */
enum { MAX_LABEL_PAD = 8 };

/* Decodes the UTF-8 sequence at p[i] (lead byte >= 0xC0). Returns its length (0 when malformed) and the code point. */
static inline int utf8_at(const uint8_t *p, size_t n, size_t i, uint32_t *cp) {
    uint8_t b = p[i];
    if (b < 0xE0) {
        if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(b & 0x1F) << 6) | (p[i + 1] & 0x3F);
        return 2;
    }
    if (b < 0xF0) {
        if (i + 2 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
        return 3;
    }
    if (i + 3 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80 || (p[i + 3] & 0xC0) != 0x80) return 0;
    *cp = ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(p[i + 1] & 0x3F) << 12) | ((uint32_t)(p[i + 2] & 0x3F) << 6) |
          (p[i + 3] & 0x3F);
    return 4;
}

/* Letter class of a code point outside ASCII: bits as in names_fold.h (bit 17 letter, bit 16 upper, low bytes the
   ASCII base), 1 << 17 alone for a caseless letter of another script, LETTER_MARK too for a combining mark. 0: not
   a letter. */
/* A combining mark (U+0300-U+036F, U+1AB0-U+1AFF, U+1DC0-U+1DFF, U+20D0-U+20FF, U+FE20-U+FE2F): part of the word it
   follows ("Jo" U+0301 "hn" is one word), adding nothing to its shape or hash. */
#define LETTER_MARK (1u << 18)

static inline uint32_t letter_info(uint32_t cp) {
    if ((cp >= 0x0300 && cp < 0x0370) || (cp >= 0x1AB0 && cp < 0x1B00) || (cp >= 0x1DC0 && cp < 0x1E00) ||
        (cp >= 0x20D0 && cp < 0x2100) || (cp >= 0xFE20 && cp < 0xFE30))
        return (1u << 17) | LETTER_MARK;
    if (cp >= 0x00C0 && cp < 0x0250) return phs_fold_00c0[cp - 0x00C0];
    if (cp >= 0x1E00 && cp < 0x1F00) return phs_fold_1e00[cp - 0x1E00];
    /* (U+3005-U+3007, the iteration mark and its kin, are letters of Japanese names: 佐々木.) */
    if ((cp >= 0x0370 && cp < 0x2000) || (cp >= 0x3040 && cp < 0xA000) || (cp >= 0xAC00 && cp < 0xD7B0) ||
        (cp >= 0x3005 && cp <= 0x3007))
        return 1u << 17;
    return 0;
}

static inline int is_ascii_letter(uint8_t b) { return (uint8_t)((b | 0x20) - 'a') < 26; }

/* The top bit of each byte of v that is an ASCII letter (SWAR: a byte below 0x80, folded to lower case, is in a..z
   when adding 0x80 - 'a' sets its top bit and adding 0x80 - ('z' + 1) does not; no sum carries out of its byte). */
static inline uint64_t ascii_letter_bytes(uint64_t v) {
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t x = (v | 0x2020202020202020ULL) & ~high;
    return (x + 0x1F1F1F1F1F1F1F1FULL) & ~(x + 0x0505050505050505ULL) & ~v & high;
}

/* Length of the letter at p[i] (0 if none), its info, and whether it is a right single quote (U+2019). */
static inline __attribute__((always_inline)) int letter_at(const uint8_t *p, size_t n, size_t i, uint32_t *info) {
    uint8_t b = p[i];
    if (b < 0x80) {
        if (!is_ascii_letter(b)) return 0;
        *info = (1u << 17) | ((b & 0x20) ? 0 : (1u << 16)) | (uint32_t)(b | 0x20);
        return 1;
    }
    if (b < 0xC0) return 0;
    uint32_t cp;
    int len = utf8_at(p, n, i, &cp);
    if (!len) return 0;
    uint32_t li = letter_info(cp);
    if (!(li & (1u << 17))) return 0;
    *info = li;
    return len;
}

static inline int is_apostrophe(const uint8_t *p, size_t n, size_t i, int *len) {
    if (p[i] == '\'') { *len = 1; return 1; }
    if (p[i] == 0xE2 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x99) { *len = 3; return 1; }
    return 0;
}

/* Hash of the part of a word p[a..<b] with hyphens kept (whole word) or of one hyphen-free part. */
static uint64_t fold_hash(const uint8_t *p, size_t n, size_t a, size_t b, int *ok) {
    uint8_t buf[MAX_WORD + 2];
    size_t m = 0;
    size_t i = a;
    *ok = 1;
    while (i < b) {
        uint32_t info;
        int len = letter_at(p, n, i, &info);
        if (len && (info & LETTER_MARK)) { i += (size_t)len; continue; }
        if (len) {
            uint8_t c0 = (uint8_t)(info & 0xFF), c1 = (uint8_t)((info >> 8) & 0xFF);
            if (c0) {
                if (m + 2 > MAX_WORD) { *ok = 0; return 0; }
                buf[m++] = c0;
                if (c1) buf[m++] = c1;
            } else {
                /* A letter with no ASCII base: its bytes as they are (caseless scripts). */
                if (m + (size_t)len > MAX_WORD) { *ok = 0; return 0; }
                memcpy(buf + m, p + i, (size_t)len);
                m += (size_t)len;
            }
            i += (size_t)len;
            continue;
        }
        int alen;
        if (is_apostrophe(p, n, i, &alen)) { i += (size_t)alen; continue; }
        if (p[i] == '-') {
            if (m + 1 > MAX_WORD) { *ok = 0; return 0; }
            buf[m++] = '-';
            i++;
            continue;
        }
        i++;
    }
    return phs_name_hash(buf, m);
}

/* Is the letter at i the n, r or t of a backslash escape (an odd number of backslashes before it)? */
static inline int escape_letter_at(const uint8_t *p, size_t i) {
    if (i == 0 || p[i - 1] != '\\' || (p[i] != 'n' && p[i] != 'r' && p[i] != 't')) return 0;
    size_t k = i, slashes = 0;
    while (k > 0 && p[k - 1] == '\\') { slashes++; k--; }
    return slashes & 1;
}


/* Is the word at `start` right after a URL's encoded space ("name=Hugo%20Lindqvist": the 0 is no digit glued to it)? */
static inline int url_space_before(const uint8_t *p, size_t start) {
    return start >= 3 && p[start - 3] == '%' && p[start - 2] == '2' && p[start - 1] == '0';
}

/* Is p[a..<b) a surname written with a lower-case Arabic article or kinship word glued by a hyphen ("al-Mansouri",
   "el-Sayed", "bin-Laden", "abu-Bakr"): the prefix, a hyphen, then a capital and lower-case letters? */
static int arabic_prefix(const uint8_t *p, size_t a, size_t b, int parts) {
    static const list_word prefixes[] = {LW("al"), LW("el"), LW("ul"), LW("ad"), LW("ar"), LW("as"), LW("at"), LW("an"),
                                         LW("az"), LW("ash"), LW("bin"), LW("ibn"), LW("abu"), LW("abd")};
    if (parts != 2) return 0;
    size_t h = a;
    while (h < b && h - a < 4 && (uint8_t)(p[h] - 'a') < 26) h++;
    if (h >= b || p[h] != '-' || h + 2 >= b || (uint8_t)(p[h + 1] - 'A') >= 26) return 0;
    for (size_t i = h + 2; i < b; i++)
        if ((uint8_t)(p[i] - 'A') < 26) return 0;
    return in_list(prefixes, LIST_COUNT(prefixes), p + a, h - a, 0);
}

/* Where the string value starts when the word p[start..<end) is a whole JSON key followed by a string value:
   `"key": "value"`, or `\"key\":\"value\"` in a JSON string read as text (both quotes of a kind); 0 otherwise. */
static size_t json_key_end(const uint8_t *p, size_t n, size_t start, size_t end) {
    int esc;
    if (end < n && p[end] == '"') esc = 0;
    else if (end + 1 < n && p[end] == '\\' && p[end + 1] == '"') esc = 1;
    else return 0;
    if (start < 1 || p[start - 1] != '"') return 0;
    int open_esc = start >= 2 && p[start - 2] == '\\';
    if (open_esc != esc) return 0;
    size_t q = end + (esc ? 2 : 1);
    while (q < n && (p[q] == ' ' || p[q] == '\t')) q++;
    if (q >= n || p[q] != ':') return 0;
    q++;
    while (q < n && (p[q] == ' ' || p[q] == '\t')) q++;
    if (esc ? !(q + 1 < n && p[q] == '\\' && p[q + 1] == '"') : !(q < n && p[q] == '"')) return 0;
    return q + (esc ? 2 : 1);
}

/* Cuts the line into words. A word is letters, with one apostrophe or hyphen between letters; a word glued to a digit
   or an underscore is marked bad (an identifier, not a name). */
static int32_t tokenize(const uint8_t *p, size_t n, phs_name_token *tok, int32_t cap) {
    int32_t nt = 0;
    size_t i = 0;
    while (i < n && nt < cap) {
        /* Bytes that start no word (spaces, digits, punctuation: most of a JSON line) eight at a time, to the next
           ASCII letter or byte outside ASCII. */
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, p + i, 8);
            uint64_t starts = ascii_letter_bytes(v) | (v & 0x8080808080808080ULL);
            if (starts) {
                i += (size_t)__builtin_ctzll(starts) >> 3;
                break;
            }
            i += 8;
        }
        if (i >= n) break;
        uint32_t info;
        int len = letter_at(p, n, i, &info);
        if (!len || (info & LETTER_MARK)) { i += len ? (size_t)len : 1; continue; }
        /* The n of a JSON or C escape (\n, \r, \t) is no letter of the word after it ("regards,\nTamsin"). */
        if (escape_letter_at(p, i)) { i++; continue; }
        size_t start = i;
        int upper_first = (info >> 16) & 1, any_lower = 0, any_upper_later = 0, letters = 0, nocase = 0;
        int camel = 0, parts = 1, prev_lower = 0;
        size_t last_letter_end = i;
        /* Most words are ASCII letters, with an ASCII apostrophe or hyphen between letters (O'Brien, Anne-Marie),
           ended by a byte that cannot continue them: read with byte tests and hashed 8 bytes at a time, the same
           shape and hash as the general loop below gives them. Long words and words with bytes outside ASCII take
           that loop. */
        size_t e = i;
        int uppers_later = 0, lower_then_upper = 0, lowers = 0, ascii_letters = 0, ascii_parts = 1;
        {
            int prev_low = 0;
            for (;;) {
                if (e < n && is_ascii_letter(p[e])) {
                    int low = (p[e] & 0x20) != 0;
                    lowers |= low;
                    if (e > start) { uppers_later |= !low; lower_then_upper |= prev_low & !low; }
                    prev_low = low;
                    ascii_letters++;
                    e++;
                    continue;
                }
                if (e + 1 < n && (p[e] == '\'' || p[e] == '-') && is_ascii_letter(p[e + 1])) {
                    ascii_parts += p[e] == '-';
                    prev_low = 0;
                    e++;
                    continue;
                }
                break;
            }
        }
        int plain = e - start < MAX_WORD - 1 &&
                    (e == n || (p[e] < 0x80 && !((p[e] == '\'' || p[e] == '-') && e + 1 < n && p[e + 1] >= 0x80)));
        if (plain) {
            letters = ascii_letters;
            parts = ascii_parts;
            any_lower = lowers;
            any_upper_later = uppers_later;
            camel = lower_then_upper;
            i = last_letter_end = e;
        }
        while (!plain && i < n) {
            len = letter_at(p, n, i, &info);
            if (len && (info & LETTER_MARK)) {
                i += (size_t)len;
                last_letter_end = i;
                continue;
            }
            if (len) {
                int up = (info >> 16) & 1;
                if ((info & 0xFFFF) == 0 && !up) nocase = 1;
                if (letters > 0) {
                    if (up) {
                        any_upper_later = 1;
                        if (prev_lower) camel = 1;
                    } else if (!nocase) {
                        any_lower = 1;
                    }
                } else if (!up && !nocase) {
                    any_lower = 1;
                }
                prev_lower = !up;
                letters++;
                i += (size_t)len;
                last_letter_end = i;
                continue;
            }
            int alen;
            uint32_t next_info;
            if (is_apostrophe(p, n, i, &alen) && i + (size_t)alen < n && letter_at(p, n, i + (size_t)alen, &next_info)) {
                /* O'Brien, D'Angelo: an upper-case letter after the apostrophe is not CamelCase. */
                i += (size_t)alen;
                prev_lower = 0;
                continue;
            }
            if (p[i] == '-' && i + 1 < n && letter_at(p, n, i + 1, &next_info)) {
                i++;
                parts++;
                prev_lower = 0;
                continue;
            }
            break;
        }
        size_t end = last_letter_end;
        /* Glued to digits or underscores: an identifier. */
        int bad = (i < n && (p[i] == '_' || (uint8_t)(p[i] - '0') < 10)) ||
                  (start > 0 && (p[start - 1] == '_' || ((uint8_t)(p[start - 1] - '0') < 10 && !url_space_before(p, start))));
        /* A possessive 's is not part of the name, and ends it ("Kent Beck's Smalltalk"). */
        uint8_t poss = 0;
        if (end - start > 2 && (p[end - 1] == 's' || p[end - 1] == 'S')) {
            if (p[end - 2] == '\'') { end -= 2; poss = TOK_POSS; }
            else if (end - start > 4 && p[end - 4] == 0xE2 && p[end - 3] == 0x80 && p[end - 2] == 0x99) { end -= 4; poss = TOK_POSS; }
        }
        uint16_t shape;
        if (bad) shape = SHAPE_BAD;
        else if (nocase) shape = SHAPE_NOCASE;
        else if (letters == 1) shape = upper_first ? SHAPE_ONE : SHAPE_LOWER;
        else if (upper_first && any_lower) {
            /* McDonald, MacLeod keep their capital; other inner capitals are CamelCase identifiers. */
            int mc = (end - start > 3 && (p[start + 1] == 'c' || (p[start + 1] == 'a' && p[start + 2] == 'c')));
            shape = (camel && !mc && parts == 1) ? SHAPE_BAD : SHAPE_CAP;
        } else if (!upper_first && !any_upper_later) shape = SHAPE_LOWER;
        else if (arabic_prefix(p, start, end, parts)) shape = SHAPE_CAP;
        else if (upper_first && !any_lower) shape = SHAPE_UPPER;
        else shape = SHAPE_BAD;
        int ok = 1;
        uint64_t h = plain ? ascii_fold_hash_n(p, n, start, end) : fold_hash(p, n, start, end, &ok);
        phs_name_token *t = &tok[nt++];
        t->start = (int32_t)start;
        t->end = (int32_t)end;
        t->hash = ok ? h : 0;
        t->shape = shape;
        t->parts = (uint8_t)(parts > 255 ? 255 : parts);
        t->sep = SEP_OTHER;
        t->flags = 0;
        t->looked = 0;
        t->label = (uint8_t)((end < n && p[end] == ':' ? TOK_COLON : 0) | poss);
        if (shape == SHAPE_LOWER && end - start <= 9 && street_suffix_word(p, start, end, 1)) t->label |= TOK_STREET_SUFFIX;
        for (size_t q = start; !plain && q < end; q++)
            if (p[q] >= 0x80) {
                t->label |= TOK_NON_ASCII;
                break;
            }
        /* A JSON key and the string value after it ("from": "Artur Teterycz", {\"caller\":\"...\"} inside a string):
           the key's closing quote, the colon and the value's opening quote separate like a label's colon. */
        size_t jkey = json_key_end(p, n, start, end);
        if (jkey) {
            uint32_t value_info;
            t->label |= TOK_JSON_KEY;
            if (jkey < n && letter_at(p, n, jkey, &value_info)) {
                t->sep = SEP_COLON;
                i = jkey;
            }
            continue;
        }
        /* What separates this word from the next: spaces, or one of . , : and spaces. */
        size_t j = end;
        if (j < n && (p[j] == '\'' || p[j] == 0xE2) && j < i) j = i; /* skip a possessive */
        uint8_t punct = 0;
        if (j < n && (p[j] == '.' || p[j] == ',' || p[j] == ':' || p[j] == '?')) punct = p[j++];
        size_t spaces = 0, escaped = 0;
        while (j < n) {
            if (p[j] == ' ' || p[j] == '\t') j++;
            else if (p[j] == 0xC2 && j + 1 < n && p[j + 1] == 0xA0) j += 2;
            else if (p[j] == '\\' && j + 1 < n && (p[j + 1] == 'n' || p[j + 1] == 'r' || p[j + 1] == 't')) { j += 2; escaped++; }
            else if (p[j] == '%' && j + 2 < n && p[j + 1] == '2' && p[j + 2] == '0') { j += 3; t->label |= TOK_URL_SPACE; }
            else break;
            spaces++;
        }
        /* An escaped line break inside a JSON string joins words only after a comma or colon (a sign-off, a label:
           "Sincerely,\nTamsin", "Patient:\nAna"); elsewhere it ends the name. */
        if (escaped && punct != ',' && punct != ':') spaces = 0;
        if (escaped) t->label |= TOK_BREAK;
        /* A label's colon may be followed by padding ("Name:    Anna Josefsen"); a question ends like a label
           ("What's your last name? Magnusson"). */
        if (spaces >= 1 && (spaces <= 2 || ((punct == ':' || punct == '?') && spaces <= MAX_LABEL_PAD))) {
            t->sep = punct == '.' ? SEP_DOT : punct == ',' ? SEP_COMMA : punct == ':' || punct == '?' ? SEP_COLON : SEP_SPACE;
        } else if (spaces == 0 && punct == '.' && shape == SHAPE_ONE) {
            t->sep = SEP_DOT; /* J.R. */
        }
        /* A separator joins two words only when the next word starts right after it (not after digits, brackets
           or a newline), so no name ever spans anything but these separators. */
        uint32_t next_info;
        if (t->sep != SEP_OTHER && !(j < n && letter_at(p, n, j, &next_info))) t->sep = SEP_OTHER;
        if (i < j && t->sep != SEP_OTHER) i = j;
    }
    return nt;
}

/* Dictionary flags of a word (the name table; hyphenated words by their parts). */
static inline uint16_t probe_names(const phs_names *d, uint64_t h);
/* Is the folded word hash h a given name of the dictionary (the two-bit filter first, then the probe)? */
static inline int given_hash(const phs_names *d, uint64_t h) {
    return given_bloom_has(d->dict, h) && (probe_names(d, h) & PHS_NAME_GIVEN);
}

static inline uint16_t probe_names(const phs_names *d, uint64_t h) {
    const phs_name_dict *dict = d->dict;
    if (!dict || !h) return 0;
    uint32_t b = bloom_bit(h);
    if (!(dict->bloom[b >> 6] & (1ULL << (b & 63)))) return 0;
    return dict_find(&dict->names, h);
}

/* What the parts of the hyphenated word p[a..<b) add to its flags (Hernández-Ruiz, Jean-Pierre): a name part of either
   kind makes the word that kind; it is a common word only when every part is. Used by the search (name_flags) and by
   the front end, which must agree with it. */
static uint16_t part_flags(const phs_names *d, const uint8_t *p, size_t n, size_t a, size_t b) {
    uint16_t any = 0, all_common = PHS_NAME_COMMON;
    for (size_t i = a; i <= b; i++) {
        if (i < b && p[i] != '-') continue;
        int ok;
        uint64_t h = fold_hash(p, n, a, i, &ok);
        uint16_t pf = ok ? probe_names(d, h) : 0;
        any |= pf & (PHS_NAME_GIVEN | PHS_NAME_SURNAME);
        if (!(pf & PHS_NAME_COMMON)) all_common = 0;
        a = i + 1;
    }
    return any | ((any && all_common) ? PHS_NAME_COMMON : 0);
}

static uint16_t name_flags(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    if (t->looked) return t->flags;
    t->looked = 1;
    uint16_t f = 0;
    if (!t->hash) return t->flags = 0;
    f = probe_names(d, t->hash);
    if (t->parts > 1) f |= part_flags(d, p, n, (size_t)t->start, (size_t)t->end);
    return t->flags = f;
}

/* name_flags, where the shape of the text already says "a name" (after "my name is", in "Surname, Given"): a word
   written with a letter outside ASCII is then no English word, whatever its folded form spells (Solé: sole, Thế: the,
   gaś: gas). Not everywhere: "the Naïve Bayes model" is no name. */
static uint16_t name_flags_in_name(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    uint16_t f = name_flags(d, p, n, t);
    return (t->label & TOK_NON_ASCII) ? f & (uint16_t)~(PHS_NAME_COMMON | PHS_NAME_WORD) : f;
}

static inline uint16_t cue_flags(const phs_names *d, const phs_name_token *t, int64_t *slot) {
    *slot = t->hash ? table_find(&d->cues, t->hash) : -1;
    return *slot >= 0 ? d->cues.flags[*slot] : 0;
}

static inline int is_cap(const phs_name_token *t) { return t->shape == SHAPE_CAP; }
static inline int is_initial(const phs_name_token *t) { return t->shape == SHAPE_ONE && t->sep == SEP_DOT; }

/* A particle that joins the parts of a name (van, de, bin); capitalised, not one that starts places and never a
   name ("Los Angeles", "Las Vegas": los and las are on the stop list as well). */
static inline int is_particle(const phs_names *d, const phs_name_token *t) {
    if (t->shape != SHAPE_LOWER && t->shape != SHAPE_CAP) return 0;
    int64_t s;
    uint16_t f = cue_flags(d, t, &s);
    if (t->shape == SHAPE_CAP && (f & PHS_NAME_STOP)) return 0;
    return (f & PHS_NAME_PARTICLE) != 0;
}

/* Is the word one that starts no name (a month, a log level, "The")? Never a word with a letter outside ASCII: the
   lists are English words, and Vietnamese Thế or Thị folds to "the" and "thi" ("Nguyễn Thế Tuấn"). */
static inline int is_stop(const phs_names *d, const phs_name_token *t) {
    int64_t s;
    return !(t->label & TOK_NON_ASCII) && (cue_flags(d, t, &s) & PHS_NAME_STOP) != 0;
}

/* Is the word a place or organisation word (Street, Ltd, Apt)? */
static inline int is_place(const phs_names *d, const phs_name_token *t) {
    int64_t s;
    return (cue_flags(d, t, &s) & PHS_NAME_PLACE) != 0;
}

/* A capitalised particle that is also a stop word, inside a name: "Judith Mac Cohen" (Mac, the computer, starts no
   name). Only between a dictionary given name and a dictionary surname, one space apart each. */
static int mid_name_particle(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                             int32_t k, int32_t j) {
    phs_name_token *t = &tok[j];
    int64_t s;
    if (j <= k || j + 1 >= nt || t->shape != SHAPE_CAP || !(cue_flags(d, t, &s) & PHS_NAME_PARTICLE) ||
        tok[j - 1].sep != SEP_SPACE || t->sep != SEP_SPACE || !is_cap(&tok[j - 1]) || !is_cap(&tok[j + 1]))
        return 0;
    uint16_t before = name_flags(d, p, n, &tok[j - 1]), after = name_flags(d, p, n, &tok[j + 1]);
    return (before & PHS_NAME_GIVEN) && (after & PHS_NAME_SURNAME) && !(after & PHS_NAME_COMMON) &&
           !is_stop(d, &tok[j + 1]) && !is_place(d, &tok[j + 1]);
}

/* Is the word after a run of capitalised words one that makes them a place or organisation (Street, Ltd, Apt)?
   Written in lower case it is the sentence going on ("cancelled by Mary Jones via portal", "send Mary Jones test
   results", "Tell Mary Jones well done"), except for a street's own suffix ("Baker street", "Mill rd"). */
static inline int place_follows(const phs_names *d, const phs_name_token *tok, int32_t nt, int32_t b) {
    if (b >= nt || b == 0 || tok[b - 1].sep == SEP_OTHER || tok[b - 1].sep == SEP_DOT) return 0;
    if (tok[b].shape == SHAPE_LOWER && !(tok[b].label & TOK_STREET_SUFFIX)) return 0;
    return is_place(d, &tok[b]);
}

/* Can the stop word at j (j > 0) end a name as its surname? */
static int stop_surname(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t j) {
    phs_name_token *t = &tok[j];
    uint16_t f = name_flags(d, p, n, t);
    int gap = t->start - tok[j - 1].end - (is_initial(&tok[j - 1]) ? 1 : 0); /* "Ryan P. Costa": the dot */
    if (!(f & PHS_NAME_SURNAME) || (f & PHS_NAME_COMMON) || gap != 1) return 0;
    return !(t->sep == SEP_SPACE && j + 1 < nt && (is_cap(&tok[j + 1]) || tok[j + 1].shape == SHAPE_UPPER));
}

/* What name_run may take besides capitalised words, initials and particles: a stop word (after a strong cue), a
   street word that is a surname (after a cue that is no preposition; see place_surname), particles before the first
   capitalised word (after a title: "Dr. van der Berg", "Mr. de la Cruz"). */
enum { RUN_STOP = 1, RUN_PLACE_SURNAME = 2, RUN_LEAD_PARTICLE = 4, RUN_STATED = 8 };

/* Is there a number right before p[a] (spaces, dots and commas between)? */
static inline int number_before(const uint8_t *p, int32_t a) {
    size_t i = (size_t)a;
    while (i > 0 && (p[i - 1] == ' ' || p[i - 1] == '.' || p[i - 1] == ',')) i--;
    return i > 0 && (uint8_t)(p[i - 1] - '0') < 10;
}

/* Is there a number right after p[..<b): after spaces, and with `commas` after commas too? */
static inline int number_after(const uint8_t *p, size_t n, int32_t b, int commas) {
    size_t i = (size_t)b;
    while (i < n && (p[i] == ' ' || (commas && p[i] == ','))) i++;
    return i < n && (uint8_t)(p[i] - '0') < 10;
}

/* Is there a number right before p[a..<b) (spaces, dots and commas between) or right after it (spaces and commas)? A
   house number beside capitalised words makes them a street or a town ("Pärna 33", "Jahu 80, Liiva"). */
static inline int number_beside(const uint8_t *p, size_t n, int32_t a, int32_t b) {
    return number_before(p, a) || number_after(p, n, b, 1);
}

/* Can the street word at j (j > k; Hill, Lane, Ford, Dale: a surname the dictionary holds, no common word) end the
   name that starts at k after a cue ("Dear Mary Hill,", "my name is Erin Dale")? Only after a given name that is no
   English word ("Park Lane" stays a street), not when a house number is right before the name ("12 Oak Dale"), and
   not when a capitalised word or a number follows ("Erin Dale Road", "Erin Dale 12"). */
static int place_surname(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k,
                         int32_t j) {
    phs_name_token *t = &tok[j];
    uint16_t f = name_flags(d, p, n, t);
    if (!(f & PHS_NAME_SURNAME) || (f & PHS_NAME_COMMON) || t->start - tok[j - 1].end > 2) return 0;
    uint16_t g = name_flags(d, p, n, &tok[k]);
    if (!(g & PHS_NAME_GIVEN) || (g & (PHS_NAME_COMMON | PHS_NAME_WORD)) || !is_cap(&tok[k])) return 0;
    if (t->sep == SEP_SPACE && j + 1 < nt && (is_cap(&tok[j + 1]) || tok[j + 1].shape == SHAPE_UPPER)) return 0;
    return !number_beside(p, n, tok[k].start, t->end);
}

/* After a phrase that states a name ("my name is Rose Hill and", "her name is Bill Lake."): the street or calendar
   word at j ends the name when it is a dictionary surname, common word or not, after a dictionary given name, one
   space between, and no capitalised word or number follows ("my name is Rose Hill Road" is no name's end). */
static int stated_place_surname(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                                int32_t k, int32_t j) {
    phs_name_token *t = &tok[j];
    if (j != k + 1 || !(name_flags(d, p, n, t) & PHS_NAME_SURNAME) || t->start - tok[j - 1].end != 1) return 0;
    if (!is_cap(&tok[k]) || !(name_flags(d, p, n, &tok[k]) & PHS_NAME_GIVEN)) return 0;
    if (t->sep == SEP_SPACE && j + 1 < nt && (is_cap(&tok[j + 1]) || tok[j + 1].shape == SHAPE_UPPER)) return 0;
    return !number_beside(p, n, tok[k].start, t->end);
}

/* A Vietnamese name from word k: a capitalised word, then Văn or Thị (the middle names of most Vietnamese men and
   women, as written with their diacritics, composed), then one or two capitalised words ("Nguyễn Văn An", "Vũ Thị
   Linh", "Nguyễn Thị Thu Hà"). After the middle name a word is the given name whatever it spells in English (An, Mai):
   Văn and Thị are no English words, nor "van" the particle. Returns one past the name, or k. */
static int32_t vietnamese_name(const uint8_t *p, const phs_name_token *tok, int32_t nt, int32_t k) {
    const phs_name_token *m = &tok[k + 1];
    size_t len = (size_t)(m->end - m->start);
    int marker = (len == 4 && memcmp(p + m->start, "V\xC4\x83n", 4) == 0) ||
                 (len == 5 && memcmp(p + m->start, "Th\xE1\xBB\x8B", 5) == 0);
    if (!marker || m->sep != SEP_SPACE || tok[k + 2].start - m->end != 1 || !is_cap(&tok[k + 2])) return k;
    int32_t b = k + 3;
    /* A second given name written outside ASCII ("Thu Hà"). */
    if (tok[k + 2].sep == SEP_SPACE && b < nt && is_cap(&tok[b]) && (tok[b].label & TOK_NON_ASCII) &&
        tok[b].start - tok[k + 2].end == 1)
        b++;
    return b;
}

/* The run of name-shaped words from k: capitalised words, initials, and particles followed by a capitalised word,
   joined by spaces (or the dot of an initial). Returns the index one past the last word taken (at most `max`). */
static int32_t name_run(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k,
                        int32_t max, int mode) {
    int32_t j = k, taken = 0;
    while (j < nt && taken < max) {
        phs_name_token *t = &tok[j];
        int ok = 0;
        /* A Vietnamese middle name after the word before: it and the given names after it end the run ("called
           Nguyễn Văn An": Văn is no particle here, and An no stop word). */
        if (j > k && j + 1 < nt) {
            int32_t e = vietnamese_name(p, tok, nt, j - 1);
            if (e > j) {
                taken += e - j;
                j = e;
                break;
            }
        }
        /* A form's next label ("Anna Josefsen  Address: ..."): a word with a colon after two spaces, or a stop word
           (label words are) with a colon, ends the name. */
        if (j > k && (t->label & TOK_COLON) && ((t->start - tok[j - 1].end >= 2 && tok[j - 1].sep == SEP_SPACE) || is_stop(d, t))) break;
        /* A word that starts no name on its own (King, Marshall, Costa) may still end one as its surname: one space
           after the word before, no capitalised word after ("Milford New Zealand" is a place). */
        if (is_cap(t) && ((mode & RUN_STOP) || !is_stop(d, t) || (j > k && stop_surname(d, p, n, tok, nt, j))) &&
            !is_place(d, t)) ok = 1;
        else if ((mode & RUN_PLACE_SURNAME) && j > k && is_cap(t) && place_surname(d, p, n, tok, nt, k, j)) ok = 1;
        else if ((mode & RUN_STATED) && j > k && is_cap(t) && stated_place_surname(d, p, n, tok, nt, k, j)) ok = 1;
        /* After a strong cue or a title, a given name that is also a street word opens the name when a capitalised
           word that is no place word follows ("my name is Glen Hayward", "Dr. Dale Okafor"; not "Park Lane"). */
        else if ((mode & RUN_STOP) && j == k && is_cap(t) && is_place(d, t) && t->sep == SEP_SPACE && j + 1 < nt &&
                 is_cap(&tok[j + 1]) && !is_place(d, &tok[j + 1]) && (name_flags(d, p, n, t) & PHS_NAME_GIVEN))
            ok = 1;
        else if (is_initial(t)) ok = 1;
        /* A middle initial without its dot ("Ruth R Montez"). */
        else if (j > k && t->shape == SHAPE_ONE && t->sep == SEP_SPACE && j + 1 < nt && is_cap(&tok[j + 1])) ok = 1;
        else if (mid_name_particle(d, p, n, tok, nt, k, j)) ok = 1;
        else if ((j > k || (mode & RUN_LEAD_PARTICLE)) && is_particle(d, t)) {
            /* van der Berg: particles count only when a capitalised word follows. */
            int32_t m = j;
            while (m < nt && m - j < 3 && tok[m].sep == SEP_SPACE && is_particle(d, &tok[m])) m++;
            if (m < nt && is_cap(&tok[m]) && (m == j || tok[m - 1].sep == SEP_SPACE)) ok = 1;
        }
        if (!ok) break;
        j++;
        taken++;
        if ((t->sep != SEP_SPACE && !(is_initial(t))) || (t->label & TOK_POSS)) break;
    }
    return j;
}

/* Is the word a suffix that belongs to the name before it (Jr, II, MD, PhD)? */
static inline int is_suffix(const phs_names *d, const phs_name_token *t) {
    int64_t s;
    return t->shape != SHAPE_LOWER && (cue_flags(d, t, &s) & PHS_NAME_SUFFIX) != 0;
}

/* Records the name tok[a..<b), with up to two suffixes joined to it by a space ("Kevin Veitonen II", "Giovanna
   Rodrigues MD"; not ", MD": a credential after a comma stays); *next is where the search goes on. */
static int emit(const phs_names *d, phs_name_span *out, int32_t cap, int32_t *count, const phs_name_token *tok,
                int32_t nt, int32_t a, int32_t b, int32_t kind, int32_t detail, int32_t *next) {
    /* Drop a trailing initial's dot? The span ends at the last word's letters. */
    while (b > a && !(is_cap(&tok[b - 1]) || tok[b - 1].shape == SHAPE_LOWER || tok[b - 1].shape == SHAPE_NOCASE ||
                      tok[b - 1].shape == SHAPE_ONE || tok[b - 1].shape == SHAPE_UPPER)) b--;
    if (b <= a || *count >= cap) return 0;
    /* Initials before a person's name ("K. Yamamoto", "J.R. Martinez"), after the words already searched (*next
       still holds where the search went on after the span before). */
    if (kind <= PHS_NAME_CUE_STATED)
        for (int taken = 0; taken < 3 && a > *next && is_initial(&tok[a - 1]) && tok[a].start - tok[a - 1].end <= 2;
             taken++)
            a--;
    for (int taken = 0; taken < 2 && b < nt && tok[b - 1].sep == SEP_SPACE && !(tok[b - 1].label & TOK_POSS) &&
                        tok[b].start - tok[b - 1].end == 1 && is_suffix(d, &tok[b]); taken++)
        b++;
    /* Particles and the surname they join after the name ("Ana María López de la Cruz", "Pieter van der Berg"); those
       at the span's end (a run cut at its word limit: "Dr. Pieter Jansen van der Berg") count with them. */
    if (kind <= PHS_NAME_CUE_STATED) {
        int32_t m = b, e = b;
        while (m - 1 > a && tok[m - 1].shape == SHAPE_LOWER && is_particle(d, &tok[m - 1])) m--;
        if (tok[b - 1].sep == SEP_SPACE)
            while (e < nt && e - m < 3 && tok[e].sep == SEP_SPACE && is_particle(d, &tok[e])) e++;
        if (e > m && e < nt && tok[e - 1].sep == SEP_SPACE && is_cap(&tok[e]) && !is_stop(d, &tok[e]) &&
            !is_place(d, &tok[e]))
            b = e + 1;
        else
            b = m; /* particles with no surname after them are no part of the name */
    }
    /* A URL writes a name's spaces as %20 ("name=Duncan%20Bellweather"): capitalised words after it are the name's. */
    while (b < nt && (tok[b - 1].label & TOK_URL_SPACE) && tok[b - 1].sep == SEP_SPACE && is_cap(&tok[b])) b++;
    out[*count].start = tok[a].start;
    out[*count].end = tok[b - 1].end;
    out[*count].kind = kind;
    out[*count].detail = detail;
    (*count)++;
    *next = b;
    return 1;
}

/* Where a "Surname, Given" found at word k starts: before the lower-case particles right in front of it, which are
   the surname's ("de Jager, Pippa M.", "van der Berg, Anouk"), up to three, after `next` (the words searched). Not
   "do" or "op", nor one letter ("e", "y"): words a sentence uses on their own ("do Smith, John first"). */
static int32_t last_first_start(const phs_names *d, const uint8_t *p, const phs_name_token *tok, int32_t k,
                                int32_t next) {
    static const list_word words[] = {LW("do"), LW("op")};
    int32_t a = k;
    while (k - a < 3 && a > next && a > 0 && tok[a - 1].sep == SEP_SPACE && tok[a - 1].shape == SHAPE_LOWER &&
           tok[a].start - tok[a - 1].end == 1 && tok[a - 1].end - tok[a - 1].start >= 2 && is_particle(d, &tok[a - 1]) &&
           !in_list(words, LIST_COUNT(words), p + tok[a - 1].start, (size_t)(tok[a - 1].end - tok[a - 1].start), 0))
        a--;
    return a;
}

/* A cue phrase ends at word k: returns its id (longest first) when the words before it match, else -1. */
static int32_t cue_ending_at(const phs_names *d, const phs_name_token *tok, int32_t k, int64_t slot) {
    for (int32_t c = d->cues.head[slot]; c >= 0; c = d->phrases[c].next) {
        const phrase *ph = &d->phrases[c];
        if (ph->count - 1 > k) continue;
        int ok = 1;
        for (int32_t w = 0; w < ph->count && ok; w++) {
            const phs_name_token *t = &tok[k - (ph->count - 1) + w];
            if (t->hash != ph->words[w]) ok = 0;
            /* Words of a phrase are separated by spaces only. */
            if (w < ph->count - 1 && t->sep != SEP_SPACE) ok = 0;
        }
        if (ok) return c;
    }
    return -1;
}

/* The roster name (longest first) that starts at word k, or -1. */
static int32_t roster_at(const phs_names *d, const phs_name_token *tok, int32_t nt, int32_t k, int64_t slot) {
    for (int32_t r = d->cues.roster[slot]; r >= 0; r = d->roster[r].next) {
        const phrase *ph = &d->roster[r];
        if (k + ph->count > nt) continue;
        int ok = 1;
        for (int32_t w = 0; w < ph->count && ok; w++) {
            if (tok[k + w].hash != ph->words[w]) ok = 0;
            if (w < ph->count - 1 && tok[k + w].sep != SEP_SPACE && tok[k + w].sep != SEP_DOT) ok = 0;
        }
        if (ok) return r;
    }
    return -1;
}

/* Is the word a month, state or place that is also a given name (Jan, April, Georgia, Sydney)? These never start a
   name alone, but do before a surname. */
static inline int calendar_given(const phs_names *d, const phs_name_token *t) {
    int64_t s;
    return (cue_flags(d, t, &s) & PHS_NAME_STOP_GIVEN) != 0;
}

/* Is the word a dictionary name that is no English word (given name or surname)? */
static inline int plain_name(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    uint16_t f = name_flags(d, p, n, t);
    return (f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) && !(f & (PHS_NAME_COMMON | PHS_NAME_WORD));
}

/* Can the capitalised word be one item of a list of names (not a stop word, place word or a common word that is
   no frequent name)? */
static inline int list_item(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    if (!is_cap(t) || t->parts > 2 || is_stop(d, t) || is_place(d, t)) return 0;
    return !(name_flags(d, p, n, t) & PHS_NAME_COMMON);
}

/* Words that make the list after them a list of places, not people ("offices in Boston, Austin and Denver"). */
static inline int place_preposition(const phs_names *d, const phs_name_token *t) {
    int64_t s;
    return (cue_flags(d, t, &s) & PHS_NAME_PLACE_PREP) != 0;
}

/* A list of single capitalised words, "A, B and C" or "A, B, C, or D" (at least three), starting at word k, in which
   at least two words are dictionary names that are no English words and every other word is a dictionary name or
   shaped like a surname the dictionary lacks (a letter outside ASCII, a surname ending), but for one. Returns one past
   its last word, or k. */
static int32_t name_list(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k,
                         int *places) {
    *places = k > 0 && tok[k - 1].sep == SEP_SPACE && place_preposition(d, &tok[k - 1]);
    int32_t m = k, items = 0, named = 0, unknown = 0, unlisted = 0, surnames = 0, last = -1;
    while (m < nt && items < 16) {
        phs_name_token *t = &tok[m];
        if (!list_item(d, p, n, t)) return k;
        items++;
        uint16_t f = name_flags(d, p, n, t);
        if (plain_name(d, p, n, t)) named++;
        else if (f & PHS_NAME_SURNAME) surnames++;
        else if (!(f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) && !surname_shaped(d, p, t)) unknown++;
        unlisted += f == 0;
        if (m == last) break;
        /* "A, " then another item, or "A, and B" / "A and B" to end the list. */
        if (t->sep != SEP_COMMA && t->sep != SEP_SPACE) return k;
        if (m + 1 >= nt) return k;
        phs_name_token *u = &tok[m + 1];
        int64_t uslot;
        if ((cue_flags(d, u, &uslot) & PHS_NAME_LIST_JOIN) && u->shape == SHAPE_LOWER) {
            if (u->sep != SEP_SPACE || m + 2 >= nt) return k;
            last = m + 2;
            m = last;
            continue;
        }
        if (t->sep != SEP_COMMA) return k;
        m++;
    }
    if (last < 0 || m != last || items < 3) return k;
    /* After "in", "at", "near" a list names places: it is passed over whole (no "Surname, Given" inside it). */
    if (*places) return last + 1;
    /* Two plain names and at most one odd word; or every word a surname, at least one of them no English word or
       no listed word at all ("Monjeau, Graves and Reed": the others are surnames that are also English words). */
    int all_surnames = named + surnames + unlisted == items && named + unlisted >= 1 && unlisted <= 1;
    if ((named < 2 || unknown > 1) && !all_surnames) return k;
    /* The last word is not the start of something longer ("and Johnson Controls"). */
    if (tok[last].sep == SEP_SPACE && last + 1 < nt && (is_cap(&tok[last + 1]) || tok[last + 1].shape == SHAPE_UPPER)) return k;
    return last + 1;
}

/* A capitalised word, a middle initial (with or without its dot) and a capitalised surname, starting at word k, when
   the first word is a dictionary given name or the last a dictionary surname or surname-shaped, neither an English
   word. Returns one past the surname, or k. */
static int32_t initial_name(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k) {
    phs_name_token *first = &tok[k], *mid = &tok[k + 1], *last = &tok[k + 2];
    if (mid->shape != SHAPE_ONE || (mid->sep != SEP_SPACE && mid->sep != SEP_DOT)) return k;
    if (!is_cap(last) || (is_stop(d, last) && !stop_surname(d, p, n, tok, nt, k + 2)) || first->parts > 2 ||
        last->parts > 2) return k;
    if (is_place(d, first) || is_place(d, last)) return k;
    uint16_t ff = name_flags(d, p, n, first), lf = name_flags(d, p, n, last);
    /* An English word that no list holds as a name ends it ("Vitamin D Levels"); a name that is also a rare word
       does not (Maria, Mark, Lopez). */
    if (((ff & PHS_NAME_WORD) && !(ff & (PHS_NAME_GIVEN | PHS_NAME_SURNAME))) ||
        ((lf & PHS_NAME_WORD) && !(lf & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)))) return k;
    if ((ff & PHS_NAME_COMMON) && (lf & PHS_NAME_COMMON)) return k;
    int given = (ff & PHS_NAME_GIVEN) && !(ff & PHS_NAME_COMMON);
    int surname = ((lf & PHS_NAME_SURNAME) && !(lf & PHS_NAME_COMMON)) || (!lf && surname_shaped(d, p, last));
    if (!given && !surname) return k;
    /* Without its dot the initial must sit between a given name and a surname ("Vitamin D Levels" is no name). */
    if (mid->sep == SEP_SPACE && !((ff & PHS_NAME_GIVEN) && (surname || (lf & PHS_NAME_SURNAME)))) return k;
    if (place_follows(d, tok, nt, k + 3)) return k;
    return k + 3;
}

/* Is the word a personal pronoun (he, she, her, his, them, ...)? */
static inline int is_pronoun(const phs_names *d, uint64_t h) {
    for (int i = 0; i < 8; i++)
        if (d->pronouns[i] == h) return 1;
    return 0;
}

/* Is word k a possessive determiner (my, his, her, their, our, your) in lower case before the next word? */
static inline int is_possessive(const phs_names *d, const phs_name_token *tok, int32_t k) {
    if (k < 0 || tok[k].shape != SHAPE_LOWER || tok[k].sep != SEP_SPACE) return 0;
    for (int i = 0; i < 6; i++)
        if (d->possessives[i] == tok[k].hash) return 1;
    return 0;
}

/* Is word b a middle initial without its dot that ends a name's value ("Hernandez, Carlos A", "SMITH, JOHN A 3/1";
   not "..., Carlos A was")? */
static inline int initial_ends_value(const phs_name_token *tok, int32_t nt, int32_t b) {
    return b < nt && tok[b].shape == SHAPE_ONE && (b + 1 >= nt || tok[b].sep != SEP_SPACE || tok[b + 1].shape != SHAPE_LOWER);
}

/* Is the word an English word that no name list holds (Contact, Service, Payment)? */
static inline int english_only(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    uint16_t f = name_flags(d, p, n, t);
    return (f & PHS_NAME_WORD) && !(f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME));
}

/* Does the word itself say "name": a dictionary name that is no common word, or a surname's shape (a letter outside
   ASCII, a Gaelic prefix, a surname ending) on a word that is no English word? */
static inline int name_marked(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    uint16_t f = name_flags(d, p, n, t);
    if (f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) return !(f & PHS_NAME_COMMON);
    return !(f & PHS_NAME_WORD) && surname_shaped(d, p, t);
}

/* Does the word hold a byte outside ASCII? tokenize marks it (TOK_NON_ASCII); the search asks of every word. */
static inline int has_non_ascii(const phs_name_token *t) { return (t->label & TOK_NON_ASCII) != 0; }

/* Does the line end at i (nothing but blanks before its line feed or the end of the text)? */
static inline int line_ends_at(const uint8_t *p, size_t n, size_t i) {
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) i++;
    return i == n || p[i] == '\n';
}

/* Does a column break follow position i: two or more spaces, a tab, or a field mark (> | ?) after a space? */
static inline int column_break_at(const uint8_t *p, size_t n, size_t i) {
    size_t sp = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) {
        if (p[i] == '\t') return 1;
        sp++;
        i++;
    }
    if (sp >= 2) return i < n;
    return sp == 1 && i < n && (p[i] == '>' || p[i] == '|' || p[i] == '?');
}

/* Does word k start a record: nothing but marks (> | " * - and spaces, no letter or digit) between it and the start
   of the line (or of the text searched), a '>' or '|' field mark, or a JSON string's opening quote? */
static inline int record_start(const uint8_t *p, const phs_name_token *tok, int32_t k) {
    size_t lo = k > 0 ? (size_t)tok[k - 1].end : 0, i = (size_t)tok[k].start;
    int mark = 0;
    while (i > lo) {
        uint8_t b = p[i - 1];
        if ((uint8_t)(b - '0') < 10) return 0;
        if (b == '>' || b == '|' || b == '"') mark = 1;
        else if (b == '\n') return 1;
        i--;
    }
    return k == 0 || mark;
}

/* Does word k start a sentence: the start of a record, or after . ! ? or a closing quote? */
static inline int sentence_start(const uint8_t *p, const phs_name_token *tok, int32_t k) {
    if (record_start(p, tok, k)) return 1;
    if (k == 0) return 0; /* digits before the first word */
    for (int32_t i = tok[k - 1].end; i < tok[k].start; i++)
        if (p[i] == '.' || p[i] == '!' || p[i] == '?' || p[i] == '"') return 1;
    return 0;
}

enum { CONTACT_REACH = 256, SIGNOFF_MAX = 40 };

/* What the rest of a line (up to CONTACT_REACH bytes) says about the words before `from`: a digit or an e-mail address (a contact record), and
   an e-mail address or a number before a capitalised word (a house number and its street: "3369 24 Clarke Avenue",
   "4844 Søndergade") (an address). */
static void contact_evidence(const uint8_t *p, size_t n, size_t from, int *evidence, int *address) {
    *evidence = *address = 0;
    /* A contact record's details follow its head closely; looking no further keeps a long line linear. */
    size_t end = from + CONTACT_REACH < n ? from + CONTACT_REACH : n;
    for (size_t i = from; i < end && p[i] != '\n' && !*address; i++) {
        if (p[i] == '@') {
            *evidence = *address = 1;
        } else if ((uint8_t)(p[i] - '0') < 10) {
            *evidence = 1;
            size_t e = i;
            while (e < end && (uint8_t)(p[e] - '0') < 10) e++;
            *address = e - i >= 2 && e + 2 < n && p[e] == ' ' && ((uint8_t)(p[e + 1] - 'A') < 26 || p[e + 1] >= 0xC0) &&
                       ((uint8_t)(p[e + 2] - 'a') < 26 || p[e + 2] >= 0x80);
            i = e - 1;
        }
    }
}

/* Is the word a given name that is no English word? */
static inline int given_word(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    uint16_t f = name_flags(d, p, n, t);
    return (f & PHS_NAME_GIVEN) && !(f & (PHS_NAME_COMMON | PHS_NAME_WORD));
}

/* Can the word of another script (SHAPE_NOCASE) start a name: a capital of Greek, Cyrillic or Armenian (their lower-case
   words are common words: "добрый день"), or a letter of a script without case (Arabic, Hebrew, Hangul, Han, ...). */
static int foreign_name_word(const uint8_t *p, size_t n, const phs_name_token *t) {
    uint32_t cp;
    if (t->shape != SHAPE_NOCASE || !utf8_at(p, n, (size_t)t->start, &cp)) return 0;
    if (cp >= 0x0370 && cp < 0x0400) return cp == 0x0386 || (cp >= 0x0388 && cp < 0x0390) || (cp >= 0x0391 && cp < 0x03AC);
    if (cp >= 0x0400 && cp < 0x0530) return cp < 0x0430 || (cp >= 0x0460 && cp < 0x0530 && !(cp & 1));
    if (cp >= 0x0530 && cp < 0x0590) return cp >= 0x0531 && cp < 0x0557;
    return 1;
}

/* Is the line one of English: at least three words in Latin letters among the window's? Counted once per window
   (*latin_words < 0 until then). */
static int english_line(const phs_name_token *tok, int32_t nt, int32_t *latin_words) {
    if (*latin_words < 0) {
        int32_t latin = 0;
        for (int32_t m = 0; m < nt && latin < 3; m++)
            latin += tok[m].shape == SHAPE_CAP || tok[m].shape == SHAPE_LOWER || tok[m].shape == SHAPE_UPPER;
        *latin_words = latin;
    }
    return *latin_words >= 3;
}

/* Two or three words of another script one space apart, each able to start a name, in a line of English (at least three
   words in Latin letters): a name written in its own script ("Рюрик Орлова is a 67-year-old man", "The interpreter,
   Ιουλιανή Καλαϊτζοπούλου, assisted"). One word alone is not enough (a word quoted in another language, a product).
   Returns one past the run, or k. */
static int32_t foreign_run(const uint8_t *p, size_t n, const phs_name_token *tok, int32_t nt, int32_t k,
                           int32_t *latin_words) {
    if (k > 0 && tok[k - 1].shape == SHAPE_NOCASE && tok[k - 1].sep == SEP_SPACE) return k;
    int32_t b = k;
    while (b < nt && b - k < 4 && foreign_name_word(p, n, &tok[b]) && (b == k || tok[b - 1].sep == SEP_SPACE)) b++;
    if (b - k < 2 || b - k > 3 || (b < nt && tok[b - 1].sep == SEP_SPACE && tok[b].shape == SHAPE_NOCASE)) return k;
    return english_line(tok, nt, latin_words) ? b : k;
}

/* A Han character (a CJK unified ideograph of the basic block or extension A) or a precomposed Hangul syllable: 1 or
   2, 0 for anything else. */
static inline int han_or_hangul(uint32_t cp) {
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) return 1;
    return cp >= 0xAC00 && cp <= 0xD7A3 ? 2 : 0;
}

/* A name written in Han or Hangul as one word (김영환, 谢博, 欧阳娜娜) in a line of English, right after a word that
   sends, addresses or concerns someone ("Forward this to 윤은영", "a letter for 이숙자:", "The SSN for 김영환 is",
   "cc 谢博", "noted that 王玉英 prefers", "failed to match 武健 to"), or opening a sentence before a verb only a
   person takes ("徐龙 missed her appointment"): two to four characters of one script, the first one or two a listed
   surname (script_surnames: the common Chinese and Korean surnames), no other word of a script without case beside
   it (a sentence in that language). Not after any other word ("I love 東京 trips": 東 is a surname too), nor before
   "is" or "was" ("北京 is big"). Returns k + 1 or k. */
static int32_t script_surname_word(const phs_names *d, const uint8_t *p, size_t n, const phs_name_token *tok, int32_t nt,
                                   int32_t k, int32_t *latin_words) {
    static const list_word before[] = {LW("to"), LW("for"), LW("with"), LW("cc"), LW("from"), LW("by"), LW("and"),
                                       LW("or"), LW("about"), LW("ask"), LW("tell"), LW("call"), LW("email"),
                                       LW("text"), LW("contact"), LW("meet"), LW("see"), LW("saw"), LW("visit"),
                                       LW("thank"), LW("thanks"), LW("attn"), LW("re"), LW("that"), LW("match"),
                                       LW("matched"), LW("patient"), LW("pt")};
    /* Or a sentence's subject: the word opens the line or follows a sentence's end, and a verb that only a person
       takes follows ("樊桂珍 missed her appointment"; not "北京 is big", "東京 was fun"). */
    static const list_word person_verbs[] = {LW("missed"), LW("prefers"), LW("preferred"), LW("called"),
                                             LW("said"), LW("says"), LW("needs"), LW("wants"), LW("reported"),
                                             LW("reports"), LW("complains"), LW("denies"), LW("asked"), LW("agreed"),
                                             LW("declined"), LW("arrived"), LW("presented"), LW("cancelled"),
                                             LW("canceled"), LW("requested"), LW("scheduled"), LW("rescheduled"),
                                             LW("signed"), LW("paid"), LW("emailed"), LW("texted")};
    const phs_name_token *t = &tok[k], *w = k > 0 ? &tok[k - 1] : NULL;
    int cued = w && (w->sep == SEP_SPACE || w->sep == SEP_COLON) && t->start - w->end <= 2 &&
               (w->shape == SHAPE_CAP || w->shape == SHAPE_LOWER || w->shape == SHAPE_UPPER) &&
               in_list(before, LIST_COUNT(before), p + w->start, (size_t)(w->end - w->start), 1);
    if (!cued) {
        const phs_name_token *v = k + 1 < nt ? &tok[k + 1] : NULL;
        int opens = !w || w->sep == SEP_DOT || w->sep == SEP_OTHER;
        if (!opens || !v || t->sep != SEP_SPACE || v->shape != SHAPE_LOWER ||
            !in_list(person_verbs, LIST_COUNT(person_verbs), p + v->start, (size_t)(v->end - v->start), 0))
            return k;
    }
    if (k + 1 < nt && t->sep == SEP_SPACE && tok[k + 1].shape == SHAPE_NOCASE) return k;
    if (k >= 2 && tok[k - 2].shape == SHAPE_NOCASE) return k;
    int script = 0, chars = 0;
    size_t first = 0, second = 0;
    for (size_t i = (size_t)t->start; i < (size_t)t->end;) {
        uint32_t cp;
        int len = utf8_at(p, n, i, &cp);
        int s = len ? han_or_hangul(cp) : 0;
        if (!s || (script && s != script)) return k;
        script = s;
        i += (size_t)len;
        if (++chars == 1) first = i; else if (chars == 2) second = i;
    }
    if (chars < 2 || chars > 4) return k;
    int ok, ok2;
    uint64_t h1 = fold_hash(p, n, (size_t)t->start, first, &ok), h2 = fold_hash(p, n, (size_t)t->start, second, &ok2);
    int64_t s1 = ok && h1 ? table_find(&d->cues, h1) : -1, s2 = ok2 && h2 && chars >= 3 ? table_find(&d->cues, h2) : -1;
    if (!(s1 >= 0 && (d->cues.flags[s1] & PHS_NAME_SCRIPT_SURNAME)) && !(s2 >= 0 && (d->cues.flags[s2] & PHS_NAME_SCRIPT_SURNAME)))
        return k;
    return english_line(tok, nt, latin_words) ? k + 1 : k;
}

/* The name heading a contact record, at the start of a record: two to four capitalised words (initials and
   particles between them) one space apart and ended by a column break ("Satu Elomo  45818 P.O. Box 242",
   ">Esat Jeknić >Marshall ...", "Julieta S Almeida  Staff development"), none an English word that is no name; two
   of them marked as names, or one and an address further on (or a digit, when a given name comes first), or none
   known to any dictionary and an address. Without
   a column break, a given name and a marked surname before the firm's name on a line with a digit ("Allan Björk Scale
   Unlimited Unit 5022"). In lower case ("bertram m. jørgensen  soldier  phone: 434 14 557") a word must be written
   outside ASCII and the line must go on to a digit or an e-mail address. Returns one past the last word, or k. */
static int32_t record_head(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k) {
    if (!record_start(p, tok, k)) return k;
    int lower = tok[k].shape == SHAPE_LOWER;
    /* In lower case only when written partly outside ASCII (the front end searches every such line, and lower-case
       words are no candidates of their own). */
    if (lower) {
        int any = 0;
        for (int32_t m = k; m < nt && m < k + 4 && !any; m++) any = has_non_ascii(&tok[m]);
        if (!any) return k;
    }
    int32_t j = k, words = 0, marked = 0, unknown = 0, column = 0;
    while (j < nt && j - k < 5) {
        phs_name_token *t = &tok[j];
        int initial = j > k && t->end - t->start == 1 && (t->shape == SHAPE_ONE || (lower && t->shape == SHAPE_LOWER));
        if (initial || (j > k && is_particle(d, t))) {
            /* a middle initial or a particle */
        } else if ((lower ? t->shape == SHAPE_LOWER : is_cap(t)) && !is_stop(d, t) && !is_place(d, t) && t->parts <= 2 &&
                   !english_only(d, p, n, t)) {
            uint16_t f = name_flags(d, p, n, t);
            if (lower && j == k && (f & (PHS_NAME_COMMON | PHS_NAME_WORD))) return k;
            words++;
            marked += name_marked(d, p, n, t);
            unknown += f == 0;
        } else if (!lower && j >= k + 2 && tok[j - 1].end - tok[j - 1].start == 1 && is_cap(t) && !is_stop(d, t) &&
                   !is_place(d, t) && t->parts <= 2 && given_word(d, p, n, &tok[k])) {
            /* After a given name and a middle initial, an English word is the surname ("Lelah I Larkspur"). */
            words++;
            unknown++;
        } else {
            break;
        }
        j++;
        size_t end = (size_t)t->end;
        if (initial && end < n && p[end] == '.') end++;
        if (column_break_at(p, n, end)) { column = 1; break; }
        /* Words of the head are one space apart. */
        if (j >= nt || tok[j].start - (int32_t)end != 1 || p[end] != ' ') break;
    }
    /* Every cheap test first: the evidence is read from the rest of the line, and every JSON string starts a record. */
    int given_first = given_word(d, p, n, &tok[k]);
    int evidence, address;
    /* The head alone on its line: a contact card's or a letter's first line ("Philippe Guernon", ">Stephan M Urner",
       "Maika van de Noort"). Every word a name or a word no list holds, at least one a name, and the first a given
       name, the last a name, or an initial between them. */
    if (!column && !lower && j >= nt && j - k <= 4 && words >= 2 && tok[j - 1].end - tok[j - 1].start > 1 &&
        line_ends_at(p, n, (size_t)tok[j - 1].end)) {
        int initial = 0;
        for (int32_t m = k + 1; m < j - 1 && !initial; m++) initial = tok[m].end - tok[m].start == 1;
        /* A town ("Porto Alegre", "Mogyorósbánya Hungary"): every word a place's, or the last one a place's only. */
        uint16_t last = name_flags(d, p, n, &tok[j - 1]), all = PHS_NAME_PLACE_NAME;
        for (int32_t m = k; m < j; m++)
            if (tok[m].end - tok[m].start > 1 && !is_particle(d, &tok[m])) all &= name_flags(d, p, n, &tok[m]);
        if (all || ((last & PHS_NAME_PLACE_NAME) && !(last & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)))) return k;
        if (marked >= 2 && marked + unknown == words) return j;
        if (marked >= 1 && marked + unknown == words &&
            (given_first || initial || ((last & PHS_NAME_SURNAME) && name_marked(d, p, n, &tok[j - 1]))))
            return j;
        return k;
    }
    if (!column) {
        if (lower || !given_first || k + 2 >= nt || tok[k + 1].start - tok[k].end != 1 || !is_cap(&tok[k + 1]) ||
            tok[k + 1].sep != SEP_SPACE || is_stop(d, &tok[k + 1]) || is_place(d, &tok[k + 1]) ||
            !name_marked(d, p, n, &tok[k + 1]))
            return k;
        contact_evidence(p, n, (size_t)tok[k + 1].end, &evidence, &address);
        return evidence ? k + 2 : k;
    }
    if (j - k > 4 || words < 2 || tok[j - 1].end - tok[j - 1].start == 1) return k;
    if (marked >= 2 && !lower) return j;
    if (marked == 0 && unknown != words) return k;
    contact_evidence(p, n, (size_t)tok[j - 1].end, &evidence, &address);
    if (!(marked >= 2 || (marked >= 1 && (address || (given_first && evidence))) || (address && unknown == words)))
        return k;
    if (lower && !evidence) return k;
    return j;
}

/* Does the word stand in code: a call or a type ("Proto(", "x: Proto)", ".Proto", "= Proto")? */
static inline int in_code(const uint8_t *p, size_t n, const phs_name_token *t) {
    if ((size_t)t->end < n && p[t->end] == '(') return 1;
    size_t i = (size_t)t->start;
    while (i > 0 && p[i - 1] == ' ') i--;
    return i > 0 && (p[i - 1] == '.' ? i == (size_t)t->start : p[i - 1] == '=' || (p[i - 1] == ':' && i < (size_t)t->start &&
                     (size_t)t->end < n && (p[t->end] == ')' || p[t->end] == ',' || p[t->end] == ']')));
}

/* Is the word next to word k (spaces, commas, brackets or '>' between) a country's or a large city's name that is no
   person's name ("Beder, Denmark", "Cyprus (Greek)")? */
static inline int place_beside(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                               int32_t k) {
    for (int side = -1; side <= 1; side += 2) {
        int32_t m = k + side;
        if (m < 0 || m >= nt) continue;
        int32_t lo = side < 0 ? tok[m].end : tok[k].end, hi = side < 0 ? tok[k].start : tok[m].start;
        int plain = hi - lo <= 4;
        for (int32_t i = lo; i < hi && plain; i++)
            plain = p[i] == ' ' || p[i] == ',' || p[i] == '(' || p[i] == ')' || p[i] == '>';
        if (!plain || !(is_cap(&tok[m]) || tok[m].shape == SHAPE_UPPER)) continue;
        uint16_t f = name_flags(d, p, n, &tok[m]);
        if ((f & PHS_NAME_PLACE_NAME) && !(f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME))) return 1;
    }
    return 0;
}

/* Two capitalised words, one space apart, that no dictionary holds as English words, the second a surname (from the
   dictionary or by its shape) or the first written with letters outside ASCII ("Weronika Martinsen", "Irenke Sörös",
   "Mohsin Wilmsen"): no capitalised word right before or after them, no place word after, not after in/at/near.
   Returns k + 2, or k. */
static int32_t foreign_pair(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k) {
    if (k + 1 >= nt) return k;
    phs_name_token *a = &tok[k], *b = &tok[k + 1];
    if (!is_cap(a) || !is_cap(b) || a->sep != SEP_SPACE || b->start - a->end != 1 || (a->label & TOK_POSS)) return k;
    if (a->parts > 2 || b->parts > 2 || is_stop(d, a) || is_stop(d, b) || is_place(d, a) || is_place(d, b)) return k;
    if (k > 0 && tok[k - 1].sep == SEP_SPACE && tok[k].start - tok[k - 1].end == 1 &&
        (is_cap(&tok[k - 1]) || tok[k - 1].shape == SHAPE_UPPER || place_preposition(d, &tok[k - 1])))
        return k;
    if (b->sep == SEP_SPACE && k + 2 < nt && tok[k + 2].start - b->end == 1 &&
        (is_cap(&tok[k + 2]) || tok[k + 2].shape == SHAPE_UPPER || is_place(d, &tok[k + 2])))
        return k;
    uint16_t af = name_flags(d, p, n, a), bf = name_flags(d, p, n, b);
    if ((af | bf) & (PHS_NAME_WORD | PHS_NAME_COMMON)) return k;
    /* A place: both words of a city's name, or a country after the first ("Porto Alegre", "Mogyorósbánya Hungary"). */
    if (((af & bf) & PHS_NAME_PLACE_NAME) || ((bf & PHS_NAME_PLACE_NAME) && !(bf & (PHS_NAME_GIVEN | PHS_NAME_SURNAME))))
        return k;
    /* A street: a house number right before or after ("808 Kálmán Imre u. 12", "C/ Señores Curas 88"). */
    if (number_beside(p, n, a->start, b->end)) return k;
    int second = name_marked(d, p, n, b);
    if (!second && !(has_non_ascii(a) && bf == 0)) return k;
    return k + 2;
}

/* Is word a, one word after the greeting at k (Dear, Hi, Hello, Hey), the person greeted: capitalised, no word any
   list holds as English, a stop word or a place's name, then a comma, '!' or the line's end ("Dear Çağla,", "Hi
   Zorblat!"; not "Dear Team," or "Hello World")? */
static int is_greeting(const uint8_t *p, const phs_name_token *g) {
    static const list_word greetings[] = {LW("dear"), LW("hi"), LW("hello"), LW("hey")};
    return in_list(greetings, LIST_COUNT(greetings), p + g->start, (size_t)(g->end - g->start), 1);
}

/* The word after a greeting ends the greeting: a comma, "!", or the line's end follows it. */
static inline int greeting_ends(const uint8_t *p, size_t n, int32_t nt, int32_t a, const phs_name_token *t) {
    size_t e = (size_t)t->end;
    return (e < n && (p[e] == ',' || p[e] == '!')) || (a + 1 == nt && line_ends_at(p, n, e));
}

static int salutation_name(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k,
                           int32_t a) {
    const phs_name_token *t = &tok[a];
    if (!is_greeting(p, &tok[k]) || !is_cap(t) || t->parts > 2 || is_stop(d, t) || is_place(d, t)) return 0;
    if (name_flags(d, p, n, &tok[a]) != 0) return 0;
    return greeting_ends(p, n, nt, a, t);
}

/* "Hi April,", "Dear Georgia,", "hey Sydney, can you", "Hi Dale,", "Hello Jasmine!": after a greeting, a given name
   that the cue's own run does not take (a month, state or city, a place word, a frequent English word), ending the
   greeting. The same after "Okay," or "Thanks," when a sentence mark or a comma ends the name ("Okay, Carolina. I can
   help", "Thanks, Dale!"; not "Thanks, Will do", "Okay, Google"). Never a word that starts no name (Siri). */
static int greeting_given(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k,
                          int32_t a) {
    static const list_word openers[] = {LW("okay"), LW("thanks")};
    phs_name_token *t = &tok[a], *c = &tok[k];
    int greeting = is_greeting(p, c);
    int opener = !greeting && c->sep == SEP_COMMA && a == k + 1 &&
                 in_list(openers, LIST_COUNT(openers), p + c->start, (size_t)(c->end - c->start), 1);
    if (!(greeting || opener) || !is_cap(t) || t->parts != 1 || (is_stop(d, t) && !calendar_given(d, t))) return 0;
    if (!(name_flags(d, p, n, t) & PHS_NAME_GIVEN)) return 0;
    if (greeting) return greeting_ends(p, n, nt, a, t);
    size_t e = (size_t)t->end;
    if (e >= n || !(p[e] == '.' || p[e] == ',' || p[e] == '!' || p[e] == '?')) return 0;
    /* "Okay, Carolina." ends a sentence: a space, a quote or the line's end after the mark (not "Okay, Next.js"). */
    return e + 1 >= n || p[e + 1] == ' ' || p[e + 1] == '"' || p[e + 1] == '\\' || line_ends_at(p, n, e + 1);
}

/* Does a greeting's or sign-off's name end at byte e: a comma, "!", ":", the line's end, a JSON string's closing quote
   or an escaped line feed ("Dear Sterling Silver,", "Thanks, Autumn Wells\"}")? */
static inline int greeting_closed_at(const uint8_t *p, size_t n, size_t e) {
    if (e < n && (p[e] == ',' || p[e] == '!' || p[e] == ':' || p[e] == '"')) return 1;
    if (e + 1 < n && p[e] == '\\' && p[e + 1] == 'n') return 1;
    return line_ends_at(p, n, e);
}

/* Two capitalised words that are common English words as well as a dictionary given name and a dictionary surname
   (Rose Hill, Sterling Silver, Autumn Wells, Drew Swift), after a cue word that introduces a person: without a cue
   they stay words ("Will Power and Faith Hope"). After a greeting or sign-off word (Dear, Hi, Hello, Hey, Thanks)
   the greeting must end with them ("Dear Summer Fields,", "Thanks, Autumn Wells"); after any other such cue ("ask
   Rose Hill to sign", "patient Faith Hope was seen") a lower-case word or a sentence mark must follow. Never before a
   third capitalised word ("Dear Rose Hill Clinic") or a number ("Rose Hill 12"). Returns the end (a + 2) or -1. */
static int32_t common_word_pair(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                                int32_t k, int32_t a) {
    if (a + 1 >= nt) return -1;
    phs_name_token *g = &tok[a], *s = &tok[a + 1];
    if (!is_cap(g) || !is_cap(s) || g->sep != SEP_SPACE || s->start - g->end != 1 || g->parts > 1 || s->parts > 2)
        return -1;
    uint16_t gf = name_flags(d, p, n, g), sf = name_flags(d, p, n, s);
    if (!(gf & PHS_NAME_GIVEN) || !(sf & PHS_NAME_SURNAME)) return -1;
    /* A word that starts no name (Santa, Saint, New) opens a place: "ask Santa Clara"; a month that is also a given
       name may open one ("Dear June Summers,"). */
    if (is_stop(d, g) && !calendar_given(d, g)) return -1;
    size_t e = (size_t)s->end;
    /* A number right before the words, or right after them ("12 Rose Hill", "Rose Hill 12"); after a comma it is the
       next item, such as the person's address ("a letter to Faith Hope, 12 Elm St"). */
    if (number_before(p, g->start) || number_after(p, n, s->end, 0)) return -1;
    if (a + 2 < nt && s->sep == SEP_SPACE && (is_cap(&tok[a + 2]) || tok[a + 2].shape == SHAPE_UPPER)) return -1;
    const phs_name_token *c = &tok[k];
    if (is_greeting(p, c) || (c->end - c->start == 6 && ascii_fold_equal(p + c->start, "thanks", 6)))
        return greeting_closed_at(p, n, e) ? a + 2 : -1;
    /* A street's own suffix after a word is a street ("call Park Lane", "ask Bay Road"), not a surname as Hill, Wells
       or Fields may be. */
    if (street_suffix_word(p, (size_t)s->start, (size_t)s->end, 0)) return -1;
    if (e >= n) return a + 2;
    if (p[e] == '.' || p[e] == ',' || p[e] == ';' || p[e] == ':' || p[e] == '!' || p[e] == '?' || p[e] == '"' ||
        p[e] == ')')
        return a + 2;
    return s->sep == SEP_SPACE && a + 2 < nt && tok[a + 2].shape == SHAPE_LOWER ? a + 2 : -1;
}

/* Is word a (after the preposition at a - 1) a country's or state's word (the residence cues' not-cities list) after
   a word of travel or comparison at w ("travel to Jordan", "flew to Georgia", "compare to Chad")? */
static int travel_before(const phs_names *d, const uint8_t *p, const phs_name_token *tok, int32_t w, int32_t a) {
    static const list_word words[] = {
        LW("travel"), LW("traveling"), LW("travelling"), LW("traveled"), LW("travelled"), LW("trip"), LW("flight"),
        LW("fly"), LW("flying"), LW("flew"), LW("visit"), LW("visiting"), LW("visited"), LW("moved"), LW("move"),
        LW("moving"), LW("relocate"), LW("relocated"), LW("compare"), LW("compared"), LW("compares"), LW("vacation"),
        LW("holiday"), LW("go"), LW("going"), LW("went"), LW("return"), LW("returning"), LW("returned"), LW("back"),
        LW("immigrated"), LW("emigrated"), LW("deployed"), LW("deployment"), LW("mission"), LW("exported"),
        LW("shipped")};
    int64_t slot;
    if (!(cue_flags(d, &tok[a], &slot) & PHS_NAME_NOT_CITY)) return 0;
    return in_list(words, LIST_COUNT(words), p + tok[w].start, (size_t)(tok[w].end - tok[w].start), 1);
}

/* Words after a name at the start of a sentence that make it the person addressed ("Warrane, can I ..."). */
static inline int addressed_follow(const uint8_t *p, const phs_name_token *t) {
    static const list_word words[] = {LW("can"), LW("could"), LW("would"), LW("will"), LW("please"), LW("do"),
                                      LW("did"), LW("have"), LW("are")};
    if (t->shape != SHAPE_LOWER) return 0;
    return in_list(words, LIST_COUNT(words), p + t->start, (size_t)(t->end - t->start), 0);
}

/* Is word k a speaker's label in a dialogue ("Nicole: Remember me")? A capitalised word at the start of a sentence
   with a colon right after it and a word after that. */
static inline int speaker_label(const uint8_t *p, const phs_name_token *tok, int32_t nt, int32_t k) {
    const phs_name_token *t = &tok[k];
    return is_cap(t) && (t->label & TOK_COLON) && t->parts == 1 && k + 1 < nt && sentence_start(p, tok, k);
}

/* Does the line starting at ls (up to le) start with a speaker's label: a capitalised word, then a colon right after it
   ("Destiny: Remember me", "Ubul:")? Only the shape, no dictionary. */
static inline int speaker_shape(const uint8_t *p, size_t ls, size_t le) {
    while (ls < le && (p[ls] == ' ' || p[ls] == '\t')) ls++;
    if (ls >= le || !((uint8_t)(p[ls] - 'A') < 26 || p[ls] >= 0xC0)) return 0;
    size_t e = ls + 1;
    while (e < le && e - ls <= MAX_WORD && (is_ascii_letter(p[e]) || p[e] >= 0x80 || p[e] == '\'' || p[e] == '-')) e++;
    return e < le && p[e] == ':';
}

/* A speaker any reader takes for a person: a given name that is no English word. */
static inline int named_speaker(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                                int32_t k) {
    if (!speaker_label(p, tok, nt, k) || is_stop(d, &tok[k])) return 0;
    uint16_t f = name_flags(d, p, n, &tok[k]);
    return (f & PHS_NAME_GIVEN) && !(f & (PHS_NAME_COMMON | PHS_NAME_WORD));
}

static inline int newline_between(const uint8_t *p, const phs_name_token *a, const phs_name_token *b) {
    return memchr(p + a->end, '\n', (size_t)(b->start - a->end)) != NULL;
}

/* How far (bytes) from a speaker another speaker of the same dialogue is looked for. */
enum { DIALOGUE_REACH = 512 };

/* Is another word of word k's line, within DIALOGUE_REACH bytes, a named speaker? */
static int named_speaker_in_line(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                                 int32_t k) {
    for (int32_t m = k - 1; m >= 0 && tok[k].start - tok[m].start <= DIALOGUE_REACH &&
                            !newline_between(p, &tok[m], &tok[m + 1]); m--)
        if (named_speaker(d, p, n, tok, nt, m)) return 1;
    for (int32_t m = k + 1; m < nt && tok[m].start - tok[k].start <= DIALOGUE_REACH &&
                            !newline_between(p, &tok[m - 1], &tok[m]); m++)
        if (named_speaker(d, p, n, tok, nt, m)) return 1;
    return 0;
}

/* Is the lower-case word a stop word, particle, place word or the end of a cue (never part of a lower-case name)? */
static inline int lower_function_word(const phs_names *d, const phs_name_token *t) {
    int64_t s;
    return (cue_flags(d, t, &s) & (PHS_NAME_STOP | PHS_NAME_PARTICLE | PHS_NAME_PLACE | PHS_NAME_CUE_END)) != 0;
}

/* Can the lower-case word be part of a name in a line written without capitals: a dictionary name that is no
   frequent English word, no stop word, particle, cue or place word? Returns its flags, or 0. */
static uint16_t lower_name_word(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    if (t->shape != SHAPE_LOWER || t->parts > 2 || t->end - t->start < 2 || lower_function_word(d, t)) return 0;
    uint16_t f = name_flags(d, p, n, t);
    return (f & PHS_NAME_COMMON) ? 0 : f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME | PHS_NAME_WORD | PHS_NAME_PLACE_NAME);
}

/* A lower-case word that no list holds at all (not even as an English word) and that is no cue, stop or place word:
   in a line written without capitals it may be a name the dictionary lacks ("emidio p lombardo", "žilková"). */
static int lower_unlisted(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    if (t->shape != SHAPE_LOWER || t->parts != 1 || t->end - t->start < 3 || lower_function_word(d, t)) return 0;
    return name_flags(d, p, n, t) == 0;
}

/* In a line written without capitals (chat typed in lower case): a given name, an optional middle initial and a
   surname, at most one of them also an English word ("follow up with patricia desrosiers", "benjamin a seiler";
   not "mark down", "bill gates" stays as both are words). Returns one past the surname, or k. */
static int32_t lower_pair(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k) {
    phs_name_token *g = &tok[k];
    if (g->sep != SEP_SPACE || k + 1 >= nt) return k;
    uint16_t gf = lower_name_word(d, p, n, g);
    int given_unlisted = !(gf & PHS_NAME_GIVEN);
    if (given_unlisted && !lower_unlisted(d, p, n, g)) return k;
    int32_t s = k + 1;
    if (tok[s].shape == SHAPE_LOWER && tok[s].end - tok[s].start == 1 && (tok[s].sep == SEP_SPACE || tok[s].sep == SEP_DOT) &&
        s + 1 < nt)
        s++;
    phs_name_token *sn = &tok[s];
    uint16_t sf = lower_name_word(d, p, n, sn);
    /* A surname the dictionary lacks, shaped like one (written partly outside ASCII, a surname ending), after a
       given name that is no English word ("monika žilková"); a given name the dictionary lacks only with a middle
       initial before a surname that is no English word ("emidio p lombardo"). */
    int surname_unlisted = !(sf & PHS_NAME_SURNAME) && lower_unlisted(d, p, n, sn) &&
                           (surname_shaped(d, p, sn) || s > k + 1); /* "leidy t muris" */
    if (!(sf & PHS_NAME_SURNAME) && !surname_unlisted) return k;
    if (surname_unlisted && (given_unlisted || (gf & PHS_NAME_WORD))) return k;
    /* (The initial not "a" or "i", which are words: "reindent a multi-line statement".) */
    if (given_unlisted && (s == k + 1 || (sf & PHS_NAME_WORD) || sn->parts != 1 || p[tok[k + 1].start] == 'a' ||
                           p[tok[k + 1].start] == 'i'))
        return k;
    /* Not the same word twice, not code ("capa capa()", "x=maria lopez"); no word of two letters (a long line cut
       inside "brown fox" leaves "brown fo"). */
    if (sn->hash == g->hash || in_code(p, n, g) || in_code(p, n, sn) || g->end - g->start < 3 ||
        sn->end - sn->start < 3) return k;
    /* Both also English words ("john smith", "brown rice"): only right after a cue that introduces a person
       ("email john smith", "follow up with bill gates"), not after a plain preposition. */
    if ((gf & PHS_NAME_WORD) && (sf & PHS_NAME_WORD)) {
        int64_t slot;
        int32_t c = k > 0 && tok[k - 1].sep == SEP_SPACE && (cue_flags(d, &tok[k - 1], &slot) & PHS_NAME_CUE_END)
                        ? cue_ending_at(d, tok, k - 1, slot) : -1;
        if (c < 0 || d->phrases[c].kind == PHS_NAME_CUE_GIVEN) return k;
    }
    /* No place word after it ("jackson heights"). */
    if (place_follows(d, tok, nt, s + 1)) return k;
    return s + 1;
}

/* In a line written without capitals, a list of three or more given names ("they had 6: silvana, adam, kristina and
   caleb"), at least two of them no English word. Returns one past its last word, or k. */
static int32_t lower_list(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t k) {
    if (tok[k].sep != SEP_COMMA || (k > 0 && tok[k - 1].sep == SEP_COMMA)) return k;
    int32_t m = k, items = 0, plain = 0, unlisted = 0;
    while (m < nt && items < 16) {
        uint16_t f = lower_name_word(d, p, n, &tok[m]);
        /* One name no list holds among them ("leonti, terrence, pamela and brian"). */
        if (!(f & PHS_NAME_GIVEN) &&
            !(unlisted++ == 0 && (((f & PHS_NAME_SURNAME) && !(f & PHS_NAME_WORD)) || lower_unlisted(d, p, n, &tok[m]))))
            return k;
        items++;
        plain += !(f & PHS_NAME_WORD);
        phs_name_token *t = &tok[m];
        if (t->sep == SEP_COMMA && m + 1 < nt) { m++; continue; }
        if (t->sep == SEP_SPACE && m + 2 < nt && tok[m + 1].sep == SEP_SPACE) {
            int64_t js;
            if (cue_flags(d, &tok[m + 1], &js) & PHS_NAME_LIST_JOIN) {
                uint16_t lf = lower_name_word(d, p, n, &tok[m + 2]);
                if (!(lf & PHS_NAME_GIVEN)) return k;
                items++;
                plain += !(lf & PHS_NAME_WORD);
                m += 2;
                break;
            }
        }
        return k;
    }
    if (items < 3 || plain - unlisted < 2) return k;
    /* "..., kristina, chad and caleb" must end there, not run on into more name words. */
    if (tok[m].sep == SEP_SPACE && m + 1 < nt && lower_name_word(d, p, n, &tok[m + 1])) return k;
    return m + 1;
}

/* Where the lower-case shapes (lower_pair, lower_list) apply in a line: the whole line when it holds no capital, or
   else its quoted strings that hold none ("content":"hey can you email maria gonzalez" in a JSON chat line whose
   other messages are capitalised), at most LOWER_SPANS_MAX of them. */
#define LOWER_SPANS_MAX 16
/* The shortest line or quoted string the lower-case shapes are looked for in. */
#define LOWER_LINE_MIN 5
typedef struct {
    int whole;
    int32_t count;
    uint32_t start[LOWER_SPANS_MAX], end[LOWER_SPANS_MAX];
} lower_spans;

/* Fills *ls for the line p[0..n): its quoted strings (a backslash escapes the byte after it inside one) with no
   capital and a space, so the ones where a name of two words can stand. */
static void find_lower_spans(const uint8_t *p, size_t n, lower_spans *ls) {
    ls->whole = 1;
    ls->count = 0;
    for (size_t i = 0; i < n && ls->whole; i++) ls->whole = (uint8_t)(p[i] - 'A') >= 26;
    if (ls->whole) return;
    const uint8_t *q = memchr(p, '"', n);
    while (q && ls->count < LOWER_SPANS_MAX) {
        size_t a = (size_t)(q - p) + 1, i = a;
        int upper = 0, space = 0;
        while (i < n && p[i] != '"') {
            upper |= (uint8_t)(p[i] - 'A') < 26;
            space |= p[i] == ' ';
            i += p[i] == '\\' ? 2 : 1;
        }
        if (i >= n) return;
        if (!upper && space && i - a >= LOWER_LINE_MIN) {
            ls->start[ls->count] = (uint32_t)a;
            ls->end[ls->count++] = (uint32_t)i;
        }
        q = i + 1 < n ? memchr(p + i + 1, '"', n - i - 1) : NULL;
    }
}

/* Do the lower-case shapes apply at byte pos of the line? */
static inline int lower_at(const lower_spans *ls, size_t pos) {
    if (ls->whole) return 1;
    for (int32_t i = 0; i < ls->count; i++)
        if (pos >= ls->start[i] && pos < ls->end[i]) return 1;
    return 0;
}

/* Is the capitalised word t a town name's first word that names no town alone (East Mark, New Sherry, Port Crystal)? */
static int town_prefix(const uint8_t *p, const phs_name_token *t) {
    static const list_word words[] = {LW("north"), LW("south"), LW("east"), LW("west"), LW("new"), LW("lake"),
                                      LW("port"), LW("fort"), LW("mount"), LW("saint")};
    if (t->shape != SHAPE_CAP) return 0;
    return in_list(words, LIST_COUNT(words), p + t->start, (size_t)(t->end - t->start), 1);
}

/* Is t "St", "Mt" or "Ft" with its dot, inside a town's name (Port St. Lucie, Lake St. Louis)? */
static int town_abbreviation(const uint8_t *p, const phs_name_token *t) {
    static const list_word words[] = {LW("st"), LW("mt"), LW("ft")};
    return t->shape == SHAPE_CAP && t->sep == SEP_DOT &&
           in_list(words, LIST_COUNT(words), p + t->start, (size_t)(t->end - t->start), 1);
}

/* After a residence cue ("lives in", "grew up in", "originally from"): one to three words, capitalised, in capitals
   or of a script without case, with particles between them (Soto del Barco), joined by spaces. A city when one names
   no place larger than a city (not_cities: Texas, New Zealand), never starts a name without a cue (a month, "New"),
   is no place word (Street, County) and is no plain English word ("moved to Production", "lives in Assisted
   Living"); else no city (a country or state stays). Returns the run's end, or a. */
static int32_t place_run(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t a) {
    int32_t b = a, words = 0, city = 0;
    while (b < nt && words < 3) {
        phs_name_token *t = &tok[b];
        if (t->shape == SHAPE_CAP || t->shape == SHAPE_UPPER || t->shape == SHAPE_NOCASE) {
            words++;
            int64_t slot;
            uint16_t cf = cue_flags(d, t, &slot);
            uint16_t f = name_flags(d, p, n, t);
            /* An English word, or a name that is one too (Living, Mill), even in a big city's name (Maple, Grove),
               unless English dictionaries list it capitalised. */
            int plain = (f & (PHS_NAME_WORD | PHS_NAME_COMMON)) && !(f & PHS_NAME_PROPER);
            if (!(cf & (PHS_NAME_NOT_CITY | PHS_NAME_STOP | PHS_NAME_PLACE)) && !plain && t->hash) city = 1;
            /* A person's name after a town's first word is a town even when it is an English word too (lives in
               East Mark, New Hope, Port Crystal); not a state's or a country's word (New Jersey, South Africa). */
            if (words == 2 && b == a + 1 && tok[a].sep == SEP_SPACE && town_prefix(p, &tok[a]) &&
                t->shape == SHAPE_CAP && (f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) &&
                !(cf & (PHS_NAME_NOT_CITY | PHS_NAME_STOP | PHS_NAME_PLACE)) && t->hash)
                city = 1;
            /* The same after "St.", "Mt.", "Ft." inside the name (Port St. Lucie). */
            if (b > a && town_abbreviation(p, &tok[b - 1]) && t->shape == SHAPE_CAP &&
                (f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) && !(cf & (PHS_NAME_NOT_CITY | PHS_NAME_STOP)) && t->hash)
                city = 1;
        } else if (!(b > a && b + 1 < nt && t->shape == SHAPE_LOWER && is_particle(d, t) &&
                     (tok[b + 1].shape == SHAPE_CAP || tok[b + 1].shape == SHAPE_UPPER))) {
            break;
        }
        b++;
        /* A town's "St." goes on to the next capitalised word; any other mark ends the run. */
        if (t->sep != SEP_SPACE && !(town_abbreviation(p, t) && b < nt && tok[b].shape == SHAPE_CAP)) break;
    }
    return city ? b : a;
}

/* "Surname, Given" at word k (not inside a comma-separated list): the end of the name (after an initial that
   follows the given name), or -1. The surname a dictionary surname that is no common word, the given name a
   dictionary given name that is no common word and no stop word. With `stop_surname` the surname is a stop word
   (a state or country word that is also a surname: Washington, Marshall), and the given name must be no English
   word at all ("Washington, Eric"; not "Washington, State"). A surname no list holds, not even as an English word,
   counts at a sentence's start when that given name is no English word either and a lower-case word or the end
   follows ("Pottier, Gabrielle was admitted"; not "Pottier, Gabrielle, Marc"). With `after_cue` the words follow a
   cue (whose comma is no list's: "Best regards, Pichardo, Genaro T."), and the surname may be any capitalised word
   no list holds as a word or a place. */
static int32_t last_first_end(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                              int32_t k, int stop_surname, int after_cue) {
    phs_name_token *t = &tok[k];
    /* A given name that is also a month or a state's name (Zeng, Jun; Stiebitz, Jan) counts after a dictionary
       surname that is no place's name and no town's last word ("Bozeman, Montana", "New Carrow, Montana": a town and its
       state), but not before a number ("Smith, Jan 5"). */
    /* "Surname,\nGiven" across a line break is a sign-off and the name under it ("Best,\nLadli Sur"), never one
       name. */
    if (t->sep != SEP_COMMA || (t->label & TOK_BREAK) || !is_cap(&tok[k + 1]) ||
        (is_stop(d, &tok[k + 1]) && (stop_surname || !calendar_given(d, &tok[k + 1]) ||
                                     (name_flags(d, p, n, t) & PHS_NAME_PLACE_NAME) ||
                                     (!after_cue && k > 0 && tok[k - 1].sep == SEP_SPACE && is_cap(&tok[k - 1])) ||
                                     number_beside(p, n, tok[k + 1].end, tok[k + 1].end))) ||
        (k > 0 && tok[k - 1].sep == SEP_COMMA && !after_cue))
        return -1;
    phs_name_token *g = &tok[k + 1];
    if (g->sep == SEP_COMMA && k + 2 < nt && is_cap(&tok[k + 2])) return -1;
    /* After a cue the cue says person: that a name list's word is also a word of some large city's name (Qasim,
       Paul, Leonard, Joseph: Port Qasim, St. Paul) is no evidence against it. A place's word that no name list holds
       stays a place ("moved to Tampa, Florida"). */
    uint16_t cue_mask = after_cue ? (uint16_t)~PHS_NAME_PLACE_NAME : (uint16_t)0xFFFF;
    uint16_t sf = name_flags_in_name(d, p, n, t);
    if (sf & (PHS_NAME_SURNAME | PHS_NAME_GIVEN)) sf &= cue_mask;
    /* After a cue, a dictionary surname that is a common word too, before a given name that is no English word and
       the end of the name: a lower-case word, an initial, a colon or the value's end ("Patient Salmon, Lucas needs",
       "Hi Lips, Selina S., your"; not "Patient Stable, Doing well"). */
    uint16_t gf = name_flags_in_name(d, p, n, g);
    /* (A given name that is a state's or city's name itself keeps the flag: "moved to Brindlemoor, Florida".) */
    if ((gf & PHS_NAME_GIVEN) && !is_stop(d, g)) gf &= cue_mask;
    int common_surname = 0;
    if (after_cue && !stop_surname && (sf & PHS_NAME_SURNAME) && (sf & PHS_NAME_COMMON) && !is_stop(d, t)) {
        int ends = k + 2 >= nt || g->sep == SEP_COLON || g->sep == SEP_OTHER ||
                   (g->sep == SEP_SPACE && (tok[k + 2].shape == SHAPE_LOWER || is_initial(&tok[k + 2]) ||
                                            initial_ends_value(tok, nt, k + 2)));
        common_surname = (gf & PHS_NAME_GIVEN) && !(gf & (PHS_NAME_COMMON | PHS_NAME_WORD)) && !is_stop(d, g) && ends;
    }
    int unknown = 0, cued = 0;
    if (!common_surname && (!(sf & PHS_NAME_SURNAME) || (sf & PHS_NAME_COMMON))) {
        /* After a cue the cue is the evidence: a surname no list holds as a surname, if it is no word, place or stop
           word ("My name is Chachaj, Leon M.", "Patient Qasim, Nour D."). */
        if (after_cue && !stop_surname && t->hash && t->shape == SHAPE_CAP && !is_stop(d, t) &&
            !(sf & (PHS_NAME_COMMON | PHS_NAME_WORD | PHS_NAME_PLACE_NAME)))
            cued = 1;
        else if (stop_surname || sf != 0 || !t->hash || t->shape != SHAPE_CAP || !sentence_start(p, tok, k))
            return -1;
        else
            unknown = 1;
    }
    /* Such a surname needs a given name that is no word or place either, unless a middle initial follows it. */
    int initial_next = g->sep == SEP_SPACE && k + 2 < nt && tok[k + 2].shape == SHAPE_ONE &&
                       (size_t)tok[k + 2].end < n && p[tok[k + 2].end] == '.'; /* "Tor J. was", "Tor J., seen" */
    uint16_t not_given = stop_surname || unknown || (cued && !initial_next)
                             ? (PHS_NAME_COMMON | PHS_NAME_WORD | PHS_NAME_PLACE_NAME) : PHS_NAME_COMMON;
    /* A given name that is also a frequent English word (Tor, Min, Fang) after a dictionary surname, with a middle
       initial after it or after a cue with a lower-case word after it: "Göransson, Tor J.", "Patient Lu, Min needs". */
    int common_given = not_given == PHS_NAME_COMMON && (sf & PHS_NAME_SURNAME) && !(sf & PHS_NAME_COMMON) &&
                       !is_stop(d, g) && (initial_next || (after_cue && g->sep == SEP_SPACE && k + 2 < nt &&
                                                           tok[k + 2].shape == SHAPE_LOWER));
    /* A surname and a given name both written with letters outside ASCII, the surname a dictionary one, after a cue
       or at a sentence's start: the given name is taken whatever its folded form means in English or as a place
       ("the chart for Đặng, Đức Quân": duc is a place word; "Trần, Thế Phương L.": Thế folds to "the"). */
    int script_given = (t->label & TOK_NON_ASCII) && (g->label & TOK_NON_ASCII) && (sf & PHS_NAME_SURNAME) &&
                       !stop_surname && !unknown && (after_cue || sentence_start(p, tok, k));
    if (!script_given && (!(gf & PHS_NAME_GIVEN) || ((gf & not_given) && !common_given))) return -1;
    int32_t b = k + 2;
    if (g->sep == SEP_SPACE && b < nt && is_initial(&tok[b])) b++;
    /* A middle initial without its dot that ends the value: "Patient: Hernandez, Carlos A" (not "..., Carlos A was"). */
    else if (g->sep == SEP_SPACE && initial_ends_value(tok, nt, b))
        b++;
    /* Second and third given names ("Alves, Maria Luiza", "Quevedo, José Luis L.", "Trần, Hoàng Hương"): dictionary
       given names that are no common words, or words no list holds with a letter outside ASCII, then perhaps an
       initial. (A word with a letter outside ASCII is taken whatever its folded form means in English: Dũng.) */
    else if (g->sep == SEP_SPACE && b < nt && is_cap(&tok[b]) && !is_stop(d, &tok[b])) {
        for (int more = 0; more < 2 && b < nt && is_cap(&tok[b]) && !is_stop(d, &tok[b]) && !is_place(d, &tok[b]) &&
                           tok[b - 1].sep == SEP_SPACE;
             more++) {
            uint16_t f2 = name_flags(d, p, n, &tok[b]);
            if (!((f2 & PHS_NAME_GIVEN) && !(f2 & PHS_NAME_COMMON)) && !(tok[b].label & TOK_NON_ASCII)) break;
            b++;
        }
        if (b > k + 2 && tok[b - 1].sep == SEP_SPACE && b < nt && tok[b].shape == SHAPE_ONE &&
            (size_t)tok[b].end < n && p[tok[b].end] == '.')
            b++;
    }
    if (unknown && tok[b - 1].sep != SEP_OTHER && (b >= nt || tok[b].shape != SHAPE_LOWER)) return -1;
    return b;
}

/* After a phrase that states a name, in lower case ("my name is katherine marshall and i have"): is word b, after
   given names (and initials) from word a, a surname that ends the name, although the run would stop before it? Such
   a surname is a place's word, never a name alone (marshall, washington, costa), or a frequent English word as well
   (martins, camps, pal, shah). It must end the name: a comma, a sentence mark or the line's end follows, or a word
   that goes on with the sentence ("and", "but", "here", "from"). Not "my name is anna will you help", nor "my name
   is anna may i ask". */
static int lower_stated_surname(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt,
                                int32_t a, int32_t b, uint16_t f) {
    phs_name_token *w = &tok[b];
    if (b == a || !(f & PHS_NAME_SURNAME) || w->end - w->start < 3 || is_particle(d, w)) return 0;
    if (!(f & PHS_NAME_COMMON) && !is_stop(d, w)) return 0; /* the run takes it as it is */
    for (int32_t i = a; i < b; i++)
        if (tok[i].end - tok[i].start > 1 && !(name_flags(d, p, n, &tok[i]) & PHS_NAME_GIVEN)) return 0;
    if (w->sep != SEP_SPACE) return w->sep == SEP_COMMA || w->sep == SEP_DOT || line_ends_at(p, n, (size_t)w->end);
    if (b + 1 >= nt) return line_ends_at(p, n, (size_t)w->end);
    static const list_word goes_on[] = {LW("and"), LW("but"), LW("so"), LW("i'm"), LW("im"), LW("here"),
                                        LW("from"), LW("calling"), LW("speaking"), LW("who"), LW("with"), LW("my"),
                                        LW("she"), LW("she's"), LW("he"), LW("he's")};
    const phs_name_token *next = &tok[b + 1];
    return next->shape == SHAPE_LOWER &&
           in_list(goes_on, LIST_COUNT(goes_on), p + next->start, (size_t)(next->end - next->start), 1);
}

/* One past the lower-case particles (at most three, each followed by a space) from word m: "de la" in "ester de la
   cruz". */
static int32_t lower_particles_end(const phs_names *d, const phs_name_token *tok, int32_t nt, int32_t m) {
    int32_t e = m;
    while (e < nt && e - m < 3 && tok[e].sep == SEP_SPACE && tok[e].shape == SHAPE_LOWER && is_particle(d, &tok[e])) e++;
    return e;
}

/* After a strong cue in lower case, is word a, a given name that is also a month, a state or a city (april, jun,
   sydney) or a frequent English word (ester, will), the first word of a name all the same? Only before a dictionary
   surname that is no frequent word, perhaps after particles ("her name is ester de fernandes", "my name is april
   estrada"), or, after a phrase that states a name, one that ends the name ("his name is jun tan, he's 67"); not
   "my name is may i ask", nor "my name is will and". */
static int lower_lead_given(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *tok, int32_t nt, int32_t a,
                            uint16_t f, int stated) {
    phs_name_token *w = &tok[a];
    if (w->sep != SEP_SPACE || a + 1 >= nt || w->end - w->start < 3 ||
        !(calendar_given(d, w) || ((f & PHS_NAME_GIVEN) && (f & PHS_NAME_COMMON) && !is_stop(d, w))))
        return 0;
    int32_t m = lower_particles_end(d, tok, nt, a + 1);
    if (m >= nt || tok[m].shape != SHAPE_LOWER || tok[m - 1].sep != SEP_SPACE || tok[m].end - tok[m].start < 3) return 0;
    uint16_t sf = name_flags(d, p, n, &tok[m]);
    if ((sf & PHS_NAME_SURNAME) && !(sf & PHS_NAME_COMMON) && !is_stop(d, &tok[m]) && !is_particle(d, &tok[m])) return 1;
    return stated && m == a + 1 && lower_stated_surname(d, p, n, tok, nt, a, m, sf);
}

/* Finds the names that start at words k0..<k1 of the nt words in tok (which may look ahead to nt); `lower`: where
   the lower-case shapes apply, in bytes of the line, which starts `off` bytes before p. */
static void find_in_window(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, const lower_spans *lower,
                           size_t off,
                           phs_name_token *tok, int32_t nt, int32_t k0, int32_t k1, phs_name_span *out,
                           int32_t out_cap, int32_t *countp) {
    int32_t count = *countp;
    int32_t k = k0, next = k0, latin_words = -1;
    while (k < k1) {
        phs_name_token *t = &tok[k];
        int64_t slot;
        uint16_t cf = cue_flags(d, t, &slot);
        /* A roster name, matched exactly (case and diacritics folded). */
        if (cf & PHS_NAME_ROSTER_START) {
            int32_t hit = roster_at(d, tok, nt, k, slot);
            if (hit >= 0 && emit(d, out, out_cap, &count, tok, nt, k, k + d->roster[hit].count, PHS_NAME_ROSTER, hit, &next)) {
                k = next;
                continue;
            }
        }
        /* A roster name right after this word wins over any cue or pair that would start here. */
        if (d->roster_count > 0 && k + 1 < nt) {
            int64_t next_slot;
            if ((cue_flags(d, &tok[k + 1], &next_slot) & PHS_NAME_ROSTER_START) &&
                roster_at(d, tok, nt, k + 1, next_slot) >= 0) {
                k++;
                continue;
            }
        }
        /* The first words of a line after a sign-off line ("Sincerely," newline "Sabrel Yarnold"): capitalised words
           that are no English words, two of them or one from the dictionary. */
        if (signoff >= 0 && k == 0 && is_cap(t)) {
            int at_start = 1;
            for (int32_t i = 0; i < t->start && at_start; i++) at_start = p[i] == ' ' || p[i] == '\t';
            int32_t b = at_start ? name_run(d, p, n, tok, nt, 0, 4, 0) : 0;
            int words = 0, english = 0;
            for (int32_t m = 0; m < b; m++) {
                if (!is_cap(&tok[m])) continue;
                words++;
                english |= english_only(d, p, n, &tok[m]) || (name_flags(d, p, n, &tok[m]) & PHS_NAME_COMMON);
            }
            uint16_t f = b > 0 ? name_flags(d, p, n, &tok[0]) : 0;
            if (b > 0 && !english && (words >= 2 || (f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME))) &&
                !place_follows(d, tok, nt, b) &&
                emit(d, out, out_cap, &count, tok, nt, 0, b, PHS_NAME_CUE_STRONG, signoff, &next)) {
                k = next;
                continue;
            }
        }
        /* After a cue phrase. */
        if ((cf & (PHS_NAME_CUE_END | PHS_NAME_PLACE_END)) && k + 1 < nt && t->sep != SEP_OTHER) {
            int32_t c = cue_ending_at(d, tok, k, slot);
            /* Only an honorific may end with a dot ("Mr. Roe"); after any other cue a dot ends the sentence. An
               honorific in capitals is more likely an abbreviation (the state MS, an MR scan) than a title. */
            if (c >= 0 && t->sep == SEP_DOT && d->phrases[c].kind != PHS_NAME_TITLE) c = -1;
            /* Nor does an honorific end with a comma: "66 NW Vesnay Dr, Eastbrook" is a street (Drive) and its city. */
            if (c >= 0 && t->sep == SEP_COMMA && d->phrases[c].kind == PHS_NAME_TITLE) c = -1;
            if (c >= 0 && d->phrases[c].kind == PHS_NAME_TITLE && t->shape == SHAPE_UPPER &&
                !(k + 1 < nt && tok[k + 1].shape == SHAPE_UPPER)) c = -1; /* but "DR. ANITA SORENSEN" is a title */
            /* "848 ms. D.O.B.", "lag=389ms D.O.B.": a lower-case title after a number is a unit. */
            if (c >= 0 && d->phrases[c].kind == PHS_NAME_TITLE && t->shape != SHAPE_CAP && t->shape != SHAPE_UPPER) {
                int number = t->start >= 2 && p[t->start - 1] == ' ' && (uint8_t)(p[t->start - 2] - '0') < 10;
                for (int32_t i = t->start > 0 ? t->start - 1 : 0; i < t->end && !number; i++)
                    number = (uint8_t)(p[i] - '0') < 10;
                if (number) c = -1;
            }
            /* A residence cue: a city after it, or nothing (no name search starts after it). */
            if (c >= 0 && d->phrases[c].kind == PHS_NAME_CUE_PLACE) {
                int32_t a = k + 1, b = t->sep == SEP_SPACE ? place_run(d, p, n, tok, nt, a) : a;
                if (b > a && emit(d, out, out_cap, &count, tok, nt, a, b, PHS_NAME_CUE_PLACE, c, &next)) {
                    k = next;
                    continue;
                }
                c = -1;
            }
            /* A title right after a title ("Mr. Mr.", "Mr. Dr. Roe") is no name: the name is after the last one. */
            if (c >= 0 && d->phrases[c].kind == PHS_NAME_TITLE && k + 1 < nt) {
                int64_t next_slot;
                if (cue_flags(d, &tok[k + 1], &next_slot) & PHS_NAME_CUE_END) {
                    int32_t c2 = cue_ending_at(d, tok, k + 1, next_slot);
                    if (c2 >= 0 && d->phrases[c2].kind == PHS_NAME_TITLE && d->phrases[c2].count == 1) c = -1;
                }
            }
            if (c >= 0) {
                int32_t kind = d->phrases[c].kind;
                /* A cue that is a JSON key ("name": "Checkout Button", "from": "Artur Teterycz") names things as
                   often as people: what follows needs a dictionary name, as after a weak cue. */
                if ((t->label & TOK_JSON_KEY) &&
                    (kind == PHS_NAME_CUE_STRONG || kind == PHS_NAME_CUE_STATED || kind == PHS_NAME_TITLE))
                    kind = PHS_NAME_CUE_WEAK;
                /* A cue of several words all capitalised is a heading in title case ("My Wife Is Great"), not a
                   sentence: what follows must be a dictionary name. */
                if ((kind == PHS_NAME_CUE_STATED || kind == PHS_NAME_CUE_STRONG) && d->phrases[c].count >= 2 &&
                    t->sep != SEP_COLON) {
                    int title = 1;
                    for (int32_t w = k - d->phrases[c].count + 1; w <= k && title; w++) title = is_cap(&tok[w]);
                    if (title) kind = PHS_NAME_CUE_WEAK;
                }
                int32_t a = k + 1;
                /* Words of a script without the Latin letters (Cyrillic, Greek, Arabic, Hebrew, Hangul, Han, Kana, ...)
                   right after an English cue: the change of script says a name as a dictionary would ("Dr. Μυρσίνη
                   Καπανταϊδάκη", "my daughter Изот Никитина", "Next of kin: زيد جزار", "patient 王秀英"). At most six
                   (Arabic names with their nasab: "رامح بنو سعد بن ليث بن بكر"); after a plain preposition two or more
                   ("for Изот Никитина", not "for 客服"). */
                if (tok[a].shape == SHAPE_NOCASE) {
                    int32_t b = a + 1;
                    while (b < nt && b - a < 6 && tok[b - 1].sep == SEP_SPACE && tok[b].shape == SHAPE_NOCASE) b++;
                    if ((kind != PHS_NAME_CUE_GIVEN || b - a >= 2) &&
                        emit(d, out, out_cap, &count, tok, nt, a, b, kind, c, &next)) {
                        k = next;
                        continue;
                    }
                }
                int strong = kind == PHS_NAME_CUE_STRONG || kind == PHS_NAME_TITLE || kind == PHS_NAME_CUE_STATED;
                int32_t b = name_run(d, p, n, tok, nt, a, 4,
                                     (strong ? RUN_STOP : 0) | (kind != PHS_NAME_CUE_GIVEN ? RUN_PLACE_SURNAME : 0) |
                                         (kind == PHS_NAME_CUE_STATED ? RUN_STATED : 0) |
                                         (kind == PHS_NAME_TITLE ? RUN_LEAD_PARTICLE : 0));
                /* "signed by Oneal, Heather", "contact Washington, Eric": a surname, a comma and a given name. */
                if (b == a + 1 || (b == a && is_cap(&tok[a]) && is_stop(d, &tok[a]))) {
                    int32_t e = last_first_end(d, p, n, tok, nt, a, is_stop(d, &tok[a]), 1);
                    if (e > a + 1) b = e;
                }
                int accepted = 0;
                if (b > a) {
                    if (kind == PHS_NAME_TITLE || kind == PHS_NAME_CUE_STATED) {
                        accepted = 1;
                    } else if (strong) {
                        /* Two or more capitalised words, or one that is a dictionary name and not a common word
                           ("I'm Avelin Dunmorrow", "my name is Maribel"; not "I'm Fine"). */
                        int words = 0;
                        int32_t word = a;
                        for (int32_t m = a; m < b; m++)
                            if (is_cap(&tok[m]) && !words++) word = m;
                        /* The one capitalised word, after any initials ("Signed: J. Smith"). */
                        uint16_t f = words == 1 ? name_flags(d, p, n, &tok[word]) : 0;
                        accepted = words >= 2 || ((f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) && !(f & PHS_NAME_COMMON));
                    } else {
                        int dict = 0, all_common = 1, words = 0;
                        uint16_t first = 0;
                        for (int32_t m = a; m < b; m++) {
                            if (!is_cap(&tok[m])) continue;
                            uint16_t f = name_flags(d, p, n, &tok[m]);
                            if (!words++) first = f;
                            if (f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) {
                                dict = 1;
                                if (!(f & PHS_NAME_COMMON)) all_common = 0;
                            }
                        }
                        accepted = dict && !all_common;
                        /* Two or more capitalised words ending in a surname the dictionary lacks ("with Satsita
                           Umkhayev"). */
                        if (!accepted && words >= 2 && is_cap(&tok[b - 1]) && !name_flags(d, p, n, &tok[b - 1]) &&
                            surname_shaped(d, p, &tok[b - 1]) && !is_stop(d, &tok[a]))
                            accepted = 1;
                        if (!accepted && words == 1 && b == a + 1 && salutation_name(d, p, n, tok, nt, k, a))
                            accepted = 1;
                        /* After a plain preposition a single word must be a given name ("to Maria", not "for
                           Jenkins"). */
                        /* (Or initials and a dictionary surname: "Forward to J.R. Martinez".) */
                        if (kind == PHS_NAME_CUE_GIVEN && words == 1 && !(first & PHS_NAME_GIVEN) &&
                            !(is_initial(&tok[a]) && (first & PHS_NAME_SURNAME) && !(first & PHS_NAME_COMMON)))
                            accepted = 0;
                        /* A given name that is also a country's or state's name, after a travel word and its
                           preposition, is the country ("travel to Jordan", "compare to Chad"). */
                        if (accepted && kind == PHS_NAME_CUE_GIVEN && words == 1 && b == a + 1 && k > 0 &&
                            travel_before(d, p, tok, k - 1, a))
                            accepted = 0;
                        /* One word no list holds, then a personal pronoun: "Tell Priyanka her labs look fine", "ask
                           Rohan about his refill" (a firm is "it"). */
                        if (!accepted && kind == PHS_NAME_CUE_WEAK && words == 1 && b == a + 1 && first == 0 &&
                            is_cap(&tok[a]) && tok[a].parts == 1 && !is_stop(d, &tok[a]) && tok[a].sep == SEP_SPACE &&
                            b < nt && tok[b].shape == SHAPE_LOWER && is_pronoun(d, tok[b].hash))
                            accepted = 1;
                        /* One word no list holds, after a possessive and a one-word person noun, ending the clause
                           or before a lower-case word: "her son Chidi came", "my husband Tunde, who" (not "my
                           email Zendesk Support"). */
                        if (!accepted && kind == PHS_NAME_CUE_WEAK && words == 1 && b == a + 1 && first == 0 &&
                            d->phrases[c].count == 1 && is_possessive(d, tok, k - 1) && is_cap(&tok[a]) &&
                            tok[a].parts == 1 && !is_stop(d, &tok[a]) &&
                            (tok[a].sep != SEP_SPACE || b >= nt || tok[b].shape == SHAPE_LOWER))
                            accepted = 1;
                    }
                } else if (kind == PHS_NAME_CUE_WEAK && tok[a].shape == SHAPE_LOWER && t->sep != SEP_DOT &&
                           !lower_at(lower, off + (size_t)tok[a].start)) {
                    /* Lower-case chat after a cue in a line with capitals ("Patient: dustin potter", "Can you check
                       on maria gonzalez?"): a given name and a surname, at most one of them an English word (the
                       lower-case line's pair without its exception for cues; a line without capitals keeps it). */
                    int32_t e2 = lower_pair(d, p, n, tok, nt, a);
                    if (e2 > a) {
                        uint16_t gf = name_flags(d, p, n, &tok[a]), sf = name_flags(d, p, n, &tok[e2 - 1]);
                        if (!((gf & PHS_NAME_WORD) && (sf & PHS_NAME_WORD))) {
                            b = e2;
                            accepted = 1;
                        }
                    }
                } else if ((kind == PHS_NAME_CUE_STRONG || kind == PHS_NAME_CUE_STATED || kind == PHS_NAME_TITLE ||
                            /* a label before a name in capitals: "PATIENT: JOHN SMITH", "Patient: JOHN SMITH" */
                            (kind == PHS_NAME_CUE_WEAK && t->sep == SEP_COLON &&
                             (t->shape == SHAPE_UPPER || is_cap(t)) && tok[a].shape == SHAPE_UPPER)) &&
                           /* "cache miss key=...": a lower-case title that is a frequent English word is that word. */
                           !(kind == PHS_NAME_TITLE && t->shape == SHAPE_LOWER &&
                             (name_flags(d, p, n, t) & PHS_NAME_COMMON))) {
                    /* Lower-case chat or a form in capitals after a strong cue or title: "my name is maria gonzalez",
                       "dr patel", "NAME: MARIA GONZALEZ", "Attn: JOHN A SMITH". Every word a dictionary name (a
                       middle initial aside). */
                    uint16_t shape = tok[a].shape == SHAPE_UPPER ? SHAPE_UPPER : SHAPE_LOWER;
                    int unknown = 0, comma = 0, particles = 0;
                    while (b < nt && b - a - particles < 4) {
                        phs_name_token *w = &tok[b];
                        /* Particles before a lower-case dictionary surname join it ("her name is emily van der
                           moreno"): passed over, the surname is taken as any word below. */
                        if (shape == SHAPE_LOWER && b > a && tok[b - 1].sep == SEP_SPACE && w->sep == SEP_SPACE &&
                            is_particle(d, w)) {
                            int32_t m = lower_particles_end(d, tok, nt, b);
                            uint16_t sf = m < nt && m > b && tok[m].shape == SHAPE_LOWER ? name_flags(d, p, n, &tok[m]) : 0;
                            if (!(sf & PHS_NAME_SURNAME) || (sf & PHS_NAME_COMMON) || is_stop(d, &tok[m])) break;
                            particles += m - b;
                            b = m;
                            w = &tok[b];
                        }
                        /* A middle initial: "MARIA T GONZALEZ", "hyuuma t. maida". */
                        int initial = b > a && b + 1 < nt && tok[b + 1].shape == shape && w->end - w->start == 1 &&
                                      (shape == SHAPE_UPPER ? w->shape == SHAPE_ONE : w->shape == SHAPE_LOWER);
                        if (!initial) {
                            if (w->shape != shape) break;
                            uint16_t f = name_flags_in_name(d, p, n, w);
                            /* In lower case a word no list holds at all (not even as an English word) may be part of
                               the name; what the run needs to be accepted is settled below. */
                            int unlisted = shape == SHAPE_LOWER && kind != PHS_NAME_TITLE && f == 0 &&
                                           w->end - w->start >= 3 && !is_stop(d, w) && !is_particle(d, w);
                            if (!unlisted && shape == SHAPE_LOWER && kind == PHS_NAME_CUE_STATED &&
                                lower_stated_surname(d, p, n, tok, nt, a, b, f)) {
                                b++;
                                break;
                            }
                            if (!unlisted && shape == SHAPE_LOWER && b == a && kind != PHS_NAME_TITLE &&
                                lower_lead_given(d, p, n, tok, nt, a, f, kind == PHS_NAME_CUE_STATED)) {
                                b++;
                                continue;
                            }
                            if (!unlisted &&
                                (!(f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) || (f & PHS_NAME_COMMON) || is_stop(d, w))) break;
                            unknown += unlisted;
                        }
                        b++;
                        /* A form's "SURNAME, GIVEN": "PATIENT: HERNANDEZ, CARLOS A". */
                        if (w->sep == SEP_COMMA && b == a + 1 && shape == SHAPE_UPPER && b < nt &&
                            tok[b].shape == SHAPE_UPPER) {
                            comma = 1;
                            continue;
                        }
                        if (w->sep != SEP_SPACE && !(initial && w->sep == SEP_DOT)) break;
                    }
                    /* A trailing initial is no part of the name, but for the middle initial after a form's
                       "SURNAME, GIVEN", which ends the value ("SMITH, JOHN A", "GARCIA, MARIA L.", not "A was"). */
                    int middle = comma && b == a + 2 && tok[b - 1].sep == SEP_SPACE && initial_ends_value(tok, nt, b);
                    while (b > a && tok[b - 1].end - tok[b - 1].start == 1) b--;
                    while (b > a && !name_flags(d, p, n, &tok[b - 1]) && b - a > 1 && kind != PHS_NAME_CUE_STATED) b--;
                    /* After a label in Title case one word in capitals is too little ("Patient: MAY"). */
                    if (kind == PHS_NAME_CUE_WEAK && t->shape != SHAPE_UPPER && b - a < 2) b = a;
                    if (comma && b < a + 2) b = a;
                    if (b > a) {
                        uint16_t ff = name_flags(d, p, n, &tok[a]), lf = name_flags(d, p, n, &tok[b - 1]);
                        accepted = ff & (kind == PHS_NAME_TITLE ? PHS_NAME_GIVEN | PHS_NAME_SURNAME : PHS_NAME_GIVEN);
                        /* A surname written outside ASCII before given names, as Vietnamese and Chinese names go
                           ("his name is phạm mai huy"). */
                        if (!accepted && shape == SHAPE_LOWER && b - a >= 2 && (tok[a].label & TOK_NON_ASCII) &&
                            (ff & PHS_NAME_SURNAME))
                            accepted = 1;
                        /* Surname first in capitals ("HERNANDEZ, CARLOS", "Attn: HERNANDEZ CARLOS"): a dictionary
                           surname, then a dictionary given name. */
                        if (shape == SHAPE_UPPER && b - a >= 2 && (ff & PHS_NAME_SURNAME) &&
                            (name_flags(d, p, n, &tok[a + 1]) & PHS_NAME_GIVEN))
                            accepted = 1;
                        else if (comma)
                            accepted = 0;
                        if (accepted && middle && b == a + 2) b++;
                        /* A word no list holds before a dictionary surname ("name: hyuuma t. maida"); after a phrase
                           that states a name, one or more such words ("people call me višeslav"). */
                        if (!accepted && unknown && shape == SHAPE_LOWER)
                            accepted = kind == PHS_NAME_CUE_STATED || (b - a >= 2 && (lf & PHS_NAME_SURNAME));
                    }
                }
                if (!accepted && b <= a + 1 && kind == PHS_NAME_CUE_WEAK && greeting_given(d, p, n, tok, nt, k, a)) {
                    b = a + 1;
                    accepted = 1;
                }
                /* (Also where a street word after the first word would make it a place: "ask Rose Hill to".) */
                if ((!accepted || place_follows(d, tok, nt, b)) && kind == PHS_NAME_CUE_WEAK) {
                    int32_t e = common_word_pair(d, p, n, tok, nt, k, a);
                    if (e > a) {
                        b = e;
                        accepted = 1;
                    }
                }
                if (accepted && kind != PHS_NAME_TITLE && place_follows(d, tok, nt, b)) accepted = 0;
                if (accepted && emit(d, out, out_cap, &count, tok, nt, a, b, kind, c, &next)) {
                    k = next;
                    continue;
                }
            }
        }
        /* A name written in another script, in a line of English. */
        if (d->pairs && t->shape == SHAPE_NOCASE) {
            int32_t b = foreign_run(p, n, tok, nt, k, &latin_words);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, PHS_NAME_DETAIL_SCRIPT, &next)) {
                k = next;
                continue;
            }
            b = script_surname_word(d, p, n, tok, nt, k, &latin_words);
            if (b > k &&
                emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, PHS_NAME_DETAIL_SCRIPT_SURNAME, &next)) {
                k = next;
                continue;
            }
        }
        /* The name heading a contact record ("Satu Elomo  45818 P.O. Box 242 ..."). */
        if (d->pairs && (is_cap(t) || t->shape == SHAPE_LOWER)) {
            int32_t b = record_head(d, p, n, tok, nt, k);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, PHS_NAME_DETAIL_RECORD, &next)) {
                k = next;
                continue;
            }
        }
        /* A speaker of a dialogue: a given name that is no English word, or, when such a speaker is in the line, any
           capitalised word that is no English word ("Ubul: What a wife. Nicole: Remember me"). */
        if (d->pairs && speaker_label(p, tok, nt, k) && !is_stop(d, t) && !english_only(d, p, n, t)) {
            uint16_t f = name_flags(d, p, n, t);
            int ok = named_speaker(d, p, n, tok, nt, k);
            if (!ok && ((f & PHS_NAME_GIVEN) || !(f & (PHS_NAME_COMMON | PHS_NAME_WORD))))
                ok = (k == 0 && signoff == PHS_NAMES_SPEAKER_BEFORE && speaker_shape(p, 0, n)) ||
                     named_speaker_in_line(d, p, n, tok, nt, k);
            if (ok && emit(d, out, out_cap, &count, tok, nt, k, k + 1, PHS_NAME_PAIR, PHS_NAME_DETAIL_SPEAKER, &next)) {
                k = next;
                continue;
            }
        }
        /* A person addressed: a given name between a comma and ? or ! ("Remember me, Mary?"), or a given name or a
           word no dictionary knows written outside ASCII before ", can ..." at the start of a sentence ("Leif, can I
           speak to you"; not a firm: "Teladoc, can you reschedule?"). */
        if (d->pairs && is_cap(t) && t->parts == 1) {
            /* The shape first: most words are no vocative, and the dictionary probe is a cache miss. */
            int end_shape = k > 0 && tok[k - 1].sep == SEP_COMMA && (size_t)t->end < n &&
                            (p[t->end] == '?' || p[t->end] == '!');
            int start_shape = t->sep == SEP_COMMA && k + 1 < nt && addressed_follow(p, &tok[k + 1]);
            if ((end_shape || start_shape) && !is_stop(d, t) && !is_place(d, t)) {
                uint16_t f = name_flags(d, p, n, t);
                int end_q = end_shape && (f & PHS_NAME_GIVEN);
                int start_q = start_shape &&
                              (((f & PHS_NAME_GIVEN) && !(f & PHS_NAME_PROPER)) || (f == 0 && has_non_ascii(t))) &&
                              sentence_start(p, tok, k);
                if ((end_q || start_q) &&
                    emit(d, out, out_cap, &count, tok, nt, k, k + 1, PHS_NAME_PAIR, PHS_NAME_DETAIL_ADDRESSED, &next)) {
                    k = next;
                    continue;
                }
            }
        }
        /* A list of names ("founders: Kónya, Becker and Vasquez"): each word its own span. */
        if (d->pairs && is_cap(t) && t->sep == SEP_COMMA && k + 2 < nt && (k == 0 || tok[k - 1].sep != SEP_COMMA)) {
            int places;
            int32_t b = name_list(d, p, n, tok, nt, k, &places);
            if (b > k) {
                for (int32_t m = k; m < b && !places; m++)
                    if (is_cap(&tok[m])) emit(d, out, out_cap, &count, tok, nt, m, m + 1, PHS_NAME_PAIR, PHS_NAME_DETAIL_LIST, &next);
                k = b;
                continue;
            }
        }
        /* A given name that is also a calendar word, before a surname ("Jan Jílek", "April Okafor"). */
        if (d->pairs && is_cap(t) && t->sep == SEP_SPACE && k + 1 < nt && is_cap(&tok[k + 1]) && calendar_given(d, t) &&
            (name_flags(d, p, n, t) & PHS_NAME_GIVEN)) {
            phs_name_token *sn = &tok[k + 1];
            uint16_t sf = name_flags(d, p, n, sn);
            int surname = ((sf & PHS_NAME_SURNAME) && !(sf & (PHS_NAME_COMMON | PHS_NAME_WORD))) ||
                          (!sf && surname_shaped(d, p, sn));
            if (surname && !is_stop(d, sn) && !is_place(d, sn) &&
                !(sn->sep == SEP_SPACE && k + 2 < nt && (is_cap(&tok[k + 2]) || tok[k + 2].shape == SHAPE_UPPER)) &&
                emit(d, out, out_cap, &count, tok, nt, k, k + 2, PHS_NAME_PAIR, PHS_NAME_DETAIL_PAIR, &next)) {
                k = next;
                continue;
            }
        }
        /* A Vietnamese name with its middle name Văn or Thị ("Nguyễn Văn An", "Vũ Thị Linh"). */
        if (d->pairs && is_cap(t) && t->sep == SEP_SPACE && k + 2 < nt) {
            int32_t b = vietnamese_name(p, tok, nt, k);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, 0, &next)) {
                k = next;
                continue;
            }
        }
        /* Particles between a dictionary given name and a capitalised word ("Dyan van Gijn", "Mary de Vries"). */
        if (d->pairs && is_cap(t) && t->sep == SEP_SPACE && k + 2 < nt && !is_stop(d, t) && is_particle(d, &tok[k + 1])) {
            int32_t m = k + 1;
            while (m < nt && m - k <= 3 && tok[m].sep == SEP_SPACE && is_particle(d, &tok[m])) m++;
            if (m < nt && m > k + 1 && is_cap(&tok[m]) && !is_stop(d, &tok[m])) {
                uint16_t ff = name_flags(d, p, n, t);
                /* The first word a given name: Romance particles join many place names too (Soto del Barco,
                   Caxias do Sul), whose first word is a surname or no name. */
                int given = (ff & PHS_NAME_GIVEN) && !(ff & (PHS_NAME_COMMON | PHS_NAME_WORD));
                if (given && !is_place(d, &tok[m]) && !place_follows(d, tok, nt, m + 1) &&
                    emit(d, out, out_cap, &count, tok, nt, k, m + 1, PHS_NAME_PAIR, PHS_NAME_DETAIL_PAIR, &next)) {
                    k = next;
                    continue;
                }
            }
        }
        /* A word, a middle initial and a surname ("Mohmad R. Vizirov", "Landerico B Hidalgo"). */
        if (d->pairs && is_cap(t) && t->sep == SEP_SPACE && k + 2 < nt && !is_stop(d, t)) {
            int32_t b = initial_name(d, p, n, tok, nt, k);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, PHS_NAME_DETAIL_INITIAL, &next)) {
                k = next;
                continue;
            }
        }
        if (d->pairs && is_cap(t) && k + 1 < nt && !is_stop(d, t)) {
            /* Given name and surname: "Jane Roe", "Faina D. Yefremova", "Mary Ann van der Berg". */
            if (t->sep == SEP_SPACE && (is_cap(&tok[k + 1]) || is_initial(&tok[k + 1]) || is_particle(d, &tok[k + 1]))) {
                uint16_t f = name_flags(d, p, n, t);
                if (!(f & PHS_NAME_GIVEN) && (f & PHS_NAME_SURNAME) && !(f & PHS_NAME_COMMON)) {
                    /* Surname first (Nguyen Van Minh, Zhang Wei): ends with a given name; neither is a common word. */
                    int32_t b = name_run(d, p, n, tok, nt, k, 4, 0);
                    while (b > k + 1) {
                        phs_name_token *last = &tok[b - 1];
                        uint16_t lf = is_cap(last) ? name_flags(d, p, n, last) : 0;
                        if ((lf & PHS_NAME_GIVEN) && !(lf & PHS_NAME_COMMON)) break;
                        b--;
                    }
                    if (b > k + 1 && !place_follows(d, tok, nt, b) && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, 0, &next)) {
                        k = next;
                        continue;
                    }
                }
                /* A given name and a word the dictionary lacks whose shape says surname ("Fiammetta Zetticci",
                   "Maria Ibragimova"); the given name not a common English word, no capitalised word right after (a
                   firm, a place) unless two or more spaces (a column) part them. A known surname after a given name
                   is the dictionary pair below. */
                if ((f & PHS_NAME_GIVEN) && !(f & PHS_NAME_COMMON) && d->ending_count > 0) {
                    int32_t s2 = k + 1;
                    if (is_initial(&tok[s2]) && s2 + 1 < nt) s2++;
                    phs_name_token *sn = &tok[s2];
                    /* A given name that is no word of English or of a place's name makes any unlisted word after
                       it a surname ("Jouni Hahli"). */
                    int plain_given = !(f & (PHS_NAME_WORD | PHS_NAME_PROPER | PHS_NAME_PLACE_NAME)) &&
                                      !is_particle(d, t) && !number_beside(p, n, t->start, tok[s2].end);
                    if (is_cap(sn) && sn->parts == 1 && !is_stop(d, sn) && !is_place(d, sn) &&
                        name_flags(d, p, n, sn) == 0 &&
                        (surname_shaped(d, p, sn) || (plain_given && sn->end - sn->start >= 3)) &&
                        !(sn->sep == SEP_SPACE && s2 + 1 < nt && tok[s2 + 1].start - sn->end < 2 &&
                          (is_cap(&tok[s2 + 1]) || tok[s2 + 1].shape == SHAPE_UPPER)) &&
                        !place_follows(d, tok, nt, s2 + 1) &&
                        emit(d, out, out_cap, &count, tok, nt, k, s2 + 1, PHS_NAME_PAIR, 0, &next)) {
                        k = next;
                        continue;
                    }
                }
                if (f & PHS_NAME_GIVEN) {
                    /* A street word that is a surname ends the name too, after a given name that is no English word
                       and away from house numbers (place_surname: "Karen Hill", "Diane Wells"; "Park Lane", "Rose
                       Hill", "12 Erin Dale" stay places). */
                    int32_t b = name_run(d, p, n, tok, nt, k, 5, RUN_PLACE_SURNAME);
                    /* The last capitalised word must be a surname; shorten the run until it is. */
                    while (b > k + 1) {
                        phs_name_token *last = &tok[b - 1];
                        if (is_cap(last) && (name_flags(d, p, n, last) & PHS_NAME_SURNAME)) break;
                        b--;
                    }
                    if (b > k + 1) {
                        uint16_t lf = name_flags(d, p, n, &tok[b - 1]);
                        int both_common = (f & PHS_NAME_COMMON) && (lf & PHS_NAME_COMMON);
                        if (!both_common && !place_follows(d, tok, nt, b) && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, 0, &next)) {
                            k = next;
                            continue;
                        }
                    }
                }
            }
            /* Surname, Given: "Roe, Jane" (not inside a comma-separated list). */
            int32_t b = last_first_end(d, p, n, tok, nt, k, 0, 0);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, last_first_start(d, p, tok, k, next), b,
                              PHS_NAME_LAST_FIRST, 0, &next)) {
                k = next;
                continue;
            }
        }
        /* The same with a surname that is also a place's word, never a name alone (Washington, Marshall, Solomon):
           the given name after the comma must be no English word. */
        if (d->pairs && is_cap(t) && k + 1 < nt && is_stop(d, t)) {
            int32_t b = last_first_end(d, p, n, tok, nt, k, 1, 0);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, last_first_start(d, p, tok, k, next), b,
                              PHS_NAME_LAST_FIRST, 0, &next)) {
                k = next;
                continue;
            }
        }
        /* Two capitalised words that are no English words, one marked as a surname ("Weronika Martinsen"). */
        if (d->pairs && is_cap(t)) {
            int32_t b = foreign_pair(d, p, n, tok, nt, k);
            if (b > k && !place_follows(d, tok, nt, b) &&
                emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, PHS_NAME_DETAIL_FOREIGN, &next)) {
                k = next;
                continue;
            }
        }
        /* A capitalised given name alone that is no English word (Katrine, Leif), unless a capitalised word or a
           place word follows it (then it is part of something else). */
        if (d->singles && is_cap(t) && t->parts == 1) {
            int next_cap = k + 1 < nt && t->sep == SEP_SPACE && (is_cap(&tok[k + 1]) || tok[k + 1].shape == SHAPE_UPPER);
            int prev_cap = k > 0 && tok[k - 1].sep == SEP_SPACE && is_cap(&tok[k - 1]);
            /* A common English word that opens the sentence is capitalised for that alone ("Both Dylan and ...",
               "Ask Katrine"): it is no neighbour, for a given name that is no place's name either. */
            int opener = prev_cap && sentence_start(p, tok, k - 1) &&
                         (name_flags(d, p, n, &tok[k - 1]) & (PHS_NAME_COMMON | PHS_NAME_GIVEN)) == PHS_NAME_COMMON;
            if (!next_cap && (!prev_cap || opener) && !is_stop(d, t)) {
                uint16_t f = name_flags(d, p, n, t);
                if (opener && (f & PHS_NAME_PLACE_NAME)) f = 0;
                /* (Not a word that is a given name before a surname only: Georgia, German, Danish; nor a country
                   after travel, "travel to Jordan", nor a city's name in a list with a place that is no name:
                   "Boston, Chicago, Denver".) */
                if ((f & PHS_NAME_GIVEN) && !(f & (PHS_NAME_WORD | PHS_NAME_COMMON)) && !calendar_given(d, t) &&
                    !(k >= 2 && travel_before(d, p, tok, k - 2, k)) &&
                    !((f & PHS_NAME_PLACE_NAME) && place_beside(d, p, n, tok, nt, k)) &&
                    emit(d, out, out_cap, &count, tok, nt, k, k + 1, PHS_NAME_SINGLE, 0, &next)) {
                    k = next;
                    continue;
                }
                /* A dictionary surname alone that is no English word and no place's name, not after in/at/near and
                   not before a place word ("Unlike the Christiansen novel"). (By its shape alone a word is as often a
                   street or a town abroad: Søndergade, Brønderslev.) */
                if (!(f & (PHS_NAME_WORD | PHS_NAME_COMMON | PHS_NAME_PLACE_NAME | PHS_NAME_GIVEN | PHS_NAME_PROPER)) &&
                    t->end - t->start >= 4 && (f & PHS_NAME_SURNAME) &&
                    !is_place(d, t) && !(k > 0 && place_preposition(d, &tok[k - 1])) && !place_follows(d, tok, nt, k + 1) &&
                    !number_beside(p, n, t->start, t->end) && !place_beside(d, p, n, tok, nt, k) && !in_code(p, n, t) &&
                    /* not beside an identifier (McKinsey AppServer), not after a particle (Soto del Barco) */
                    !(k + 1 < nt && t->sep == SEP_SPACE && tok[k + 1].shape == SHAPE_BAD) &&
                    !(k > 0 && tok[k - 1].sep == SEP_SPACE &&
                      ((tok[k - 1].shape == SHAPE_BAD && tok[k - 1].parts == 1) || is_particle(d, &tok[k - 1]))) &&
                    emit(d, out, out_cap, &count, tok, nt, k, k + 1, PHS_NAME_SINGLE, PHS_NAME_DETAIL_SURNAME, &next)) {
                    k = next;
                    continue;
                }
            }
        }
        /* A line written without capitals: lower-case pairs and lists of given names. */
        if (d->pairs && t->shape == SHAPE_LOWER && lower_at(lower, off + t->start)) {
            int32_t b = lower_list(d, p, n, tok, nt, k);
            if (b > k) {
                for (int32_t m = k; m < b; m++) { /* every word but the "and" */
                    int64_t js;
                    if (!(cue_flags(d, &tok[m], &js) & PHS_NAME_LIST_JOIN))
                        emit(d, out, out_cap, &count, tok, nt, m, m + 1, PHS_NAME_PAIR, PHS_NAME_DETAIL_LOWER, &next);
                }
                k = b;
                continue;
            }
            b = lower_pair(d, p, n, tok, nt, k);
            if (b > k && emit(d, out, out_cap, &count, tok, nt, k, b, PHS_NAME_PAIR, PHS_NAME_DETAIL_LOWER, &next)) {
                k = next;
                continue;
            }
        }
        k++;
    }
    *countp = count;
}

/* Can the capitalised word stand for a person on its own once the line has named them (no initial, particle, stop
   word, place word or common English word)? */
static inline int mention_word(const phs_names *d, const uint8_t *p, size_t n, phs_name_token *t) {
    if (!is_cap(t) || t->end - t->start < 3 || t->parts > 2 || is_stop(d, t) || is_place(d, t) || !t->hash) return 0;
    uint16_t f = name_flags(d, p, n, t);
    return !(f & PHS_NAME_COMMON) && !((f & PHS_NAME_WORD) && !(f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)));
}

/* How far from a name (bytes, on its line) another mention of one of its words is looked for. */
enum { MENTION_REACH = 512, MENTION_TOKENS = 16 };

static int span_order(const void *x, const void *y) {
    const phs_name_span *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* Does a span of out[lo..<hi) (in order) overlap p[a..<b)? */
static int overlaps_span(const phs_name_span *out, int32_t lo, int32_t hi, int32_t a, int32_t b) {
    int32_t end = hi;
    /* The first span that ends after a (spans do not overlap, so their ends are in order too). */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (out[mid].end <= a) lo = mid + 1;
        else hi = mid;
    }
    return lo < end && out[lo].start < b;
}

static inline int word_edge(const uint8_t *p, size_t n, size_t i) {
    return i >= n || !(is_ascii_letter(p[i]) || (uint8_t)(p[i] - '0') < 10 || p[i] >= 0x80 || p[i] == '_');
}

/* Other mentions of a word of a name found, on the same line and within MENTION_REACH bytes of it ("Alvir spent a
   year ... as the assistant to Alvir D. Pušaver"): each its own span, spans kept in order. Searched by bytes, not by
   words, so the same mentions are found however the text was cut into windows. */
static void same_line_mentions(const phs_names *d, const uint8_t *p, size_t n, phs_name_span *out, int32_t out_cap,
                               int32_t first, int32_t *countp) {
    int32_t count = *countp, added = 0;
    phs_name_token tok[MENTION_TOKENS];
    /* Per word (by its exact bytes), how far the text has been searched already: the names of a line are in order and
       their regions overlap, so each byte is searched at most once per distinct word (a line of 10 MB that repeats
       one name stays linear). */
    struct { uint64_t key; size_t hi; } searched[64];
    memset(searched, 0, sizeof(searched));
    for (int32_t s = first; s < count; s++) {
        /* Places are no names: their other mentions are no names either. */
        if ((out[s].detail == PHS_NAME_DETAIL_MENTION && out[s].kind == PHS_NAME_PAIR) || out[s].kind == PHS_NAME_CARD_CITY ||
            out[s].kind == PHS_NAME_CARD_STREET || out[s].kind == PHS_NAME_CUE_PLACE)
            continue;
        size_t ss = (size_t)out[s].start, se = (size_t)out[s].end;
        /* A name in a script without the Latin letters has no capitalised word to look for (mention_word). */
        uint32_t cp0;
        if (p[ss] >= 0x80 && utf8_at(p, n, ss, &cp0) && (letter_info(cp0) & 0xFF) == 0) continue;
        int32_t nt = tokenize(p + ss, se - ss, tok, MENTION_TOKENS);
        size_t lo = ss > MENTION_REACH ? ss - MENTION_REACH : 0, hi = se + MENTION_REACH < n ? se + MENTION_REACH : n;
        const uint8_t *nl = lo < ss ? phs_last_byte(p + lo, ss - lo, '\n') : NULL;
        if (nl) lo = (size_t)(nl - p) + 1;
        const uint8_t *nr = memchr(p + se, '\n', hi - se);
        if (nr) hi = (size_t)(nr - p);
        for (int32_t w = 0; w < nt; w++) {
            phs_name_token *t = &tok[w];
            /* tokenize saw the span alone: a capitalised word of it, by the same tests as anywhere. */
            if (!mention_word(d, p + ss, se - ss, t)) continue;
            size_t len = (size_t)(t->end - t->start);
            const uint8_t *word = p + ss + t->start;
            uint64_t key = 1469598103934665603ULL ^ len;
            for (size_t b = 0; b < len; b++) key = (key ^ word[b]) * 1099511628211ULL;
            key |= 1;
            size_t from = lo;
            int slot = (int)(key & 63);
            if (searched[slot].key == key && searched[slot].hi >= len && searched[slot].hi - len + 1 > from)
                from = searched[slot].hi - len + 1;
            if (hi > from || searched[slot].key != key) {
                searched[slot].key = key;
                searched[slot].hi = hi > from ? hi : from;
            }
            for (size_t i = from; i + len <= hi;) {
                const uint8_t *hit = memmem(p + i, hi - i, word, len);
                if (!hit) break;
                size_t a = (size_t)(hit - p), b = a + len;
                i = a + 1;
                if ((a > 0 && !word_edge(p, n, a - 1)) || (b < n && !word_edge(p, n, b) && p[b] != '\'' && p[b] != 0xE2))
                    continue;
                if (overlaps_span(out, first, count, (int32_t)a, (int32_t)b)) continue;
                /* Not part of a longer capitalised run ("the White Stripes"). */
                if (b + 1 < n && p[b] == ' ' && ((uint8_t)(p[b + 1] - 'A') < 26 || p[b + 1] >= 0x80)) continue;
                if (a >= 2 && p[a - 1] == ' ') {
                    size_t w0 = a - 1;
                    while (w0 > 0 && (is_ascii_letter(p[w0 - 1]) || p[w0 - 1] >= 0x80 || p[w0 - 1] == '-')) w0--;
                    if (w0 < a - 1 && ((uint8_t)(p[w0] - 'A') < 26 || p[w0] >= 0x80)) continue;
                }
                int dup = 0;
                for (int32_t q = count; q < count + added && !dup; q++) dup = out[q].start == (int32_t)a;
                if (dup) continue;
                if (count + added >= out_cap) {
                    *countp = out_cap; /* no room: the caller grows the buffer and searches again */
                    return;
                }
                out[count + added++] = (phs_name_span){(int32_t)a, (int32_t)b, PHS_NAME_PAIR, PHS_NAME_DETAIL_MENTION};
            }
        }
    }
    if (added == 0) return;
    qsort(out + first, (size_t)(count + added - first), sizeof(phs_name_span), span_order);
    *countp = count + added;
}

static inline uint64_t ascii_fold_hash_n(const uint8_t *p, size_t n, size_t a, size_t b);

/* Is p[ls..<le) (a whole line, newline excluded) a sign-off or a label standing alone: at most three words ending in a
   strong cue or a phrase that states a name, then a comma or colon and nothing else ("Sincerely,", "Best regards,",
   "Patient name:")? Returns the cue phrase's id, or -1. The name is then on the next line. */
static int32_t signoff_line(const phs_names *d, const uint8_t *p, size_t ls, size_t le) {
    while (le > ls && (p[le - 1] == ' ' || p[le - 1] == '\t' || p[le - 1] == '\r')) le--;
    while (ls < le && (p[ls] == ' ' || p[ls] == '\t')) ls++;
    if (le - ls < 4 || le - ls > SIGNOFF_MAX || (p[le - 1] != ',' && p[le - 1] != ':')) return -1;
    /* Two tests that need no cutting into words ("Traceback (most recent call last):" ends a line in every Python
       log). At most three words: a space before an ASCII letter starts a word of its own, whatever tokenize makes of
       the rest. The last word must end a strong cue ("regards,", "sincerely,"): when it is plainly ASCII letters
       (nothing that tokenize would join to it before them), one probe of the cue table settles that. */
    size_t words = is_ascii_letter(p[ls]);
    for (size_t i = ls + 1; i < le; i++) words += p[i - 1] == ' ' && is_ascii_letter(p[i]);
    if (words > 3) return -1;
    size_t ws = le - 1;
    while (ws > ls && is_ascii_letter(p[ws - 1])) ws--;
    if (ws < le - 1 && le - 1 - ws <= MAX_WORD &&
        (ws == ls || (p[ws - 1] < 0x80 && p[ws - 1] != '\'' && p[ws - 1] != '-' && p[ws - 1] != '\\'))) {
        int64_t slot = table_find(&d->cues, ascii_fold_hash_n(p, le, ws, le - 1));
        if (slot < 0 || !(d->cues.flags[slot] & PHS_NAME_STRONG_END)) return -1;
    }
    phs_name_token tok[4];
    int32_t nt = tokenize(p + ls, le - ls, tok, 4);
    if (nt == 0 || nt > 3 || (size_t)tok[nt - 1].end != le - ls - 1) return -1;
    int64_t slot;
    if (!(cue_flags(d, &tok[nt - 1], &slot) & PHS_NAME_STRONG_END)) return -1;
    int32_t c = cue_ending_at(d, tok, nt - 1, slot);
    if (c < 0 || (d->phrases[c].kind != PHS_NAME_CUE_STRONG && d->phrases[c].kind != PHS_NAME_CUE_STATED)) return -1;
    /* The phrase alone, or after one word ("Best regards,", "Kind regards,"). */
    return nt - d->phrases[c].count <= 1 ? c : -1;
}

/* How far back (bytes) the start of the line before a speaker's line is looked for; a longer line is no dialogue's. */
enum { SPEAKER_LINE_REACH = 4096 };

/* Does the line p[ls..<le) start with a named speaker (see named_speaker: "Ella: What a wife.")? */
static int speaker_line(const phs_names *d, const uint8_t *p, size_t ls, size_t le) {
    while (ls < le && (p[ls] == ' ' || p[ls] == '\t')) ls++;
    if (!speaker_shape(p, ls, le)) return 0;
    size_t m = le - ls < 128 ? le - ls : 128;
    phs_name_token tok[2];
    int32_t nt = tokenize(p + ls, m, tok, 2);
    return nt == 2 && named_speaker(d, p + ls, m, tok, nt, 0);
}

/* The start of the line that ends at le (p[le] is its newline or the end), or SIZE_MAX when it starts more than
   SPEAKER_LINE_REACH bytes back (the same answer whether p holds the whole text or starts at a line). */
static inline size_t line_start_within(const uint8_t *p, size_t le) {
    size_t lo = le > SPEAKER_LINE_REACH ? le - SPEAKER_LINE_REACH : 0;
    const uint8_t *nl = lo < le ? phs_last_byte(p + lo, le - lo, '\n') : NULL;
    if (nl) return (size_t)(nl - p) + 1;
    return lo == 0 ? 0 : SIZE_MAX;
}

/* The end of the line that starts at ls (its newline, or n). */
static inline size_t line_end(const uint8_t *p, size_t n, size_t ls) {
    const uint8_t *nl = ls < n ? memchr(p + ls, '\n', n - ls) : NULL;
    return nl ? (size_t)(nl - p) : n;
}

/* The sign-off cue (see signoff_line) of the line that ends at le (p[le] is its newline or the end of p), or -1. */
static int32_t signoff_ending(const phs_names *d, const uint8_t *p, size_t le) {
    size_t lo = le > SIGNOFF_MAX + 8 ? le - (SIGNOFF_MAX + 8) : 0;
    /* A sign-off line ends in ',' or ':' before its trailing blanks (signoff_line): most lines do not, and are
       dismissed here without looking for their start (every capitalised word that starts a log line came here). */
    size_t t = le;
    while (t > lo && (p[t - 1] == ' ' || p[t - 1] == '\t' || p[t - 1] == '\r')) t--;
    if (t == lo || (p[t - 1] != ',' && p[t - 1] != ':')) return -1;
    const uint8_t *nl = lo < le ? phs_last_byte(p + lo, le - lo, '\n') : NULL;
    if (!nl && lo > 0) return -1; /* a longer line */
    return signoff_line(d, p, nl ? (size_t)(nl - p) + 1 : 0, le);
}

/* ---- address cards ---------------------------------------------------------------------------------------------
   A postal card puts the city on a line of its own after the unit line, where no cue or state code names it:
       20789 Allika 46            28245 Puruntie 82 Apt. 595        >228 Ringvej 144
        Suite 501                   LAPPEENRANTA                    >Apt. 902
        Riisa                       SK                              >Qaqortoq
   The line right after a unit line (a designator and its number alone, or ending a line that starts with a building
   number) that holds nothing but a city's shape is a city (PHS_NAME_CARD_CITY): like a sign-off, a fact about the
   line before (PHS_NAMES_CARD_BEFORE), so the answer does not depend on where the text is cut. */

/* Designators a unit line starts its unit with, as written in cards (capitalised: the front end sees their capital;
   "apt 4" in lower-case chat makes no card). */
static const list_word unit_designators[] = {LW("Apt"), LW("Apartment"), LW("Suite"), LW("Ste"), LW("Unit"), LW("Flat"),
                                            LW("Room"), LW("Rm")};

static inline int is_card_indent(uint8_t b) { return b == ' ' || b == '\t' || b == '>'; }

/* Past a card line's indent (spaces, tabs, quote marks) from i, not beyond le. */
static inline size_t past_indent(const uint8_t *p, size_t i, size_t le) {
    while (i < le && is_card_indent(p[i])) i++;
    return i;
}

/* The end of p[lo..<le) without its trailing blanks and carriage return. */
static inline size_t trimmed_end(const uint8_t *p, size_t lo, size_t le) {
    while (le > lo && (p[le - 1] == ' ' || p[le - 1] == '\t' || p[le - 1] == '\r')) le--;
    return le;
}

/* Is p[ws..we) a unit designator? */
static int unit_designator(const uint8_t *p, size_t ws, size_t we) {
    return in_list(unit_designators, LIST_COUNT(unit_designators), p + ws, we - ws, 0);
}

/* Where the unit designator starts when the line ending at le ends with a unit: a designator, a dot or spaces, an
   optional '#', and a number of at most six letters, digits and dashes (one a digit); SIZE_MAX when it does not.
   Reads at most 24 bytes back, not before lo. */
static size_t unit_at_end(const uint8_t *p, size_t lo, size_t le) {
    le = trimmed_end(p, lo, le);
    size_t e = le;
    int digits = 0;
    while (e > lo && le - e < 6 && (is_ascii_letter(p[e - 1]) || (uint8_t)(p[e - 1] - '0') < 10 || p[e - 1] == '-')) {
        digits += (uint8_t)(p[e - 1] - '0') < 10;
        e--;
    }
    if (e == le || !digits || (e > lo && (is_ascii_letter(p[e - 1]) || (uint8_t)(p[e - 1] - '0') < 10))) return SIZE_MAX;
    if (e > lo && p[e - 1] == '#') e--;
    size_t gap = e;
    while (e > lo && gap - e < 3 && (p[e - 1] == ' ' || p[e - 1] == '\t')) e--;
    if (e > lo && p[e - 1] == '.') e--;
    else if (e == gap) return SIZE_MAX;
    size_t we = e;
    while (e > lo && we - e < 10 && is_ascii_letter(p[e - 1])) e--;
    return unit_designator(p, e, we) ? e : SIZE_MAX;
}

/* Does the line p[ls..<le) end with a unit (unit_at_end), with the indent alone before the designator or a line
   that starts with a building number ("28245 Puruntie 82 Apt. 595")? */
static int unit_line(const uint8_t *p, size_t ls, size_t le) {
    size_t e = unit_at_end(p, ls, le);
    if (e == SIZE_MAX) return 0;
    size_t i = ls;
    i = past_indent(p, i, e);
    if (i == e) return 1;
    return (p[e - 1] == ' ' || p[e - 1] == '\t') && (uint8_t)(p[i] - '0') < 10;
}

/* Can a unit designator start at j, by its first two letters (Ap, Su, St, Un, Fl, Ro, Rm)? Most capitalised words of
   a log start otherwise, and are passed over without a look at the whole word. */
static inline int unit_start(const uint8_t *p, size_t n, size_t j) {
    /* Per first letter, the second letters as bits (a = bit 0): a lookup and a shift, no branch on the letter (every
       capitalised candidate of a log comes here, in no order a branch could learn). */
    static const uint32_t second[26] = {
        ['A' - 'A'] = 1u << ('p' - 'a'), ['S' - 'A'] = 1u << ('u' - 'a') | 1u << ('t' - 'a'),
        ['U' - 'A'] = 1u << ('n' - 'a'), ['F' - 'A'] = 1u << ('l' - 'a'),
        ['R' - 'A'] = 1u << ('o' - 'a') | 1u << ('m' - 'a'),
    };
    uint8_t a = (uint8_t)(p[j] - 'A'), b = j + 1 < n ? (uint8_t)(p[j + 1] - 'a') : 31;
    return a < 26 && b < 26 && (second[a] >> b & 1);
}

/* Does a unit designator start at j (a word of its own)? */
static inline int unit_word_at(const uint8_t *p, size_t n, size_t j) {
    size_t e = j;
    while (e < n && e - j < 10 && is_ascii_letter(p[e])) e++;
    return (j == 0 || !is_ascii_letter(p[j - 1])) && (e == n || !is_ascii_letter(p[e])) && unit_designator(p, j, e);
}

/* The newline ending the line when the unit designator at j may be the unit that ends it (unit_at_end reads at most
   21 bytes back from the line's last byte that is no blank), or SIZE_MAX. Bounded: a line of "Apt 5 Apt 5 ..." costs
   each designator the same, where a search for the newline from every one was quadratic (10 MB of it: 8.3 s). */
static inline size_t unit_line_end(const uint8_t *p, size_t n, size_t j) {
    size_t e = j;
    for (; e < n && p[e] != '\n'; e++)
        if (p[e] != ' ' && p[e] != '\t' && p[e] != '\r' && e - j >= 24) return SIZE_MAX;
    return e < n ? e : SIZE_MAX;
}

/* Lower-case words a city's name may hold between its capitalised ones (Soto del Barco, Ostrov nad Ohří). */
static int city_particle(const uint8_t *p, size_t a, size_t b) {
    static const list_word words[] = {
        LW("de"), LW("del"), LW("la"), LW("las"), LW("los"), LW("da"), LW("do"), LW("dos"), LW("das"), LW("di"),
        LW("du"), LW("des"), LW("nad"), LW("pod"), LW("u"), LW("am"), LW("an"), LW("der"), LW("den"), LW("van"),
        LW("von"), LW("y"), LW("e"), LW("en"), LW("sur"), LW("sous"), LW("le"), LW("les"), LW("aan"), LW("op"),
        LW("bei"), LW("im"), LW("upon"), LW("on")};
    return in_list(words, LIST_COUNT(words), p + a, b - a, 0);
}

/* A word of letters from p[i] (inner hyphens, apostrophes and a final dot allowed: Saint-Denis, Port O'Connor,
   St.); returns its end and whether its first letter is a capital, or i when no letter starts there. */
static size_t card_word(const uint8_t *p, size_t n, size_t i, int *upper_first) {
    uint32_t info;
    int len = letter_at(p, n, i, &info);
    if (!len) return i;
    *upper_first = (info >> 16) & 1 || (info & 0xFFFF) == 0; /* a letter of a script without case counts */
    size_t e = i + (size_t)len;
    for (;;) {
        int alen;
        uint32_t next;
        if (e < n && (len = letter_at(p, n, e, &info)) != 0) { e += (size_t)len; continue; }
        if (e + 1 < n && p[e] == '-' && letter_at(p, n, e + 1, &next)) { e++; continue; }
        if (e < n && is_apostrophe(p, n, e, &alen) && e + (size_t)alen < n && letter_at(p, n, e + (size_t)alen, &next)) {
            e += (size_t)alen;
            continue;
        }
        break;
    }
    if (e < n && p[e] == '.' && e - i <= 3) e++;
    return e;
}

/* The city of a card's city line p[0..n) (see unit_line): after the indent, one to four words, each capitalised or
   in capitals but for particles between them, then perhaps a bracketed name ("ΑΣΚΕΙΑ (ΑΣΣΕΙΑ)", "Cyprus (Greek)")
   and a comma, and nothing else; at least one word no English word list holds alone (a log's "Running" or "Done"
   after a "Room 4" line is none), none a month, weekday or log level. Sets [*s, *e) and returns 1, else 0. */
static int card_city_span(const phs_names *d, const uint8_t *p, size_t n, size_t *s, size_t *e) {
    size_t i = 0, end = n;
    end = trimmed_end(p, 0, end);
    if (end > 0 && p[end - 1] == ',') end--;
    i = past_indent(p, i, end);
    if (i == end || end - i > 64) return 0;
    size_t first = i, last_end = i;
    int words = 0, named = 0, bracket = 0;
    while (i < end) {
        if (p[i] == '(' && words > 0 && !bracket) {
            bracket = 1;
            i++;
            continue;
        }
        int upper = 0;
        size_t we = card_word(p, end, i, &upper);
        if (we == i) return 0;
        size_t le = we;
        while (le > i && (p[le - 1] == '.')) le--;
        if (!upper) {
            /* A particle, between capitalised words only. */
            if (words == 0 || bracket || !city_particle(p, i, le)) return 0;
        } else {
            if (++words > 4) return 0;
            int ok;
            uint64_t h = fold_hash(p, end, i, le, &ok);
            if (!ok || !h) return 0;
            int64_t slot = table_find(&d->cues, h);
            if (slot >= 0 && (d->cues.flags[slot] & (PHS_NAME_STOP | PHS_NAME_STOP_GIVEN))) return 0;
            uint16_t f = probe_names(d, h);
            if (f == 0 || (f & (PHS_NAME_PLACE_NAME | PHS_NAME_PROPER)) ||
                ((f & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) && !(f & PHS_NAME_COMMON)))
                named = 1;
        }
        i = we;
        last_end = i;
        if (bracket && i < end && p[i] == ')') {
            last_end = ++i;
            if (i != end) return 0;
            break;
        }
        size_t sp = i;
        while (i < end && (p[i] == ' ' || p[i] == '\t')) i++;
        if (i < end && i - sp == 0 && p[i] != '(') return 0;
        if (i - sp > 2) return 0;
    }
    if (!words || !named || (bracket && p[last_end - 1] != ')')) return 0;
    *s = first;
    *e = last_end;
    return 1;
}

/* Does the line at ls start, after its indent, with what a card's city line starts with (a capital, or a byte
   outside ASCII)? Log lines start with a digit or a bracket: the line before them is never read for a unit. */
static inline int city_line_start(const uint8_t *p, size_t n, size_t ls) {
    ls = past_indent(p, ls, n);
    return ls < n && ((uint8_t)(p[ls] - 'A') < 26 || p[ls] >= 0xC0);
}

/* The line before the one that starts at ls is a unit line (the card-city fact), for a detector that looks for card
   cities. */
static inline int card_before(const phs_names *d, const uint8_t *p, size_t ls) {
    if (!d->card_cities || ls == 0 || p[ls - 1] != '\n') return 0;
    /* Most lines end with no unit: told from their last bytes before their start is looked for. */
    if (unit_at_end(p, ls - 1 > 24 ? ls - 1 - 24 : 0, ls - 1) == SIZE_MAX) return 0;
    size_t start = line_start_within(p, ls - 1);
    return start != SIZE_MAX && unit_line(p, start, ls - 1);
}

/* The card's lines after its city (a state or region code, then the postcode), each alone on its line:
       Apt. 595      (unit)        PHS_NAMES_CARD_BEFORE on the next line
       LAPPEENRANTA  (city)        PHS_NAMES_CARD_CITY_BEFORE on the next line
       SK            (state)       PHS_NAMES_CARD_STATE_BEFORE on the next line (the code stays: no PHI)
       53650         (postcode)    a ZIP (PHS_NAME_CARD_ZIP)
   The line is told from its own bytes first, so a log's lines (a timestamp first) cost a few compares. */

/* Does the line p[ls..<le) hold, after its indent, a postcode alone: 3-6 digits, 12-345, 123 45, 1234-567, or A1A 1A1?
   Sets [*s, *e) to it. */
static int postcode_line(const uint8_t *p, size_t ls, size_t le, size_t *s, size_t *e) {
    le = trimmed_end(p, ls, le);
    size_t i = ls;
    i = past_indent(p, i, le);
    size_t len = le - i;
    if (len < 3 || len > 8) return 0;
    const uint8_t *q = p + i;
    int ok = 0;
    size_t digits = 0;
    while (digits < len && is_digit(q[digits])) digits++;
    if (digits == len) ok = len <= 6;
    else if (len == 6 && digits == 2 && q[2] == '-') ok = is_digit(q[3]) && is_digit(q[4]) && is_digit(q[5]);
    else if (len == 6 && digits == 3 && q[3] == ' ') ok = is_digit(q[4]) && is_digit(q[5]);
    else if (len == 8 && digits == 4 && q[4] == '-') ok = is_digit(q[5]) && is_digit(q[6]) && is_digit(q[7]);
    else if (len == 7 && digits == 0) {
        /* A Canadian postcode: letter digit letter, space, digit letter digit. */
        ok = (uint8_t)(q[0] - 'A') < 26 && is_digit(q[1]) && (uint8_t)(q[2] - 'A') < 26 && q[3] == ' ' &&
             is_digit(q[4]) && (uint8_t)(q[5] - 'A') < 26 && is_digit(q[6]);
    }
    if (!ok) return 0;
    *s = i;
    *e = le;
    return 1;
}

/* Does the line p[ls..<le) hold, after its indent, a state or region code alone (one to three capital letters)? */
static int state_line(const uint8_t *p, size_t ls, size_t le) {
    le = trimmed_end(p, ls, le);
    size_t i = ls;
    i = past_indent(p, i, le);
    if (le - i < 1 || le - i > 3) return 0;
    for (size_t k = i; k < le; k++)
        if ((uint8_t)(p[k] - 'A') >= 26) return 0;
    return 1;
}

/* Is the line before the one at ls (0 < ls, p[ls - 1] a newline) a card's city line after its unit line? `before`:
   the fact before p, for a city line that starts p. */
static int city_line_before(const phs_names *d, const uint8_t *p, size_t ls, int32_t before) {
    if (ls == 0 || p[ls - 1] != '\n') return 0;
    size_t le1 = ls - 1, s1 = line_start_within(p, le1), cs, ce;
    if (s1 == SIZE_MAX || le1 - s1 > 80) return 0;
    return city_line_start(p, le1, s1) && card_city_span(d, p + s1, le1 - s1, &cs, &ce) &&
           (s1 == 0 ? before == PHS_NAMES_CARD_BEFORE : card_before(d, p, s1));
}

/* The card fact a line at ls (0 < ls, p[ls - 1] a newline) learns from the line before when it is a card's city line
   (PHS_NAMES_CARD_CITY_BEFORE) or a state line right after one (PHS_NAMES_CARD_STATE_BEFORE); 0 else. `before`: the
   fact before p, for a line before that starts p. Reads at most three lines back (never a chain: a run of short
   capital lines costs each line the same). */
static int32_t card_tail_fact(const phs_names *d, const uint8_t *p, size_t ls, int32_t before) {
    if (!d->card_cities || ls == 0 || p[ls - 1] != '\n') return 0;
    if (city_line_before(d, p, ls, before)) return PHS_NAMES_CARD_CITY_BEFORE;
    size_t le1 = ls - 1, s1 = line_start_within(p, le1);
    if (s1 == SIZE_MAX || !state_line(p, s1, le1)) return 0;
    int city = s1 == 0 ? before == PHS_NAMES_CARD_CITY_BEFORE : city_line_before(d, p, s1, before);
    return city ? PHS_NAMES_CARD_STATE_BEFORE : 0;
}

/* Does the line at ls open like a card's state or postcode line (after the indent, a capital or a digit, and the
   line ends within nine bytes)? */
static inline int tail_line_shaped(const uint8_t *p, size_t n, size_t ls) {
    size_t i = ls;
    i = past_indent(p, i, n);
    if (i >= n || !((uint8_t)(p[i] - 'A') < 26 || is_digit(p[i]))) return 0;
    size_t k = i;
    while (k < n && k - i < 10 && p[k] != '\n') k++;
    return k - i < 10;
}

/* The street line of a card right after its head ("William Hughes", a blank line, "20789 Allika 46"): a street with no
   street type, which alone on a line is no street ("2 Tablets Daily 3"). After the indent, a building number of one
   to six digits, a space, one to four words (the first capitalised or of a script without case; any letters, a
   short word's dot: "808 Kálmán Imre u. 12.") one space apart, a space and a house number (1-5 digits, a letter, a
   dot), and nothing else. Sets [*s, *e) and returns 1, else 0. */
static int card_street_span(const uint8_t *p, size_t n, size_t *s, size_t *e) {
    size_t end = n;
    end = trimmed_end(p, 0, end);
    size_t i = 0;
    i = past_indent(p, i, end);
    size_t d = i;
    while (d < end && d - i < 6 && is_digit(p[d])) d++;
    if (d == i || d + 1 >= end || p[d] != ' ') return 0;
    size_t he = end;
    if (he > d && p[he - 1] == '.') he--;
    if (he > d + 1 && is_ascii_letter(p[he - 1]) && is_digit(p[he - 2])) he--;
    size_t hs = he;
    while (hs > d && he - hs < 5 && is_digit(p[hs - 1])) hs--;
    if (hs == he || hs <= d + 2 || p[hs - 1] != ' ' || is_digit(p[hs - 2]) || p[hs - 2] == ' ') return 0;
    size_t w = d + 1, wend = hs - 1;
    uint32_t info;
    if (!letter_at(p, wend, w, &info) || !(((info >> 16) & 1) || (info & 0xFFFF) == 0)) return 0;
    int words = 0;
    for (;;) {
        int upper;
        size_t we = card_word(p, wend, w, &upper);
        if (we == w || ++words > 4) return 0;
        w = we;
        if (w == wend) break;
        if (p[w] != ' ') return 0;
        w++;
    }
    *s = i;
    *e = end;
    return 1;
}

static int32_t find_all(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, phs_name_token *tok,
                        int32_t tok_cap, phs_name_span *out, int32_t out_cap, int32_t count);

/* Is the line p[ls..<le) a contact card's head alone on its line ("William Hughes", ">Ella H. Snider"): two to five
   words, no digit, the first a capital, and one name the search finds covering them all? */
static int head_line(const phs_names *d, const uint8_t *p, size_t ls, size_t le) {
    if (le <= ls || le - ls > 80) return 0;
    size_t i = ls;
    i = past_indent(p, i, le);
    if (i == le || !((uint8_t)(p[i] - 'A') < 26 || p[i] >= 0xC0)) return 0;
    for (size_t k = i; k < le; k++)
        if (is_digit(p[k])) return 0;
    phs_name_token tok[32]; /* a short line: one window of find_all */
    int32_t nt = tokenize(p + ls, le - ls, tok, 8);
    if (nt < 2 || nt > 5) return 0;
    int32_t first = tok[0].start, last = tok[nt - 1].end;
    phs_name_span out[4];
    int32_t c = find_all(d, p + ls, le - ls, -1, tok, 32, out, 4, 0);
    return c == 1 && out[0].kind != PHS_NAME_CARD_CITY && out[0].kind != PHS_NAME_CUE_PLACE && out[0].start == first &&
           out[0].end == last;
}

/* Is the line p[ls..<le) blank (spaces, tabs, a carriage return, quote marks)? */
static inline int blank_line(const uint8_t *p, size_t ls, size_t le) {
    while (ls < le && (p[ls] == ' ' || p[ls] == '\t' || p[ls] == '\r' || p[ls] == '>')) ls++;
    return ls == le;
}

/* The card-head fact for the line that starts at ls (0 < ls, p[ls - 1] a newline): PHS_NAMES_HEAD_BEFORE when the
   line before is a card's head, PHS_NAMES_HEAD_GAP_BEFORE when the line before is blank and the one before that a
   head (or, the blank line being p's first, `before` says the text before p ended with a head); else 0. */
static int32_t head_fact(const phs_names *d, const uint8_t *p, size_t ls, int32_t before) {
    if (!d->card_cities || !d->dict || ls == 0 || p[ls - 1] != '\n') return 0;
    size_t le = ls - 1, start = line_start_within(p, le);
    if (start == SIZE_MAX) return 0;
    if (!blank_line(p, start, le)) return head_line(d, p, start, le) ? PHS_NAMES_HEAD_BEFORE : 0;
    if (start == 0) return before == PHS_NAMES_HEAD_BEFORE ? PHS_NAMES_HEAD_GAP_BEFORE : 0;
    size_t le2 = start - 1, start2 = line_start_within(p, le2);
    if (start2 == SIZE_MAX || blank_line(p, start2, le2)) return 0;
    return head_line(d, p, start2, le2) ? PHS_NAMES_HEAD_GAP_BEFORE : 0;
}

static inline int head_fact_value(int32_t f) { return f == PHS_NAMES_HEAD_BEFORE || f == PHS_NAMES_HEAD_GAP_BEFORE; }

/* Does the line at ls open like a card's street line: after the indent, one to six digits, a space and a letter? (A log
   line's timestamp does not: its digits run into a dash or a colon.) Checked before the line's end is looked for. */
static inline int street_line_start(const uint8_t *p, size_t n, size_t ls) {
    ls = past_indent(p, ls, n);
    size_t d = ls;
    while (d < n && d - ls < 6 && is_digit(p[d])) d++;
    return d > ls && d + 1 < n && p[d] == ' ' && (is_ascii_letter(p[d + 1]) || p[d + 1] >= 0xC0);
}

/* Is the line p[ls..<le) shaped like a card's street line (card_street_span), told from its first and last bytes? */
static inline int card_street_shaped(const uint8_t *p, size_t ls, size_t le) {
    size_t i = ls;
    i = past_indent(p, i, le);
    le = trimmed_end(p, i, le);
    if (le > i && p[le - 1] == '.') le--;
    return i < le && is_digit(p[i]) && le > i && (is_digit(p[le - 1]) || (le > i + 1 && is_digit(p[le - 2])));
}

/* The sign-off cue of the line before the one that starts at ls (p[ls - 1] is its newline), or -1. At ls == 0,
   `before` (what the caller knows of the text before p). When the line before is no sign-off:
   PHS_NAMES_SPEAKER_BEFORE if the line at ls starts with a speaker's label and the line before with a named speaker
   (a dialogue: "Ella: What a wife." then "Destiny: Remember me"). phs_names_signoff_at_end gives the speaker answer
   without looking at the next line; the search uses it only on a line with a speaker's label, so both agree. */
/* The span of an address card's line p[0..n) that the fact before it (PHS_NAMES_CARD_BEFORE and below) announces:
   returns its kind (PHS_NAME_CARD_CITY, _ZIP, _STREET) and sets [*s, *e), or 0. */
static int32_t card_line_span(const phs_names *d, const uint8_t *p, size_t n, int32_t fact, size_t *s, size_t *e) {
    switch (fact) {
    case PHS_NAMES_CARD_BEFORE: return card_city_span(d, p, n, s, e) ? PHS_NAME_CARD_CITY : 0;
    case PHS_NAMES_CARD_CITY_BEFORE:
    case PHS_NAMES_CARD_STATE_BEFORE: return postcode_line(p, 0, n, s, e) ? PHS_NAME_CARD_ZIP : 0;
    case PHS_NAMES_HEAD_BEFORE:
    case PHS_NAMES_HEAD_GAP_BEFORE: return card_street_span(p, n, s, e) ? PHS_NAME_CARD_STREET : 0;
    default: return 0;
    }
}

/* ---- field labels alone on their line ----------------------------------------------------------------------------
   A form or a contact card puts a field's label on a line of its own and the value on the next one:
       Phone:               Address:
       60-56-85-91          Brucker Bundesstrasse 31 Zezig Streets
   A line that holds nothing but a field rule's key and a colon (phs_names_add_label) makes the next line that field's
   value (PHS_NAME_LABEL_VALUE, the label's id as detail; the scanner checks it against the field's value shape): a
   fact about the line before, as a sign-off is, so the answer does not depend on where the text is cut. */

/* The longest label, and the longest value span reported (the field rule's value shape decides what of it counts). */
enum { LABEL_MAX = 48, LABEL_INDENT_MAX = 16, LABEL_TRAIL_MAX = 8, LABEL_VALUE_MAX = 512 };

/* Where the colon of a label line ending at le would end (le less a carriage return and at most LABEL_TRAIL_MAX
   spaces and tabs before it), not before lo. */
static inline size_t label_colon_end(const uint8_t *p, size_t lo, size_t le) {
    size_t e = le;
    if (e > lo && p[e - 1] == '\r') e--;
    size_t t = e;
    while (e > lo && t - e < LABEL_TRAIL_MAX && (p[e - 1] == ' ' || p[e - 1] == '\t')) e--;
    return e;
}

/* The id of the field label that the line p[ls..<le) holds alone (le: its newline or the text's end), or -1: at most
   LABEL_INDENT_MAX spaces and tabs, 1 to LABEL_MAX bytes of ASCII letters, digits, spaces, '_', '-' and '.', a colon,
   then at most LABEL_TRAIL_MAX spaces and tabs and a carriage return before the line's end. */
static int32_t label_line(const phs_names *d, const uint8_t *p, size_t ls, size_t le) {
    if (!d->label_count) return -1;
    size_t e = label_colon_end(p, ls, le);
    if (e <= ls || p[e - 1] != ':') return -1;
    e--;
    size_t s = ls;
    while (s < e && s - ls < LABEL_INDENT_MAX && (p[s] == ' ' || p[s] == '\t')) s++;
    if (s == e || e - s > LABEL_MAX) return -1;
    uint64_t key = phs_names_label_key(p + s, e - s);
    return key ? label_find(d, key) : -1;
}

/* The label fact for the line at ls (0 < ls, p[ls - 1] a newline), or -1: the line before is a label alone. */
static int32_t label_before(const phs_names *d, const uint8_t *p, size_t ls) {
    if (!d->label_count || ls < 2) return -1;
    size_t le = ls - 1, c = label_colon_end(p, 0, le);
    if (c == 0 || p[c - 1] != ':') return -1;
    size_t reach = LABEL_MAX + LABEL_INDENT_MAX + LABEL_TRAIL_MAX + 2;
    size_t lo = le > reach ? le - reach : 0;
    const uint8_t *nl = phs_last_byte(p + lo, le - lo, '\n');
    if (!nl && lo > 0) return -1; /* a longer line */
    int32_t id = label_line(d, p, nl ? (size_t)(nl - p) + 1 : 0, le);
    return id >= 0 ? PHS_NAMES_LABEL_BEFORE - id : -1;
}

/* The bytes the front end stops at before a newline (or a carriage return and a newline): a label's colon, or a blank
   after it. */
static inline int label_event_byte(uint8_t b) { return b == ':' || b == ' ' || b == '\t'; }

/* Does a label alone end the line whose newline follows j (a label_event_byte; the front end's events)? */
static inline int label_ends_at(const phs_names *d, const uint8_t *p, size_t n, size_t j) {
    size_t le = j + 1 + (j + 1 < n && p[j + 1] == '\r');
    return le < n && p[le] == '\n' && label_before(d, p, le + 1) != -1;
}

/* signoff_before's facts of the text alone, a sign-off, a field label or a speaker, for the line at ls (0 < ls,
   p[ls - 1] a newline): what the front end asks of a line's first capitalised word (a card's city line needs no
   asking: the search of its unit line goes on to it). */
static int32_t text_fact_before(const phs_names *d, const uint8_t *p, size_t n, size_t ls) {
    int32_t c = signoff_ending(d, p, ls - 1);
    if (c >= 0) return c;
    int32_t l = label_before(d, p, ls);
    if (l != -1) return l;
    if (!speaker_shape(p, ls, n)) return c;
    size_t start = line_start_within(p, ls - 1);
    return start != SIZE_MAX && speaker_line(d, p, start, ls - 1) ? PHS_NAMES_SPEAKER_BEFORE : -1;
}

static int32_t signoff_before(const phs_names *d, const uint8_t *p, size_t n, size_t ls, int32_t before) {
    if (ls == 0) return before;
    if (p[ls - 1] != '\n') return -1;
    if (city_line_start(p, n, ls) && card_before(d, p, ls)) return PHS_NAMES_CARD_BEFORE;
    if (d->card_cities && tail_line_shaped(p, n, ls)) {
        int32_t t = card_tail_fact(d, p, ls, before);
        if (t) return t;
    }
    if (d->card_cities && street_line_start(p, n, ls) && card_street_shaped(p, ls, line_end(p, n, ls))) {
        int32_t h = head_fact(d, p, ls, before);
        if (h) return h;
    }
    return text_fact_before(d, p, n, ls);
}

/* Words a window keeps from the one before it (cue phrases end there) and leaves to the next one (lookahead). */
#define WINDOW_OVERLAP 8

/* Every name in p[0..n) (one line, or the part of one that a search covers), searched word by word. `signoff`: the
   cue phrase of a sign-off line right before p, when p starts a line (else -1). */
static int32_t find_all(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, phs_name_token *tok,
                        int32_t tok_cap, phs_name_span *out, int32_t out_cap, int32_t count) {
    int32_t first = count;
    /* The value line of a field label alone on the line before: reported whole (trimmed, at most LABEL_VALUE_MAX
       bytes; the field's value shape decides in the scanner), first among the line's spans, and the line is searched
       for names as any other ("Phone:" then "John Smith": the phone's shape refuses the line, the name stays found).
       The only span that other spans of its line may overlap. */
    phs_name_span label = {0, 0, 0, -1};
    if (signoff <= PHS_NAMES_LABEL_BEFORE) {
        size_t s = past_indent(p, 0, n), e = trimmed_end(p, s, n);
        if (e - s > LABEL_VALUE_MAX) e = s + LABEL_VALUE_MAX;
        /* A line that is itself a key and its value ("  street: 12 Main St" of a YAML mapping) is no value: its own
           key is found by the field rules. */
        size_t k = s;
        while (k < e && k - s <= LABEL_MAX && (is_ascii_letter(p[k]) || (uint8_t)(p[k] - '0') < 10 || p[k] == '_' ||
                                               p[k] == '-' || p[k] == ' ' || p[k] == '.'))
            k++;
        int keyed = k > s && k < e && p[k] == ':' && (k + 1 == e || p[k + 1] == ' ' || p[k + 1] == '\t');
        if (s < e && !keyed)
            label = (phs_name_span){(int32_t)s, (int32_t)e, PHS_NAME_LABEL_VALUE, PHS_NAMES_LABEL_BEFORE - signoff};
        signoff = -1;
    }
    /* An address card's line, by what the line before says: its city after the unit line, its postcode after the
       city or state line, its street after the head; reported whole, and no name search starts inside it. */
    if (signoff <= PHS_NAMES_CARD_BEFORE) {
        size_t cs, ce;
        int32_t kind = card_line_span(d, p, n, signoff, &cs, &ce);
        if (kind && count < out_cap) out[count++] = (phs_name_span){(int32_t)cs, (int32_t)ce, kind, 0};
        signoff = -1;
    }
    size_t off = 0;
    int32_t k0 = 0;
    /* Written without capitals (lower-case chat), in the line or a quoted string: the lower-case shapes apply. */
    lower_spans lower;
    find_lower_spans(p, n, &lower);
    for (;;) {
        int32_t nt = tokenize(p + off, n - off, tok, tok_cap);
        int full = nt == tok_cap;
        int32_t k1 = full ? nt - WINDOW_OVERLAP : nt;
        /* Words inside a name the previous window found are not started from again. */
        while (count > first && k0 < k1 && (size_t)tok[k0].start + off < (size_t)out[count - 1].end) k0++;
        int32_t before = count;
        find_in_window(d, p + off, n - off, off == 0 ? signoff : -1, &lower, off, tok, nt, k0, k1, out, out_cap,
                       &count);
        for (int32_t i = before; i < count; i++) {
            out[i].start += (int32_t)off;
            out[i].end += (int32_t)off;
        }
        if (!full || count >= out_cap) break;
        /* The next window starts WINDOW_OVERLAP words before k1, so a cue phrase ending at k1 is still seen, and
           takes names from k1 on (or from the end of the last name found, if that is later). */
        off += (size_t)tok[k1 - WINDOW_OVERLAP].start;
        k0 = WINDOW_OVERLAP;
    }
    if (count < out_cap) same_line_mentions(d, p, n, out, out_cap, first, &count);
    if (label.detail >= 0 && count < out_cap) {
        memmove(out + first + 1, out + first, (size_t)(count - first) * sizeof(phs_name_span));
        out[first] = label;
        count++;
    }
    return count;
}

/* ---- candidates ------------------------------------------------------------------------------------------------
   Most text holds no name, and tokenising every word of it costs more than the rest of the scan. So the block is
   searched (16 bytes at a time) for what can start or announce a name: a capitalised word (an upper-case letter
   after a non-letter, before a lower-case one), a byte outside ASCII, and "name" in any case (lower-case names
   after "my name is"). A capitalised word whose previous word does not end a cue, that has no capitalised or
   particle neighbour, and that is no single given name is dismissed with one or two table probes; any other
   candidate has its whole line searched word by word (find_all), so what is found on a line never depends on
   this front end, only which lines are searched. A roster (matched case-folded, also in lower case) turns the front
   end off. */

static inline int ascii_upper(uint8_t b) { return (uint8_t)(b - 'A') < 26; }
/* The marks after a cue word that a name in capitals or an initial may follow, one space on ("Name: ", "regards, ",
   "DR. "): label_caps in the vector masks. */
static inline int label_mark(uint8_t b) { return b == ':' || b == ',' || b == '.'; }
static inline int ascii_lower(uint8_t b) { return (uint8_t)(b - 'a') < 26; }
static inline int word_byte(uint8_t b) { return is_ascii_letter(b) || (uint8_t)(b - '0') < 10 || b == '_' || b >= 0x80; }

/* "name" as a word of its own followed by a space, colon or apostrophe ("my name is", "Name:", "name's"): a strong
   cue after which lower-case names count. Not "username", not a JSON key (field context handles those). */
static inline int is_name_at(const uint8_t *p, size_t n, size_t i) {
    return i + 5 <= n && (i == 0 || !word_byte(p[i - 1])) && (p[i] | 0x20) == 'n' && (p[i + 1] | 0x20) == 'a' &&
           (p[i + 2] | 0x20) == 'm' && (p[i + 3] | 0x20) == 'e' &&
           (p[i + 4] == ' ' || p[i + 4] == ':' || p[i + 4] == '\'' || p[i + 4] == 0xE2);
}

/* The lower-case word starts that can begin a cue before a lower-case name in chat: "my" (my son ethan), "im" and
   "i'" (i'm maria), "dr", "mr", "ms" (dr patel, ms. varnum). Rare at word starts in logs, so cheap to check. */
static inline int is_lower_cue_start(uint8_t a, uint8_t b) {
    if (a == 'm') return b == 'y' || b == 'r' || b == 's';
    if (a == 'i') return b == 'm' || b == '\'';
    if (a == 'd') return b == 'r';
    return 0;
}

static inline int is_lower_cue_at(const uint8_t *p, size_t n, size_t i) {
    if (i + 2 >= n || (i > 0 && word_byte(p[i - 1]))) return 0;
    /* "me" as a word of its own ends "call me", "people call me" (not "message", "method"). */
    if (p[i] == 'm' && p[i + 1] == 'e') return p[i + 2] == ' ';
    /* "I'm" as "i'm": the capital is no candidate of its own before an apostrophe ("Hi, I'm jane doe"). */
    return is_lower_cue_start(p[i] == 'I' ? 'i' : p[i], p[i + 1]);
}

static inline int is_candidate(const uint8_t *p, size_t n, size_t i) {
    uint8_t b = p[i];
    if (b >= 0x80) return b >= 0xC0 || (i + 1 < n && is_ascii_letter(p[i + 1]));
    if (ascii_upper(b) && (i == 0 || !word_byte(p[i - 1]) || (i >= 2 && p[i - 2] == '\\')) && i + 1 < n &&
        ascii_lower(p[i + 1]))
        return 1;
    /* "NAME:" in capitals is no capitalised word but still a cue (as in the vector masks); so is a capital right
       after ": ", ", " or ". ". */
    if (ascii_upper(b) && i >= 2 && p[i - 1] == ' ' && label_mark(p[i - 2])) return 1;
    return is_name_at(p, n, i) || is_lower_cue_at(p, n, i);
}

/* 32 bytes at a time with the compiler's vector types: AVX2 in the x86-64-v3 clone of phs_names_find, two SSE2
   halves in the baseline one. Lanes are 0 or -1; `lanes_mask` packs their top bits into a 32-bit mask. */
/* Every helper below is inlined into phs_names_find, so no 32-byte vector crosses a call (the ABI note is moot). */
#pragma clang diagnostic ignored "-Wpsabi"
typedef int8_t v32 __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) v32 load32(const uint8_t *p) {
    v32 v;
    memcpy(&v, p, 32);
    return v;
}

static inline __attribute__((always_inline)) uint32_t lanes_mask(v32 m) {
    uint64_t w[4];
    memcpy(w, &m, 32);
    uint32_t r = 0;
    for (int k = 0; k < 4; k++)
        r |= (uint32_t)(((w[k] & 0x8080808080808080ULL) * 0x0002040810204081ULL) >> 56) << (8 * k);
    return r;
}

static inline __attribute__((always_inline)) v32 range32(v32 v, int lo, int hi) {
    return (v >= (int8_t)lo) & (v <= (int8_t)hi);
}

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
/* Unsigned range checks as one signed compare: x - lo + 0x80 (wrapping) lies in [-128, hi - lo - 128] exactly when x
   lies in [lo, hi] (the AVX2 masks below). */
#define IN(x, lo, hi) _mm256_cmpgt_epi8(_mm256_set1_epi8((char)((hi) - (lo) - 127)), \
                                        _mm256_add_epi8(x, _mm256_set1_epi8((char)(128 - (lo)))))
/* Candidate bits of the 32 bytes at p with AVX2 (p - 2 and p + 33 must be readable). */
static inline __attribute__((target("avx2"), always_inline)) uint32_t chunk_mask_avx2(const uint8_t *p, uint32_t *upper,
                                                                                      uint32_t *nl, uint32_t *colon,
                                                                                      uint32_t *quote) {
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    *quote = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')));
    __m256i prev = _mm256_loadu_si256((const __m256i *)(p - 1));
    __m256i next = _mm256_loadu_si256((const __m256i *)(p + 1));
    __m256i prev_low = _mm256_or_si256(prev, _mm256_set1_epi8(0x20));
    __m256i prev_word = _mm256_or_si256(_mm256_or_si256(IN(prev_low, 'a', 'z'), IN(prev, '0', '9')),
                                        _mm256_or_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8('_')),
                                                        _mm256_cmpgt_epi8(_mm256_setzero_si256(), prev)));
    /* After an escape (\n, \r, \t in a JSON string) a word starts: two bytes after any backslash is a candidate
       (the tokenizer tells a real escape from "\\n"). */
    __m256i prev2 = _mm256_loadu_si256((const __m256i *)(p - 2));
    __m256i esc = _mm256_cmpeq_epi8(prev2, _mm256_set1_epi8('\\'));
    prev_word = _mm256_andnot_si256(esc, prev_word);
    __m256i up = IN(v, 'A', 'Z');
    *upper = (uint32_t)_mm256_movemask_epi8(up);
    *nl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
    __m256i cap = _mm256_and_si256(up, IN(next, 'a', 'z'));
    /* A capital right after ": ", ", " or ". " (a label or a cue before a name in capitals or an initial:
       "PATIENT: JOHN SMITH", "regards, JOHN", "DR. JOHN", "Mr. P."). */
    __m256i punct2 = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(prev2, _mm256_set1_epi8(':')),
                                                     _mm256_cmpeq_epi8(prev2, _mm256_set1_epi8(','))),
                                     _mm256_cmpeq_epi8(prev2, _mm256_set1_epi8('.')));
    __m256i label_caps = _mm256_and_si256(_mm256_and_si256(up, _mm256_cmpeq_epi8(prev, _mm256_set1_epi8(' '))), punct2);
    /* The third byte as the scalar tests read it: "nam" of "name" (is_name_at), "me " (is_lower_cue_at). Without it,
       "metrics", "medication", "message" and "national" were a sixth of the candidates in application logs. */
    __m256i next2 = _mm256_loadu_si256((const __m256i *)(p + 2));
    __m256i na = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('n')),
                                  _mm256_cmpeq_epi8(_mm256_or_si256(next, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a')));
    na = _mm256_and_si256(na, _mm256_cmpeq_epi8(_mm256_or_si256(next2, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('m')));
    /* Lower-case cue starts: "my", "me ", "ms", "mr", "dr", "im", "i'", "I'" (see is_lower_cue_at). */
    __m256i m_ = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('m'));
    __m256i md = _mm256_or_si256(m_, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('d')));
    __m256i im = _mm256_or_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('m')), _mm256_cmpeq_epi8(next, _mm256_set1_epi8('\'')));
    __m256i me = _mm256_and_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('e')), _mm256_cmpeq_epi8(next2, _mm256_set1_epi8(' ')));
    __m256i my = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('y')), me),
                                 _mm256_cmpeq_epi8(next, _mm256_set1_epi8('s')));
    __m256i lc = _mm256_or_si256(
        _mm256_or_si256(_mm256_and_si256(m_, my),
                        _mm256_and_si256(md, _mm256_cmpeq_epi8(next, _mm256_set1_epi8('r')))),
        _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('i')), im));
    /* A capital, "na" or a lower-case cue start counts only at the start of a word. */
    __m256i starts = _mm256_andnot_si256(prev_word, _mm256_or_si256(_mm256_or_si256(cap, na), lc));
    /* Outside ASCII: a byte that starts a character (0xC0 and up), and the last byte of one glued to an ASCII letter
       ("—Kevin", "“Kevin": the capital itself is no word start, its byte before counting as a word byte). */
    __m256i lead = _mm256_and_si256(v, _mm256_cmpgt_epi8(v, _mm256_set1_epi8((char)0xBF)));
    __m256i next_low = _mm256_or_si256(next, _mm256_set1_epi8(0x20));
    __m256i glued = _mm256_and_si256(v, IN(next_low, 'a', 'z'));
    /* A colon or a blank that ends its line (a newline next, or a carriage return and a newline): a field label
       alone there, perhaps with blanks after its colon. */
    __m256i line_end = _mm256_or_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('\n')),
                                       _mm256_and_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('\r')),
                                                        _mm256_cmpeq_epi8(next2, _mm256_set1_epi8('\n'))));
    __m256i label_end = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(':')),
                                        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')),
                                                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t'))));
    *colon = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(label_end, line_end));
    return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(starts, label_caps), _mm256_or_si256(lead, glued)));
}
#endif

/* The same with the compiler's vector types (two SSE2 halves on the baseline). */
static inline __attribute__((always_inline)) uint32_t chunk_mask_generic(const uint8_t *p, uint32_t *upper,
                                                                          uint32_t *nl, uint32_t *colon,
                                                                          uint32_t *quote) {
    v32 v = load32(p), prev = load32(p - 1), next = load32(p + 1), prev2 = load32(p - 2), next2 = load32(p + 2);
    *quote = lanes_mask(v == (int8_t)'"');
    *upper = lanes_mask(range32(v, 'A', 'Z'));
    *nl = lanes_mask(v == (int8_t)'\n');
    v32 prev_low = prev | (int8_t)0x20;
    v32 prev_word = range32(prev_low, 'a', 'z') | range32(prev, '0', '9') | (prev == (int8_t)'_') | (prev < (int8_t)0);
    prev_word &= ~(prev2 == (int8_t)'\\');
    v32 cap = range32(v, 'A', 'Z') & range32(next, 'a', 'z');
    v32 na = ((v | (int8_t)0x20) == (int8_t)'n') & ((next | (int8_t)0x20) == (int8_t)'a') & ((next2 | (int8_t)0x20) == (int8_t)'m');
    v32 m_ = v == (int8_t)'m';
    v32 me = (next == (int8_t)'e') & (next2 == (int8_t)' ');
    v32 lc = (m_ & ((next == (int8_t)'y') | me | (next == (int8_t)'s'))) | ((m_ | (v == (int8_t)'d')) & (next == (int8_t)'r')) |
             (((v | (int8_t)0x20) == (int8_t)'i') & ((next == (int8_t)'m') | (next == (int8_t)'\'')));
    v32 label_caps = range32(v, 'A', 'Z') & (prev == (int8_t)' ') &
                     ((prev2 == (int8_t)':') | (prev2 == (int8_t)',') | (prev2 == (int8_t)'.'));
    v32 outside = (v < (int8_t)0) & ((v > (int8_t)0xBF) | range32(next | (int8_t)0x20, 'a', 'z'));
    *colon = lanes_mask(((v == (int8_t)':') | (v == (int8_t)' ') | (v == (int8_t)'\t')) &
                        ((next == (int8_t)'\n') | ((next == (int8_t)'\r') & (next2 == (int8_t)'\n'))));
    return lanes_mask(((cap | na | lc) & ~prev_word) | label_caps | outside);
}

/* Where two lower-case words meet in the 32 bytes at p (a lower-case letter, a space, a lower-case letter; p + 33
   readable): asked only in chunks that a quoted string without capitals may run through. */
static inline __attribute__((always_inline)) uint32_t pair_mask_generic(const uint8_t *p) {
    v32 v = load32(p), next = load32(p + 1), next2 = load32(p + 2);
    return lanes_mask(range32(v, 'a', 'z') & (next == (int8_t)' ') & range32(next2, 'a', 'z'));
}

#if defined(__x86_64__) && defined(__linux__)
static inline __attribute__((target("avx2"), always_inline)) uint32_t pair_mask_avx2(const uint8_t *p) {
    __m256i v = _mm256_loadu_si256((const __m256i *)p), next = _mm256_loadu_si256((const __m256i *)(p + 1));
    __m256i next2 = _mm256_loadu_si256((const __m256i *)(p + 2));
    return (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
        _mm256_and_si256(IN(v, 'a', 'z'), _mm256_cmpeq_epi8(next, _mm256_set1_epi8(' '))), IN(next2, 'a', 'z')));
}
#undef IN
#endif

/* End of the ASCII word that starts at i (letters, with an apostrophe or hyphen between letters); sets *non_ascii when
   it runs into a byte outside ASCII. */
static inline size_t ascii_word_end(const uint8_t *p, size_t n, size_t i, int *non_ascii) {
    *non_ascii = 0;
    while (i < n) {
        /* Letters eight at a time where eight bytes are readable (identifiers in logs run long: ThreadPoolExecutor). */
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, p + i, 8);
            uint64_t other = ~ascii_letter_bytes(v) & 0x8080808080808080ULL;
            if (!other) { i += 8; continue; }
            i += (size_t)__builtin_ctzll(other) / 8;
        }
        uint8_t b = p[i];
        if (is_ascii_letter(b)) { i++; continue; }
        if (b >= 0x80) { *non_ascii = 1; return i; }
        if ((b == '\'' || b == '-') && i + 1 < n && is_ascii_letter(p[i + 1])) { i++; continue; }
        break;
    }
    return i;
}

static inline uint64_t ascii_fold_hash(const uint8_t *p, size_t a, size_t b);

/* fold_hash for a word of ASCII letters and apostrophes only. A word without an apostrophe whose 8-byte chunks are
   readable from its start (most) is folded chunk by chunk in place, the last chunk masked to the word: the same
   chunks phs_name_hash reads from the folded copy. Identifiers in logs run long (ThreadPoolExecutor), so words over
   8 letters take this path too. */
static inline uint64_t ascii_fold_hash_n(const uint8_t *p, size_t n, size_t a, size_t b) {
    size_t len = b - a;
    if (len >= 1 && len <= MAX_WORD && a + ((len + 7) & ~(size_t)7) <= n) {
        uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)len;
        for (size_t k = 0; k < len; k += 8) {
            uint64_t c;
            memcpy(&c, p + a + k, 8);
            uint64_t keep = len - k >= 8 ? ~0ULL : ((1ULL << (8 * (len - k))) - 1);
            c &= keep;
            /* No apostrophe among the kept bytes (it would be dropped, and 0x27|0x20 is itself). */
            uint64_t x = c ^ (0x2727272727272727ULL & keep);
            if (((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) & keep) return ascii_fold_hash(p, a, b);
            h = mix_chunk(h, c | (0x2020202020202020ULL & keep));
        }
        return hash_finish(h);
    }
    return ascii_fold_hash(p, a, b);
}

static inline uint64_t ascii_fold_hash(const uint8_t *p, size_t a, size_t b) {
    uint8_t buf[MAX_WORD];
    size_t m = 0;
    for (size_t i = a; i < b; i++) {
        uint8_t c = p[i];
        if (c == '\'') continue;
        if (m == MAX_WORD) return 0;
        buf[m++] = c | 0x20;
    }
    return phs_name_hash(buf, m);
}

/* The end of the ASCII word at i (letters and apostrophes) and its folded hash (0 when none). */
static inline uint64_t word_at(const uint8_t *p, size_t n, size_t i, size_t *end) {
    int non_ascii;
    size_t e = ascii_word_end(p, n, i, &non_ascii);
    *end = e;
    return (non_ascii || e == i || e - i > MAX_WORD) ? 0 : ascii_fold_hash_n(p, n, i, e);
}

/* After the word at c, a strong cue or title (or "my" and one: "my son"), does a lower-case dictionary name follow
   ("i'm maria", "my son ethan", "dr patel")? Lower-case words are not candidates of their own; this is how chat
   typed without capitals gets its line searched. */
static int lower_name_follows(const phs_names *d, const uint8_t *p, size_t n, size_t c) {
    size_t e;
    uint64_t h = word_at(p, n, c, &e);
    for (int hop = 0; hop < 2 && h; hop++) {
        int64_t slot = table_find(&d->cues, h);
        uint16_t f = slot >= 0 ? d->cues.flags[slot] : 0;
        size_t k = e;
        if (k < n && p[k] == '.') k++;
        if (k >= n || p[k] != ' ') return 0;
        k++;
        if (f & PHS_NAME_STRONG_END) {
            if (k >= n || !(ascii_lower(p[k]) || p[k] >= 0x80)) return 0;
            /* The search takes a lower-case dictionary name here, and a word no list holds (rubija, višeslav: a word
               written partly outside ASCII has no hash here, the search folds it). */
            size_t e2;
            uint64_t h2 = word_at(p, n, k, &e2);
            if (!h2) return e2 > k || p[k] >= 0x80;
            uint16_t nf = probe_names(d, h2);
            return nf == 0 || ((nf & (PHS_NAME_GIVEN | PHS_NAME_SURNAME)) && !(nf & PHS_NAME_COMMON));
        }
        /* "my" + a kinship noun: one more word. */
        h = word_at(p, n, k, &e);
    }
    return 0;
}

/* Front-end forms of the record, pair and speaker shapes above: each says yes whenever the word-by-word search could
   find a name there (it may say yes more often), so what is found never depends on the front end. */

/* Could the word at c start a record (see record_start)? */
static inline int record_start_at(const uint8_t *p, size_t c) {
    int mark = 0;
    for (size_t i = c, steps = 0; i > 0; i--, steps++) {
        uint8_t b = p[i - 1];
        if (b == '\n' || steps >= 64) return 1;
        if (is_ascii_letter(b) || (uint8_t)(b - '0') < 10 || b >= 0x80) return mark;
        if (b == '>' || b == '|' || b == '"') mark = 1;
    }
    return 1;
}

/* Do up to five words from c, one space apart, end in a column break, or, none a long word in lower case, end the line
   (see record_head)? */
static inline int head_follows(const uint8_t *p, size_t n, size_t c) {
    size_t i = c;
    int lower = 0;
    for (int w = 0; w < 5; w++) {
        size_t s0 = i;
        while (i < n && (is_ascii_letter(p[i]) || p[i] >= 0x80 || p[i] == '\'' || p[i] == '-' || p[i] == '.')) i++;
        if (i == s0) return 0;
        if (column_break_at(p, n, i)) return 1;
        lower |= ascii_lower(p[s0]) && i - s0 > 3;
        if (w > 0 && !lower && line_ends_at(p, n, i)) return 1;
        if (i + 1 >= n || p[i] != ' ') return 0;
        i++;
    }
    return 0;
}

/* Is the word before c (one space before it) capitalised or written outside ASCII? */
static inline int cap_word_before(const uint8_t *p, size_t c) {
    if (c < 3 || p[c - 1] != ' ') return 0;
    size_t i = c - 1;
    while (i > 0 && (is_ascii_letter(p[i - 1]) || p[i - 1] >= 0x80 || p[i - 1] == '\'' || p[i - 1] == '-')) i--;
    while (i < c - 1 && p[i] == '\'') i++; /* a quote before the word ('Weronika Porto') is no part of it */
    return i < c - 1 && (ascii_upper(p[i]) || p[i] >= 0x80);
}

/* ", can" / ", would" ... after the word ending at e (see addressed_follow). */
static inline int addressed_after(const uint8_t *p, size_t n, size_t e) {
    if (e + 2 >= n || p[e] != ',' || p[e + 1] != ' ' || !ascii_lower(p[e + 2])) return 0;
    size_t i = e + 2;
    while (i < n && ascii_lower(p[i])) i++;
    phs_name_token t = {.start = (int32_t)(e + 2), .end = (int32_t)i, .shape = SHAPE_LOWER};
    return addressed_follow(p, &t);
}

/* Is the ASCII word p[c..<e) (a capital, then a lower-case letter) CamelCase as tokenize judges it: a capital after a
   lower-case letter, no hyphen or apostrophe (those reset the test there), and no Gaelic prefix (Mc, Mac)? With
   p[c + 1] lower case, any capital from c + 2 on follows a lower-case letter somewhere. */
static inline int camel_case(const uint8_t *p, size_t c, size_t e) {
    if (e - c < 3 || p[c + 1] == 'c' || (p[c + 1] == 'a' && p[c + 2] == 'c')) return 0;
    int upper = 0;
    for (size_t i = c + 2; i < e; i++) {
        if (p[i] == '-' || p[i] == '\'') return 0;
        upper |= ascii_upper(p[i]);
    }
    return upper;
}

/* Does the capitalised word at c call for its line to be searched? */
/* Does a residence cue end with the word at ws (hash h), by the word before it (place_pairs)? */
static int place_cue_ends(const phs_names *d, const uint8_t *p, size_t n, size_t ws, uint64_t h) {
    size_t j = ws;
    while (j > 0 && ws - j < 3 && (p[j - 1] == ' ' || p[j - 1] == '\t')) j--;
    if (j == ws || j == 0) return 0;
    size_t s = j;
    while (s > 0 && j - s <= MAX_WORD && (is_ascii_letter(p[s - 1]) || p[s - 1] >= 0x80 || p[s - 1] == '\'')) s--;
    if (s == j || j - s > MAX_WORD) return 0;
    int ok = 1;
    uint64_t before = fold_hash(p, n, s, j, &ok);
    return ok && before && place_pair_has(d, pair_key(before, h));
}

/* The top bit of each byte of v equal to b (exact: no borrow runs from one byte into the next). */
static inline uint64_t bytes_equal(uint64_t v, uint8_t b) {
    uint64_t x = v ^ (0x0101010101010101ULL * b);
    return ~(((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | x) & 0x8080808080808080ULL;
}

/* Where the word of ASCII letters, bytes outside ASCII and apostrophes that ends at j starts (the word before a
   candidate, for its cue check); sets *ascii to whether it holds no byte outside ASCII and adds its apostrophes to
   *apostrophes. Eight bytes at a time back from j: cue words and the words before capitals run long. */
static inline size_t word_start_before(const uint8_t *p, size_t j, int *ascii, size_t *apostrophes) {
    const uint64_t high = 0x8080808080808080ULL;
    size_t ws = j;
    while (ws >= 8) {
        uint64_t v;
        memcpy(&v, p + ws - 8, 8);
        uint64_t quote = bytes_equal(v, '\'');
        uint64_t word = ascii_letter_bytes(v) | (v & high) | quote;
        uint64_t other = ~word & high;
        if (other) {
            /* The word's bytes in this chunk are those above the highest other byte (whose top bit is `top`). */
            int top = 63 - __builtin_clzll(other);
            if (top == 63) return ws;
            uint64_t in_word = ~0ULL << (top + 1);
            *ascii &= (v & high & in_word) == 0;
            *apostrophes += (size_t)__builtin_popcountll(quote & in_word);
            return ws - 8 + (size_t)(top + 1) / 8;
        }
        *ascii &= (v & high) == 0;
        *apostrophes += (size_t)__builtin_popcountll(quote);
        ws -= 8;
    }
    while (ws > 0 && (is_ascii_letter(p[ws - 1]) || p[ws - 1] >= 0x80 || p[ws - 1] == '\'')) {
        ws--;
        *ascii &= p[ws] < 0x80;
        *apostrophes += p[ws] == '\'';
    }
    return ws;
}

static int cap_needs_line(const phs_names *d, const uint8_t *p, size_t n, size_t c) {
    int non_ascii;
    size_t e = ascii_word_end(p, n, c, &non_ascii);
    if (non_ascii) return 1;
    if (e < n && ((uint8_t)(p[e] - '0') < 10 || p[e] == '_')) return 0;
    int cue_before = 0;
    /* The word before: does a cue phrase end there? (Up to three separator bytes between; initials between are
       passed over, as the search takes them into the name: "with P.O. Smith", "Patient J. Smith".) */
    size_t j = c, seps = 0;
    for (int initials = 0;; initials++) {
        seps = 0;
        while (j > 0 && seps < MAX_LABEL_PAD + 1) {
            if (p[j - 1] == ' ' || p[j - 1] == '\t' || p[j - 1] == ',' || p[j - 1] == ':' || p[j - 1] == '.' || p[j - 1] == '?') j--;
            else if (j >= 2 && escape_letter_at(p, j - 1)) j -= 2; /* "regards,\nTamsin" */
            /* A JSON key's quotes ("from": "Artur", \"caller\":\"Artur\" in a string), as tokenize reads them. */
            else if (p[j - 1] == '"') j -= (j >= 2 && p[j - 2] == '\\') ? 2 : 1;
            else break;
            seps++;
        }
        if (initials < 3 && seps > 0 && j >= 1 && ascii_upper(p[j - 1]) && p[j] == '.' &&
            (j == 1 || !(is_ascii_letter(p[j - 2]) || p[j - 2] >= 0x80 || p[j - 2] == '\'')))
            j--;
        else
            break;
    }
    if (seps > 0 && j > 0 && (is_ascii_letter(p[j - 1]) || p[j - 1] >= 0x80)) {
        int ascii = 1;
        size_t apostrophes = 0;
        size_t ws = word_start_before(p, j, &ascii, &apostrophes);
        /* A quote before the word is no part of it ('Attn: ...', 'Dear ...' in a quoted string), as in tokenize. */
        while (ws < j && p[ws] == '\'') { ws++; apostrophes--; }
        size_t letters = j - ws - apostrophes;
        uint8_t first = (uint8_t)((p[ws] | 0x20) - 'a');
        /* A cue word starts with a letter; the shape check needs an ASCII one. */
        int shape_ok = (d->cue_other || !ascii || (letters <= 15 && first < 26 && (d->cue_shape[letters] >> first & 1)))
                       && ws < j;
        if (shape_ok && j - ws <= MAX_WORD) {
            int ok = 1;
            uint64_t h = ascii ? ascii_fold_hash_n(p, n, ws, j) : fold_hash(p, n, ws, j, &ok);
            int64_t slot = ok && h ? table_find(&d->cues, h) : -1;
            if (slot >= 0 && (d->cues.flags[slot] & (PHS_NAME_CUE_END | PHS_NAME_PLACE_END))) {
                /* After a strong cue or honorific any capitalised word may be a name; after a weak one only a
                   dictionary word or a word followed by another capitalised word can start one. */
                if (d->cues.flags[slot] & PHS_NAME_STRONG_END) return 1;
                /* After a residence cue ("grew up in Remniku") the word may be a city: the word before the cue's
                   last one tells "lives in" from "connected to". */
                if ((d->cues.flags[slot] & PHS_NAME_PLACE_END) && place_cue_ends(d, p, n, ws, h)) return 1;
                if (d->cues.flags[slot] & PHS_NAME_CUE_END) cue_before = 1;
            }
        }
    }
    /* What follows: a capitalised word, an initial, a particle, or ", " and a capital can continue a name. */
    size_t k = e;
    if (k < n && p[k] == ',') k++;
    size_t sp = 0;
    while (k < n && sp < 3 && (p[k] == ' ' || p[k] == '\t')) { k++; sp++; }
    if (cue_before && sp > 0 && k < n && (ascii_upper(p[k]) || p[k] >= 0x80)) return 1;
    /* A word that never starts a name (a month, weekday, log level or product: Nov, Tuesday, Linux), after no
       strong cue, no weak cue before a capital, and not starting "My son ethan": only a capitalised word before it
       could make it part of a name, and that word is a candidate of its own. One probe of the small cue table, before
       the checks that follow, which a word that is no cue never passes; most capitalised words in logs are these. */
    uint64_t word_hash = e - c <= MAX_WORD ? ascii_fold_hash_n(p, n, c, e) : 0;
    int64_t self = word_hash ? table_find(&d->cues, word_hash) : -1;
    int lower_cue_next = sp == 1 && k < n && ascii_lower(p[k]) && is_lower_cue_start(p[c] | 0x20, p[c + 1]);
    if (self >= 0 && !lower_cue_next &&
        (d->cues.flags[self] & (PHS_NAME_STOP | PHS_NAME_CUE_END | PHS_NAME_STOP_GIVEN)) == PHS_NAME_STOP)
        return 0;
    /* A CamelCase identifier (ThreadPoolExecutor, NioEventLoop: a capital after a lower-case letter, not McDonald or
       MacLeod, no hyphen or apostrophe) is never a word of a name (tokenize makes it SHAPE_BAD), so only its being a
       cue could matter, and the cue checks above and the words after it look at that. A seventh of the candidates in
       application logs; dismissed before the dictionary probe. */
    if (!lower_cue_next && camel_case(p, c, e) && !(self >= 0 && (d->cues.flags[self] & PHS_NAME_CUE_END))) return 0;
    /* The next word can continue a name: a capital, a non-ASCII letter, or a short lower-case particle (van, de). */
    int next_word = sp > 0 && k < n && (ascii_upper(p[k]) || p[k] >= 0x80);
    if (!next_word && sp > 0 && k < n && ascii_lower(p[k])) {
        int na2;
        size_t e2 = ascii_word_end(p, n, k, &na2);
        if (na2) next_word = 1;
        else if (e2 - k <= 5) {
            int64_t slot = table_find(&d->cues, ascii_fold_hash_n(p, n, k, e2));
            next_word = slot >= 0 && (d->cues.flags[slot] & PHS_NAME_PARTICLE);
        }
    }
    /* "Attn: JOHN SMITH", "Provider: DR. ANITA SORENSEN": a capitalised cue before a name in capitals. */
    {
        size_t q = e;
        if (q < n && (p[q] == ':' || p[q] == '.' || p[q] == ',')) q++;
        size_t sp2 = 0;
        while (q < n && sp2 < MAX_LABEL_PAD && (p[q] == ' ' || p[q] == '\t')) { q++; sp2++; }
        if (sp2 > 0 && q + 1 < n && ascii_upper(p[q]) && ascii_upper(p[q + 1]) && e - c <= MAX_WORD) {
            if (self >= 0 && (d->cues.flags[self] & PHS_NAME_CUE_END)) return 1;
        }
        /* "Mr. ethan", "Provider: ethan", "Dr P. Okafor": after a strong cue or title the search takes a lower-case
           name or an initial too. */
        if (sp2 > 0 && q < n && (is_ascii_letter(p[q]) || p[q] >= 0x80) && self >= 0 &&
            (d->cues.flags[self] & PHS_NAME_STRONG_END))
            return 1;
    }
    /* "Patient: dustin potter", "Contact maria gonzalez": a capitalised cue before a lower-case given name and
       another lower-case word (the search takes the pair when the dictionary holds both). */
    if (self >= 0 && (d->cues.flags[self] & PHS_NAME_CUE_END) && d->dict) {
        size_t q = e;
        if (q < n && p[q] == ':') q++;
        if (q < n && p[q] == ' ') q++;
        size_t e2;
        uint64_t h2 = q > e && q < n && ascii_lower(p[q]) ? word_at(p, n, q, &e2) : 0;
        if (h2 && e2 + 1 < n && p[e2] == ' ' && ascii_lower(p[e2 + 1]) && given_hash(d, h2)) return 1;
    }
    /* "My son ethan", "Dr patel", "I'm maria": a capitalised cue before a lower-case name. */
    if (lower_cue_next && lower_name_follows(d, p, n, c)) return 1;
    if (!d->pairs && !d->singles && !cue_before) return 0;
    /* A record's heading, or a person addressed ("Warrane, can I ..."), whether or not the dictionary knows them. */
    if (d->pairs && record_start_at(p, c) && head_follows(p, n, c)) return 1;
    if (d->pairs && addressed_after(p, n, e)) return 1;
    /* A middle initial and a capitalised word after it ("Mohmad R. Vizirov", "Jildau S Bouts"). */
    if (d->pairs && sp == 1 && p[e] == ' ' && k + 3 < n && ascii_upper(p[k])) {
        size_t q = k + 1 + (p[k + 1] == '.');
        if (q < k + 3 && q + 1 < n && p[q] == ' ' && (ascii_upper(p[q + 1]) || p[q + 1] >= 0x80)) return 1;
    }
    /* A possessive 's is not part of the name (Franciska's). */
    size_t ne = e;
    if (ne - c > 3 && p[ne - 1] == 's' && p[ne - 2] == '\'') ne -= 2;
    uint16_t f = probe_names(d, ne == e && word_hash ? word_hash : ascii_fold_hash_n(p, n, c, ne));
    /* In a pair, a hyphenated word takes the kinds of its parts, as the search's name_flags gives them
       (Hernández-Ruiz): `fp`. Only beside another capitalised word: a lone hyphenated identifier (Go-http-client, a
       few thousand a log) keeps the whole word's answer and is dismissed without a search. */
    uint16_t fp = f;
    if (d->pairs && (next_word || cap_word_before(p, c)) && memchr(p + c, '-', ne - c))
        fp |= part_flags(d, p, n, c, ne);
    /* The second word of a pair that no dictionary holds as English words, shaped like a surname. */
    if (d->pairs && f == 0 && cap_word_before(p, c) && shaped_like_surname(d, p, c, ne)) return 1;
    /* A surname alone that is no English word and no place's name. */
    if (d->singles && (f & PHS_NAME_SURNAME) &&
        !(f & (PHS_NAME_WORD | PHS_NAME_COMMON | PHS_NAME_PLACE_NAME | PHS_NAME_GIVEN | PHS_NAME_PROPER)))
        return 1;
    /* The first item of a list of surnames ("Monjeau, Graves and Reed"; see name_list). */
    if (d->pairs && e < n && p[e] == ',' && sp == 1 && k < n && (ascii_upper(p[k]) || p[k] >= 0x80) &&
        (f == 0 || ((f & PHS_NAME_SURNAME) && !(f & PHS_NAME_COMMON))))
        return 1;
    /* "Dear Zorblat,", "Hi Quennel": a word no list holds after a greeting (see salutation_name). */
    if (cue_before && f == 0 && ((ne < n && (p[ne] == ',' || p[ne] == '!')) || line_ends_at(p, n, ne))) return 1;
    /* "Tell Priyanka her ...": a word no list holds after a cue, then a personal pronoun. */
    if (cue_before && f == 0 && sp == 1 && k < n && ascii_lower(p[k])) {
        size_t e2;
        uint64_t h2 = word_at(p, n, k, &e2);
        if (h2 && is_pronoun(d, h2)) return 1;
    }
    if (!(fp & (PHS_NAME_GIVEN | PHS_NAME_SURNAME))) return 0;
    if (cue_before) return 1;
    if (d->pairs) {
        /* A surname after a capitalised word (the pair's first word may be one no list holds). */
        if ((fp & PHS_NAME_SURNAME) && !(fp & PHS_NAME_COMMON) && cap_word_before(p, c)) return 1;
        /* A speaker ("Nicole: ..."), a person addressed ("Remember me, Mary?"). */
        if ((f & PHS_NAME_GIVEN) && ne < n && (p[ne] == ':' || ((p[ne] == '?' || p[ne] == '!') && c >= 2 &&
                                                                 p[c - 1] == ' ' && p[c - 2] == ','))) return 1;
    }
    /* A pair starts with a given name, or with a surname that is no common word (Nguyen Van Minh). */
    if (d->pairs && next_word && ((fp & PHS_NAME_GIVEN) || !(fp & PHS_NAME_COMMON))) return 1;
    if (d->singles && (f & PHS_NAME_GIVEN) && !(f & (PHS_NAME_WORD | PHS_NAME_COMMON))) return 1;
    return 0;
}

/* Searches the whole line around candidate c word by word (from its start, at most 4 KiB back and not before `done`,
   then from a word start, to its end); returns the line's end. */
static inline size_t search_line(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, size_t c,
                                 size_t done, phs_name_token *tok, int32_t tok_cap, phs_name_span *out,
                                 int32_t out_cap, int32_t *count) {
    size_t lo = c > 4096 ? c - 4096 : 0;
    if (lo < done) lo = done;
    const uint8_t *nl = lo < c ? phs_last_byte(p + lo, c - lo, '\n') : NULL;
    size_t ls = nl ? (size_t)(nl - p) + 1 : lo;
    while (ls < c && ls > 0 && word_byte(p[ls - 1]) && ls > lo) ls++;
    size_t le = line_end(p, n, c);
    int32_t fact = (ls == 0 || p[ls - 1] == '\n') ? signoff_before(d, p, n, ls, signoff) : -1;
    for (;;) {
        int32_t before = *count;
        *count = find_all(d, p + ls, le - ls, fact, tok, tok_cap, out, out_cap, *count);
        for (int32_t k = before; k < *count; k++) {
            out[k].start += (int32_t)ls;
            out[k].end += (int32_t)ls;
        }
        if (le >= n || *count >= out_cap) return le;
        /* A card's unit line ("Suite 501"), city line or state line: the card's next line is searched too, whatever
           its shape (the front end sees no candidate in "OULU", "SK" or "53650"). */
        fact = city_line_start(p, n, le + 1) && card_before(d, p, le + 1) ? PHS_NAMES_CARD_BEFORE
             : d->card_cities && tail_line_shaped(p, n, le + 1) ? card_tail_fact(d, p, le + 1, signoff) : 0;
        /* A field label alone on its line: its value line is searched too (a number, no candidate of the front end). */
        if (!fact) {
            int32_t l = label_before(d, p, le + 1);
            fact = l != -1 ? l : 0;
        }
        if (!fact) return le;
        ls = le + 1;
        le = line_end(p, n, ls);
    }
}

/* Whether a byte outside ASCII at j (a candidate: a lead byte, or the last byte before an ASCII letter) calls for its
   line to be searched: a letter (a name may start or run through it: Åsa, Željko, José), the two characters the word
   rules read (U+2019 as an apostrophe, U+00A0 as a space), a character glued to the word after it ("—Kevin": the
   front end cannot see that word start), or bytes that are not UTF-8 (Latin-1 text: its letters cannot be told).
   Punctuation, symbols and emoji standing apart (an em dash, curly quotes, an arrow, in many log and chat lines) do
   not: they made every such line be searched word by word, four times the cost of the whole scan on a log with one
   per line. */
static inline int nonascii_needs_line(const uint8_t *p, size_t n, size_t j) {
    uint32_t cp;
    if (p[j] < 0xC0 || !utf8_at(p, n, j, &cp)) return 1;
    return (letter_info(cp) & (1u << 17)) || cp == 0x2019 || cp == 0x00A0;
}

/* Whether the byte at j (a candidate bit) calls for its line to be searched. */
static inline int candidate_needs_line(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, size_t j) {
    if (p[j] >= 0x80) return nonascii_needs_line(p, n, j);
    /* The first word of a line after a sign-off line. */
    if (ascii_upper(p[j]) && d->pairs) {
        size_t i = j;
        while (i > 0 && (p[i - 1] == ' ' || p[i - 1] == '\t')) i--;
        if (i == 0 ? signoff != -1 : p[i - 1] == '\n' && text_fact_before(d, p, n, i) != -1) return 1;
    }
    if (ascii_upper(p[j]) && j + 1 < n && ascii_lower(p[j + 1]) && cap_needs_line(d, p, n, j)) return 1;
    /* A card's street line after its head ("20789 Allika 46"): the first word after the line's building number. */
    if (d->card_cities && j >= 2 && p[j - 1] == ' ' && is_digit(p[j - 2])) {
        size_t ls = j - 1;
        while (ls > 0 && is_digit(p[ls - 1]) && j - 1 - ls < 6) ls--;
        while (ls > 0 && is_card_indent(p[ls - 1]) && j - ls < 16) ls--;
        if ((ls == 0 || p[ls - 1] == '\n') && card_street_shaped(p, ls, line_end(p, n, ls)) &&
            head_fact_value(signoff_before(d, p, n, ls, signoff)))
            return 1;
    }
    /* A card's unit line: its city line follows (search_line goes on to it). */
    if (d->card_cities && unit_start(p, n, j) && unit_word_at(p, n, j)) {
        size_t nl = unit_line_end(p, n, j);
        if (nl != SIZE_MAX && card_before(d, p, nl + 1)) return 1;
    }
    /* "PATIENT: JOHN SMITH", "regards, JOHN", "DR. JOHN", "Mr. P.": a word in capitals or an initial after a cue
       word and its colon, comma or dot. */
    if (ascii_upper(p[j]) && j >= 3 && j + 1 < n && (ascii_upper(p[j + 1]) || p[j + 1] == '.') && p[j - 1] == ' ' &&
        label_mark(p[j - 2])) {
        size_t ws = j - 2;
        while (ws > 0 && is_ascii_letter(p[ws - 1]) && j - 2 - ws < MAX_WORD) ws--;
        if (ws < j - 2 && (ws == 0 || !word_byte(p[ws - 1]))) {
            int64_t slot = table_find(&d->cues, ascii_fold_hash_n(p, n, ws, j - 2));
            if (slot >= 0 && (d->cues.flags[slot] & PHS_NAME_CUE_END)) return 1;
        }
    }
    return is_name_at(p, n, j) || (is_lower_cue_at(p, n, j) && lower_name_follows(d, p, n, j));
}

/* Does the line p[a..<b), written without capitals, hold an ASCII word that may be a given name (the given-name
   filter) followed by a space or a comma and another word, where lower_pair or lower_list could start? A word
   written partly outside ASCII makes the line a candidate already. */
static __attribute__((noinline)) int lower_line_worth_search(const phs_names *d, const uint8_t *p, size_t a, size_t b) {
    if (!d->dict || !d->pairs) return 0;
    size_t i = a;
    while (i < b) {
        while (i < b && !ascii_lower(p[i])) i++;
        size_t s = i;
        while (i < b && ascii_lower(p[i])) i++;
        if (i - s < 2 || i - s > MAX_WORD || (s > a && word_byte(p[s - 1])) || i + 2 > b) continue;
        size_t j = i;
        if (p[j] == ',' || p[j] == '.') j++;
        /* Another word must follow, lower case (a surname, the next name of a list). */
        if (j + 1 >= b || p[j] != ' ' || !(ascii_lower(p[j + 1]) || p[j + 1] >= 0x80) || word_byte(p[i])) continue;
        uint64_t h = ascii_fold_hash_n(p, b, s, i);
        if (given_hash(d, h)) return 1;
        /* "emidio p lombardo": a middle initial, then a surname that is no English word. */
        size_t q = j + 2;
        if (q < b && p[q] == '.') q++;
        if (q + 1 < b && p[q] == ' ' && ascii_lower(p[q + 1]) && p[j + 1] != 'a' && p[j + 1] != 'i' &&
            (j + 2 == b || !word_byte(p[j + 2]) || p[j + 2] == '.')) {
            size_t e = q + 1;
            while (e < b && ascii_lower(p[e])) e++;
            uint16_t f = e - (q + 1) >= 2 && e - (q + 1) <= MAX_WORD && (e == b || !word_byte(p[e]))
                             ? probe_names(d, ascii_fold_hash_n(p, b, q + 1, e)) : 0;
            if ((f & PHS_NAME_SURNAME) && !(f & (PHS_NAME_WORD | PHS_NAME_COMMON))) return 1;
        }
    }
    return 0;
}

/* A line written without capitals (lower-case chat) is searched when it is long enough to hold a name and may hold
   one: the lower-case shapes (lower_pair, lower_list) have no capital to start from. So is a line with a quoted
   string of that kind (a JSON chat line whose other messages are capitalised): the scan finds the closing quotes of
   stretches with a space and no capital with bit operations (most quoted strings of a log hold no space), and only
   those stretches are read for a given name (lower_segment_due). */

/* Is the line p[a..<b), with `upper` telling whether it holds a capital, a lower-case line to search (not searched
   already: a >= done)? */
static inline __attribute__((always_inline)) int lower_line_due(const phs_names *d, const uint8_t *p, size_t a, size_t b,
                                                                int upper, size_t done) {
    /* Inlined (most lines hold a capital and end here); the search for a given name is not. */
    return !upper && b - a >= LOWER_LINE_MIN && a >= done && lower_line_worth_search(d, p, a, b);
}

/* Is the quoted stretch that the quote at j closes (no capital and a space in it, as the scan's bits say) worth
   searching: long enough, not searched already, and holding a given name before another lower-case word? */
static inline __attribute__((always_inline)) int lower_segment_due(const phs_names *d, const uint8_t *p, size_t j,
                                                                   size_t line_start, size_t done) {
    const uint8_t *q = j > line_start ? phs_last_byte(p + line_start, j - line_start, '"') : NULL;
    if (!q) return 0;
    size_t a = (size_t)(q - p) + 1;
    return j - a >= LOWER_LINE_MIN && a >= done && lower_line_worth_search(d, p, a, j);
}

/* In NAMES_SCAN: where the line holding chunk bit `bit` starts, from the chunk's newline bits `nl` (the chunk starts at
   pos; line_start when no newline is below the bit). */
static inline size_t line_start_below(uint32_t nl, uint32_t bit, size_t pos, size_t line_start) {
    uint32_t below = nl & (bit - 1);
    return below ? pos + (size_t)(32 - __builtin_clz(below)) : line_start;
}

/* In NAMES_SCAN: the scan goes on with a new line at `at` (nothing known of it yet). */
#define NAMES_NEW_LINE_AT(at) (line_start = (at), line_upper = 0, seg_quote = seg_pair = 0)

/* The scan over a block: 32-byte chunks classified once each (MASK32), every candidate bit judged in place, a line
   searched word by word only when a candidate calls for it or when it has no capital and may hold a name, then the
   scan goes on after that line. line_start and line_upper follow the line being scanned. Written once and compiled
   twice, for AVX2 and for the baseline. */
#define NAMES_SCAN(MASK32, PAIR32)                                                                                \
    int32_t count = 0;                                                                                            \
    size_t done = 0, pos = 2, line_start = 0;                                                                     \
    int line_upper = 0;                                                                                           \
    /* Since the line's last quote: no capital or newline (seg_quote); two lower-case words met (seg_pair). */    \
    int seg_quote = 0, seg_pair = 0;                                                                              \
    /* The city line of a card whose unit line ended the text before. */                                          \
    if (signoff == PHS_NAMES_CARD_BEFORE || signoff == PHS_NAMES_CARD_CITY_BEFORE ||                              \
        signoff == PHS_NAMES_CARD_STATE_BEFORE || signoff <= PHS_NAMES_LABEL_BEFORE)                              \
        pos = done = line_start = search_line(d, p, n, signoff, 0, 0, tok, tok_cap, out, out_cap, &count) + 1;    \
    else                                                                                                          \
    for (size_t i0 = 0; i0 < 2 && i0 < n; i0++)                                                                   \
        if ((is_candidate(p, n, i0) && candidate_needs_line(d, p, n, signoff, i0)) ||                             \
            (label_event_byte(p[i0]) && label_ends_at(d, p, n, i0))) {                                            \
            pos = done = line_start = search_line(d, p, n, signoff, i0, 0, tok, tok_cap, out, out_cap, &count) + 1;\
            break;                                                                                                \
        }                                                                                                         \
    if (done == 0)                                                                                                \
        for (size_t i0 = 0; i0 < 2 && i0 < n; i0++) {                                                             \
            if (p[i0] == '\n') NAMES_NEW_LINE_AT(i0 + 1);                                                         \
            else line_upper |= ascii_upper(p[i0]);                                                                \
            if (p[i0] == '"') { seg_quote = 1; seg_pair = 0; }                                                    \
            else if (ascii_upper(p[i0])) seg_quote = 0;                                                           \
        }                                                                                                         \
    if (pos < 2) pos = 2;                                                                                         \
    while (pos < n && count < out_cap) {                                                                          \
        /* The text's last bytes (fewer than the 34 a chunk reads) are classified from a copy padded with zeros,   \
           which are in no class and start nothing: a JSON value is often shorter than one chunk, and a byte-by-byte \
           loop cost more than the rest of the scan. Its candidates are then checked as that loop checked them.  */\
        uint8_t tail[64];                                                                                         \
        const uint8_t *at = p + pos;                                                                              \
        uint32_t valid = ~0u;                                                                                     \
        int padded = pos + 34 > n;                                                                                \
        if (padded) {                                                                                             \
            memset(tail, 0, sizeof tail);                                                                         \
            memcpy(tail, p + pos - 2, n - pos + 2);                                                               \
            at = tail + 2;                                                                                        \
            if (n - pos < 32) valid = (1u << (n - pos)) - 1;                                                      \
        }                                                                                                         \
        uint32_t up, nl, colon, qt, m = MASK32(at, &up, &nl, &colon, &qt);                                        \
        m &= valid, up &= valid, nl &= valid, colon &= valid, qt &= valid;                                        \
        size_t next = pos + 32;                                                                                   \
        /* The newlines that end a line with no capital (the only ones the scan has to stop at): those whose nearest\
           capital-or-newline below is a newline, found at once for the chunk: each newline's bit, added one place up\
           to the complement of x, carries through the bytes that are neither and lands on the next capital or    \
           newline above it. The chunk's first capital-or-newline, when a newline, ends a clean line if the line held\
           no capital before the chunk. */                                                                        \
        uint32_t x = up | nl;                                                                                     \
        uint32_t clean = (~x + (nl << 1)) & x & nl;                                                               \
        uint32_t lowest = x & (0u - x);                                                                           \
        if (!line_upper) clean |= lowest & nl;                                                                    \
        /* The quotes that close a stretch with no capital since the quote before on the same line, where two     \
           lower-case words meet: the quotes whose nearest capital, newline or quote below is a quote and whose   \
           nearest word pair, newline or quote below is a word pair. The same carries as for clean lines, with the\
           state as a carry into bit 0 and the carry out of bit 31 as the state for the next chunk (whether the chunk\
           ends inside such a stretch). No word pairs are looked for while the line has no capital-free quote open. */\
        uint32_t xq = up | nl | qt, pr = 0, seg = 0;                                                              \
        uint64_t open_quote = (uint64_t)(uint32_t)~xq + (((uint64_t)qt << 1) | (uint64_t)seg_quote), open_pair = 0;\
        int track = qt || seg_quote;                                                                              \
        if (track) {                                                                                              \
            pr = PAIR32(at) & valid;                                                                              \
            uint32_t yq = pr | nl | qt;                                                                           \
            open_pair = (uint64_t)(uint32_t)~yq + (((uint64_t)pr << 1) | (uint64_t)seg_pair);                     \
            seg = (uint32_t)open_quote & (uint32_t)open_pair & qt;                                                \
        }                                                                                                         \
        uint32_t events = m | clean | colon | seg;                                                                \
        int stopped = 0;                                                                                          \
        while (events) {                                                                                          \
            int jb = __builtin_ctz(events);                                                                       \
            uint32_t bit = 1u << jb;                                                                              \
            events &= events - 1;                                                                                 \
            size_t j = pos + (size_t)jb;                                                                          \
            if (clean & bit) {                                                                                    \
                size_t ls = line_start_below(nl, bit, pos, line_start);                                           \
                if (!lower_line_due(d, p, ls, j, 0, done)) continue;                                              \
                next = done = line_start = search_line(d, p, n, signoff, ls, done, tok, tok_cap, out, out_cap, &count) + 1;\
            } else if (seg & bit) {                                                                               \
                /* A quoted stretch without capitals (lower-case chat inside a JSON line). */                     \
                size_t ls = line_start_below(nl, bit, pos, line_start);                                           \
                if (!lower_segment_due(d, p, j, ls, done)) continue;                                              \
                next = done = line_start = search_line(d, p, n, signoff, j, done, tok, tok_cap, out, out_cap, &count) + 1;\
            } else if ((colon & bit) && !(m & bit)) {                                                             \
                /* A colon or blank that ends its line: a field label alone there has its value line searched. */ \
                if (!label_ends_at(d, p, n, j)) continue;                                                         \
                next = done = line_start = search_line(d, p, n, signoff, j, done, tok, tok_cap, out, out_cap, &count) + 1;\
            } else {                                                                                              \
                if ((padded && !is_candidate(p, n, j)) || !candidate_needs_line(d, p, n, signoff, j)) continue;   \
                next = done = line_start = search_line(d, p, n, signoff, j, done, tok, tok_cap, out, out_cap, &count) + 1;\
            }                                                                                                     \
            line_upper = 0;                                                                                       \
            seg_quote = seg_pair = 0;                                                                             \
            stopped = 1;                                                                                          \
            break;                                                                                                \
        }                                                                                                         \
        if (!stopped) {                                                                                           \
            seg_quote = (int)(open_quote >> 32);                                                                  \
            if (track) seg_pair = (int)(open_pair >> 32);                                                         \
            if (nl) {                                                                                             \
                int last = 31 - __builtin_clz(nl);                                                                \
                line_start = pos + (size_t)last + 1;                                                              \
                line_upper = last < 31 && (up >> (last + 1)) != 0;                                                \
            } else {                                                                                              \
                line_upper |= up != 0;                                                                            \
            }                                                                                                     \
        }                                                                                                         \
        pos = next;                                                                                               \
    }                                                                                                             \
    if (count < out_cap && line_start < n && lower_line_due(d, p, line_start, n, line_upper, done))               \
        search_line(d, p, n, signoff, line_start, done, tok, tok_cap, out, out_cap, &count);                      \
    return count;

static int32_t scan_generic(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, phs_name_token *tok,
                            int32_t tok_cap, phs_name_span *out, int32_t out_cap) {
    NAMES_SCAN(chunk_mask_generic, pair_mask_generic)
}

#if defined(__x86_64__) && defined(__linux__)
__attribute__((target("avx2"))) static int32_t scan_avx2(const phs_names *d, const uint8_t *p, size_t n,
                                                         int32_t signoff, phs_name_token *tok, int32_t tok_cap,
                                                         phs_name_span *out, int32_t out_cap) {
    NAMES_SCAN(chunk_mask_avx2, pair_mask_avx2)
}
#endif

/* Whether phs_names_find may use scan_avx2 (on a CPU with AVX2); tests turn it off to check the baseline scan. */
static _Atomic int names_avx2_allowed = 1;
void phs_names_allow_avx2(int on) { names_avx2_allowed = on; }

int32_t phs_names_find(const phs_names *d, const uint8_t *p, size_t n, int32_t signoff, phs_name_token *tok,
                       int32_t tok_cap, phs_name_span *out, int32_t out_cap) {
    if (!d || n == 0 || tok_cap < 4 * WINDOW_OVERLAP) return 0;
    if (d->roster_count > 0 || d->every_line) {
        /* Every line searched (the front end is off), each as the front end would search it. */
        int32_t count = 0;
        for (size_t ls = 0; ls < n && count < out_cap;) {
            const uint8_t *nl = memchr(p + ls, '\n', n - ls);
            size_t le = nl ? (size_t)(nl - p) : n;
            int32_t before = count;
            count = find_all(d, p + ls, le - ls, signoff_before(d, p, n, ls, signoff), tok, tok_cap, out, out_cap, count);
            for (int32_t k = before; k < count; k++) {
                out[k].start += (int32_t)ls;
                out[k].end += (int32_t)ls;
            }
            ls = le + 1;
        }
        return count;
    }
#if defined(__x86_64__) && defined(__linux__)
    if (names_avx2_allowed && __builtin_cpu_supports("avx2")) return scan_avx2(d, p, n, signoff, tok, tok_cap, out, out_cap);
#endif
    return scan_generic(d, p, n, signoff, tok, tok_cap, out, out_cap);
}

int32_t phs_names_signoff_before_line(const phs_names *d, const uint8_t *p, size_t n, size_t ls, int32_t before) {
    if (!d || ls == 0 || ls > n) return -1;
    return signoff_before(d, p, n, ls, before);
}

int32_t phs_names_signoff_at_end(const phs_names *d, const uint8_t *p, size_t n, int32_t before) {
    if (!d || n == 0) return -1;
    size_t le = n;
    if (p[le - 1] == '\n') le--;
    if (d->card_cities && unit_at_end(p, le > 24 ? le - 24 : 0, le) != SIZE_MAX) {
        size_t start = line_start_within(p, le);
        if (start != SIZE_MAX && unit_line(p, start, le)) return PHS_NAMES_CARD_BEFORE;
    }
    /* A card's city line or its state line ends the text: the next line may be the postcode. */
    if (d->card_cities && le < n && p[le] == '\n') {
        int32_t t = card_tail_fact(d, p, le + 1, before);
        if (t) return t;
    }
    /* A card's head, perhaps a blank line after it: the next line may be its street. */
    if (d->card_cities && d->dict) {
        if (p[n - 1] == '\n') {
            int32_t h = head_fact(d, p, n, before);
            if (h) return h;
        } else {
            size_t start = line_start_within(p, n);
            if (start != SIZE_MAX && head_line(d, p, start, n)) return PHS_NAMES_HEAD_BEFORE;
        }
    }
    int32_t c = signoff_ending(d, p, le);
    if (c >= 0) return c;
    /* A field label alone on the text's last line: the next line is its value. */
    if (p[n - 1] == '\n') {
        int32_t l = label_before(d, p, n);
        if (l != -1) return l;
    }
    /* A named speaker's line: the next line may be the dialogue's next speaker (see signoff_before). */
    size_t start = line_start_within(p, le);
    return start != SIZE_MAX && speaker_line(d, p, start, le) ? PHS_NAMES_SPEAKER_BEFORE : -1;
}
