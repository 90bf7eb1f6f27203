/* The person-name detector (Sources/CScanKernels/names.c) on seeded random lines of name words, cue words, marks,
   broken UTF-8 and random bytes, under AddressSanitizer and UndefinedBehaviorSanitizer (.ci/kernel-sanitizers.sh):
   no read or write outside the line or the buffers, and every span inside the line, in order, not overlapping (but
   for a field label's value line, which the names on it may overlap). The
   line is also searched with the baseline scan (AVX2 off) and with the front end off (every line searched word by
   word), and all three must find the same spans: the front end and the vector scan only choose which lines to
   search. Usage: names_fuzz DICTIONARY.tsv [LINES] [SEED]. All words are made up or common; no record of anyone. */
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
    phs_names_enable_pairs(d, 1); phs_names_enable_singles(d, 1); phs_names_enable_card_cities(d, 1);
    const char *parts[] = {"van", "de", "der", "bin"}; add_words(d, parts, 4, PHS_NAME_PARTICLE);
    const char *stops[] = {"monday", "kafka", "the", "i"}; add_words(d, stops, 4, PHS_NAME_STOP);
    const char *places[] = {"street", "apt", "suite", "hill"}; add_words(d, places, 4, PHS_NAME_PLACE);
    const char *sfx[] = {"jr", "ii", "md"}; add_words(d, sfx, 3, PHS_NAME_SUFFIX);
    const char *ends[] = {"sen", "ov", "ska"};
    for (int i = 0; i < 3; i++) phs_names_add_surname_ending(d, (const uint8_t *)ends[i], strlen(ends[i]));
    /* Cue phrases of every kind the packs use (strong, stated, honorific, weak, preposition), with their last words
       noted for the front end's shape check. */
    struct { const char *w[3]; int kind; } cues[] = {
        {{"sincerely"}, PHS_NAME_CUE_STRONG}, {{"regards"}, PHS_NAME_CUE_STRONG}, {{"name"}, PHS_NAME_CUE_STRONG},
        {{"my", "name"}, PHS_NAME_CUE_STRONG}, {{"attn"}, PHS_NAME_CUE_STRONG}, {{"provider"}, PHS_NAME_CUE_STRONG},
        {{"lastname"}, PHS_NAME_CUE_STRONG}, {{"call", "me"}, PHS_NAME_CUE_STATED}, {{"dr"}, PHS_NAME_TITLE},
        {{"mr"}, PHS_NAME_TITLE}, {{"ms"}, PHS_NAME_TITLE}, {{"dear"}, PHS_NAME_CUE_WEAK},
        {{"patient"}, PHS_NAME_CUE_WEAK}, {{"my", "son"}, PHS_NAME_CUE_STRONG}, {{"with"}, PHS_NAME_CUE_GIVEN},
        {{"lives", "in"}, PHS_NAME_CUE_PLACE}, {{"grew", "up", "in"}, PHS_NAME_CUE_PLACE},
        {{"originally", "from"}, PHS_NAME_CUE_PLACE}};
    for (size_t i = 0; i < sizeof cues / sizeof cues[0]; i++) {
        uint64_t w[3]; int n = 0;
        for (int j = 0; j < 3 && cues[i].w[j]; j++) w[n++] = phs_name_hash((const uint8_t *)cues[i].w[j], strlen(cues[i].w[j]));
        phs_names_note_cue_word(d, (const uint8_t *)cues[i].w[n - 1], strlen(cues[i].w[n - 1]));
        phs_names_add_cue(d, w, n, cues[i].kind);
    }
    const char *months[] = {"nov", "tuesday", "linux", "mozilla"}; add_words(d, months, 4, PHS_NAME_STOP);
    const char *larger[] = {"texas", "norway", "new", "zealand"}; add_words(d, larger, 4, PHS_NAME_NOT_CITY);
    /* Field labels alone on their line make the next line a value (the scanner registers every field key). */
    const char *labels[] = {"phone", "address", "home phone", "dob"};
    for (int i = 0; i < 4; i++) phs_names_add_label(d, phs_names_label_key((const uint8_t *)labels[i], strlen(labels[i])), i);
    const char *words[] = {"Sincerely,", "\n", "Best", "regards,", "Nicole:", "Ubba:", "Satu", "Elomo", "  ", ">", "|",
                           "\"", "45818", "P.O.", "Box", "Weronika", "Martinsen", "Christiansen", "Alvir", "D.", "Pušaver",
                           "Åsa", "Laine", "Mary?", ",", "can", "I", "Kevin", "II", "MD", "Beck's", "@", "x", "?", "\\n",
                           "name:", "Ásbjörn,", "ex-Zombie", "Proto(", "\xc3", "\xff", "-", "'", "\r", "\t", ".", "Jr.",
                           "Grafana", "Loki", "Porto", "Alegre", "Hungary", "the", "van", "de", "Berg", "Nov", "26",
                           "ThreadPoolExecutor", "McDonald", "MacLeod", "LastName:", "LastName", "Attn:", "JOHN", "SMITH",
                           "DR.", "Provider:", "Dear", "Dr", "Mr.", "Ms", "Patient", "with", "Mozilla", "Linux",
                           "AppleWebKit", "Tuesday", "File", "Started", "my", "son", "ethan", "call", "me", "Hyuuma",
                           "Smith", "Maria", "Gonzalez", "O'Brien", "de-Vries", "NioEventLoop", "x_", "Go-http",
                           /* address cards: unit lines and the city lines after them */
                           "Suite", "Apt.", "Unit", "501", "#12", "4B", "\nSuite 501\n", "\n>Apt. 902\n",
                           "28245 Puruntie 82 Apt. 595\n", "Riisa", "OULU", "Soto del Barco", "(Greek)", "ΑΣΚΕΙΑ",
                           /* residence cues and the places after them */
                           "lives in", "grew up in", "originally from", "Texas", "New Zealand", "Remniku", "Eastbrook",
                           /* cards' heads and the street lines after them */
                           "\nWilliam Hughes\n\n", "\nLeonard Arntsen\n", "\n20789 Allika 46\n", "808 Kálmán Imre u. 12.",
                           /* cards' state and postcode lines */
                           "\nSK\n", "\n53650\n", "\nB0J 2H0\n", "\n53-320\n", "\nLAPPEENRANTA\n",
                           /* field labels alone on their line, and values */
                           "\nPhone:\n", "\nphone:\r\n", "  Address:\n", "\nHome Phone:\n", "\nHOME_PHONE:\n", "Phone:",
                           "\nDOB:\n", ":\n", "60-56-85-91", "Brucker Bundesstrasse 31", "\nPhone:  \n", "\nAddress:\t\r\n",
                           " \n",
                           /* words of other scripts: capitalised and lower-case Cyrillic, Greek, Arabic, Han */
                           "Изот", "Никитина", "добрый", "Μυρσίνη", "تاليا", "العفيفي", "王秀英", "Dr. Изот"};
    int nw = sizeof(words) / sizeof(words[0]);
    /* Every fourth line is written without capitals (the lower-case line shapes and their front end). */
    const char *lower[] = {"maria", "john", "smith", "silvana", "kristina", "caleb", "and", ",", "ms.", "me", "call",
                           "\nphone:\n", "address:", ":\n",
                           "a", "\n", "email", "patricia", "desrosiers", "t.", "mark", "down", "name:", "my", "son",
                           "people", "call", "me", "hyuuma", "maida", "x", "=", "(", "\xc3\xa5", "  "};
    int nl = sizeof(lower) / sizeof(lower[0]);
    const char *chat[] = {"\"", "{\"role\":\"system\",\"content\":\"You are kind.\"},{\"role\":\"user\",\"content\":\"",
                          "\"}", "\",\"", "Hello", "\\\"", "\"Note\":", "\":\""};
    int nc = sizeof(chat) / sizeof(chat[0]);
    phs_name_token *tok = malloc(sizeof(phs_name_token) * 4096);
    phs_name_span *out = malloc(sizeof(phs_name_span) * 8192);
    phs_name_span *ref = malloc(sizeof(phs_name_span) * 8192);
    long total = 0, missed = 0, spaced_lines = 0;
    uint64_t sum = 0xcbf29ce484222325ULL; /* FNV-1a over every span, to compare two builds or versions */
    for (int iter = 0; iter < lines; iter++) {
        size_t cap = 1 + next() % 3000;
        uint8_t *line = malloc(cap);
        size_t n = 0;
        /* Every fourth line is written without capitals; every fourth one is words apart as in text (a space after
           each, punctuation between), where the front end must pick every line the search finds a name in. */
        /* ... and every eighth one is a JSON chat line: lower-case words in quoted strings, capitalised ones
           outside (the quoted stretches without capitals that the front end follows). */
        int lower_line = iter % 4 == 0, spaced = iter % 4 == 2, quoted = iter % 8 == 5;
        spaced |= quoted;
        spaced_lines += spaced;
        while (n < cap) {
            if (next() % 6 == 0) {
                line[n++] = lower_line ? (uint8_t)("abcdefghijklmnopqrstuvwxyz ,.\n"[next() % 30])
                            : spaced   ? (uint8_t)(" ,.:;!?\n\t()\"'"[next() % 14])
                                       : (uint8_t)next();
                continue;
            }
            const char *w = lower_line ? lower[next() % nl]
                            : quoted   ? (next() % 5 == 0 ? chat[next() % nc] : lower[next() % nl])
                                       : words[next() % nw];
            size_t l = strlen(w);
            for (size_t k = 0; k < l && n < cap; k++) line[n++] = (uint8_t)w[k];
            if (n < cap && (spaced || next() % 2)) line[n++] = ' ';
        }
        /* What the text before says: nothing, a sign-off cue, or an address card's unit line. */
        static const int32_t befores[] = {-1, 0, 1, PHS_NAMES_CARD_BEFORE, PHS_NAMES_HEAD_BEFORE, PHS_NAMES_HEAD_GAP_BEFORE,
                                          PHS_NAMES_CARD_CITY_BEFORE, PHS_NAMES_CARD_STATE_BEFORE,
                                          PHS_NAMES_LABEL_BEFORE - 1};
        int32_t signoff = befores[next() % 9];
        int32_t c = phs_names_find(d, line, n, signoff, tok, 4096, out, 8192);
        /* The baseline scan must find the same spans (only the speed may differ); a difference fails the run. On
           the spaced lines the search of every line is compared too, and its differences counted: those are lines
           whose names the front end does not pick (see ARCHITECTURE.md, "Detectors"), reported, not failed. */
        for (int mode = 0; mode < (spaced ? 2 : 1); mode++) {
            if (mode == 0) phs_names_allow_avx2(0); else phs_names_search_every_line(d, 1);
            int32_t rc = phs_names_find(d, line, n, signoff, tok, 4096, ref, 8192);
            phs_names_allow_avx2(1);
            phs_names_search_every_line(d, 0);
            int same = rc == c;
            for (int32_t i = 0; same && i < c; i++)
                same = ref[i].start == out[i].start && ref[i].end == out[i].end && ref[i].kind == out[i].kind &&
                       ref[i].detail == out[i].detail;
            if (same) continue;
            if (getenv("NAMES_FUZZ_DUMP")) {
                fprintf(stderr, "line %d (%s):\n", iter, mode == 0 ? "baseline scan" : "every line searched");
                /* The spans only one side found, each with the text around it (line feeds shown as |). */
                for (int side = 0; side < 2; side++) {
                    const phs_name_span *a_spans = side == 0 ? ref : out, *b_spans = side == 0 ? out : ref;
                    int32_t a_count = side == 0 ? rc : c, b_count = side == 0 ? c : rc;
                    for (int32_t i = 0; i < a_count; i++) {
                        int both = 0;
                        for (int32_t k = 0; k < b_count && !both; k++)
                            both = b_spans[k].start == a_spans[i].start && b_spans[k].end == a_spans[i].end;
                        if (both) continue;
                        int32_t lo = a_spans[i].start > 30 ? a_spans[i].start - 30 : 0;
                        int32_t hi = a_spans[i].end + 30 < (int32_t)n ? a_spans[i].end + 30 : (int32_t)n;
                        fprintf(stderr, "  only %s: [%.*s] in [", side == 0 ? (mode == 0 ? "baseline" : "every line")
                                                                            : "front end",
                                a_spans[i].end - a_spans[i].start, (const char *)line + a_spans[i].start);
                        for (int32_t k = lo; k < hi; k++) fputc(line[k] == '\n' ? '|' : line[k], stderr);
                        fprintf(stderr, "]\n");
                    }
                }
            }
            if (mode == 0) {
                printf("FAIL: line %d: the baseline scan finds %d spans, the AVX2 scan %d\n", iter, rc, c);
                return 1;
            }
            missed++;
        }
        for (int32_t i = 0; i < c; i++) {
            if (out[i].start < 0 || out[i].end > (int32_t)n || out[i].start >= out[i].end) { printf("bad span\n"); return 1; }
            /* A label value span (the whole line after a field label) is the only span others may overlap. */
            if (i > 0 && (out[i].start < out[i - 1].start ||
                          (out[i].start < out[i - 1].end && out[i - 1].kind != PHS_NAME_LABEL_VALUE))) {
                printf("overlap/order at iter %d\n", iter);
                return 1;
            }
        }
        total += c;
        for (int32_t i = 0; i < c; i++)
            sum = (sum ^ (uint64_t)(out[i].start * 31 + out[i].end) ^ ((uint64_t)out[i].kind << 40) ^
                   ((uint64_t)(uint32_t)out[i].detail << 48)) * 0x100000001B3ULL;
        (void)phs_names_signoff_at_end(d, line, n, signoff);
        free(line);
    }
    printf("names_fuzz: %d lines, %ld spans (checksum %016llx), no error; the baseline scan finds the same spans\n",
           lines, total, (unsigned long long)sum);
    printf("names_fuzz: every line searched finds other spans on %ld of %ld text-like lines (NAMES_FUZZ_DUMP=1 shows "
           "them)\n", missed, spaced_lines);
    free(tok);
    free(out);
    free(ref);
    free(buf);
    phs_names_free(d);
    phs_name_dict_free(dict);
    return 0;
}
