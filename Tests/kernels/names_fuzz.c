/* The person-name detector (Sources/CScanKernels/names.c) on seeded random lines of name words, cue words, marks,
   broken UTF-8 and random bytes, under AddressSanitizer and UndefinedBehaviorSanitizer (.ci/kernel-sanitizers.sh):
   no read or write outside the line or the buffers, and every span inside the line, in order, not overlapping. The
   checksum of all spans lets the script compare the AVX2 scan with the baseline one (-DPHS_NAMES_BASELINE_ONLY).
   Usage: names_fuzz DICTIONARY.tsv [LINES] [SEED]. All words are made up or common; no record of anyone. */
#include "phiscrub_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static uint64_t rng = 0x5EED;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static void add_words(phs_names *d, const char **w, int n, uint16_t flag) {
    for (int i = 0; i < n; i++) phs_names_add_word(d, phs_name_hash((const uint8_t *)w[i], strlen(w[i])), flag);
}
int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: names_fuzz DICTIONARY.tsv [LINES] [SEED]\n"); return 2; }
    int lines = argc > 2 ? atoi(argv[2]) : 40000;
    if (argc > 3) rng = strtoull(argv[3], NULL, 0) | 1;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; } fseek(f, 0, SEEK_END); long sz = ftell(f); fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(sz); fread(buf, 1, sz, f); fclose(f);
    phs_name_dict *dict = phs_name_dict_new((int32_t)(sz / 10));
    if (phs_name_dict_load_tsv(dict, buf, sz) != 0) { printf("load failed\n"); return 1; }
    phs_names *d = phs_names_new(dict);
    phs_names_enable_pairs(d, 1); phs_names_enable_singles(d, 1);
    const char *parts[] = {"van", "de", "der", "bin"}; add_words(d, parts, 4, PHS_NAME_PARTICLE);
    const char *stops[] = {"monday", "kafka", "the", "i"}; add_words(d, stops, 4, PHS_NAME_STOP);
    const char *places[] = {"street", "apt", "suite", "hill"}; add_words(d, places, 4, PHS_NAME_PLACE);
    const char *sfx[] = {"jr", "ii", "md"}; add_words(d, sfx, 3, PHS_NAME_SUFFIX);
    const char *ends[] = {"sen", "ov", "ska"};
    for (int i = 0; i < 3; i++) phs_names_add_surname_ending(d, (const uint8_t *)ends[i], strlen(ends[i]));
    const char *cues[][2] = {{"sincerely", ""}, {"regards", ""}, {"name", ""}, {"my", "name"}};
    for (int i = 0; i < 4; i++) {
        uint64_t w[2]; int n = 0;
        for (int j = 0; j < 2; j++) if (*cues[i][j]) w[n++] = phs_name_hash((const uint8_t *)cues[i][j], strlen(cues[i][j]));
        phs_names_add_cue(d, w, n, PHS_NAME_CUE_STRONG);
    }
    const char *words[] = {"Sincerely,", "\n", "Best", "regards,", "Nicole:", "Ubba:", "Satu", "Elomo", "  ", ">", "|",
                           "\"", "45818", "P.O.", "Box", "Weronika", "Martinsen", "Christiansen", "Alvir", "D.", "Pušaver",
                           "Åsa", "Laine", "Mary?", ",", "can", "I", "Kevin", "II", "MD", "Beck's", "@", "x", "?", "\\n",
                           "name:", "Ásbjörn,", "ex-Zombie", "Proto(", "\xc3", "\xff", "-", "'", "\r", "\t", ".", "Jr.",
                           "Grafana", "Loki", "Porto", "Alegre", "Hungary", "the", "van", "de", "Berg"};
    int nw = sizeof(words) / sizeof(words[0]);
    /* Every fourth line is written without capitals (the lower-case line shapes and their front end). */
    const char *lower[] = {"maria", "john", "smith", "silvana", "kristina", "caleb", "and", ",", "ms.", "me", "call",
                           "a", "\n", "email", "patricia", "desrosiers", "t.", "mark", "down", "name:", "my", "son",
                           "people", "call", "me", "hyuuma", "maida", "x", "=", "(", "\xc3\xa5", "  "};
    int nl = sizeof(lower) / sizeof(lower[0]);
    phs_name_token *tok = malloc(sizeof(phs_name_token) * 4096);
    phs_name_span *out = malloc(sizeof(phs_name_span) * 8192);
    long total = 0;
    uint64_t sum = 0xcbf29ce484222325ULL; /* FNV-1a over every span, to compare two builds */
    for (int iter = 0; iter < lines; iter++) {
        size_t cap = 1 + next() % 3000;
        uint8_t *line = malloc(cap);
        size_t n = 0;
        int lower_line = iter % 4 == 0;
        while (n < cap) {
            if (next() % 6 == 0) {
                line[n++] = lower_line ? (uint8_t)("abcdefghijklmnopqrstuvwxyz ,.\n"[next() % 30]) : (uint8_t)next();
                continue;
            }
            const char *w = lower_line ? lower[next() % nl] : words[next() % nw];
            size_t l = strlen(w);
            for (size_t k = 0; k < l && n < cap; k++) line[n++] = (uint8_t)w[k];
            if (n < cap && next() % 2) line[n++] = ' ';
        }
        int32_t signoff = (int32_t)(next() % 3) - 1;
        int32_t c = phs_names_find(d, line, n, signoff, tok, 4096, out, 8192);
        for (int32_t i = 0; i < c; i++) {
            if (out[i].start < 0 || out[i].end > (int32_t)n || out[i].start >= out[i].end) { printf("bad span\n"); return 1; }
            if (i > 0 && out[i].start < out[i - 1].end) { printf("overlap/order at iter %d\n", iter); return 1; }
        }
        total += c;
        for (int32_t i = 0; i < c; i++)
            sum = (sum ^ (uint64_t)(out[i].start * 31 + out[i].end) ^ ((uint64_t)out[i].kind << 40) ^
                   ((uint64_t)(uint32_t)out[i].detail << 48)) * 0x100000001B3ULL;
        (void)phs_names_signoff_at_end(d, line, n);
        free(line);
    }
    printf("names_fuzz: %d lines, %ld spans (checksum %016llx), no error\n", lines, total, (unsigned long long)sum);
    free(tok);
    free(out);
    free(buf);
    phs_names_free(d);
    phs_name_dict_free(dict);
    return 0;
}
