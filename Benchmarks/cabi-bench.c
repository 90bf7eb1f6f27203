/*
 * Latency and throughput of a 2 KB prompt redact through the C ABI (phiscrub.h), in process.
 *
 *   swift build -c release -j 2 --product PHIScrubC
 *   cc -O2 -I Sources/PHIScrubC/include Benchmarks/cabi-bench.c -L .build/release -lPHIScrubC \
 *      -Wl,-rpath,$PWD/.build/release -lpthread -o /tmp/cabi-bench
 *   /tmp/cabi-bench [N] [TOTAL] [THREADS]      (defaults 20000, 40000, 2)
 *
 * The prompt is the one of Benchmarks/serve-stdio.py: log-like text with a 555-01xx phone, an SSN generated to
 * pass the SSA rules and an example.com address, padded to 2048 bytes. Latency: one call at a time, timed from
 * phiscrub_call to phiscrub_result_free (the output text borrowed and checked), p50/p90/p99/max. Throughput:
 * TOTAL prompts over 1..THREADS threads sharing one engine, with the CPU time they took (on a shared machine the
 * wall-clock rate depends on how much of the cores the process gets; CPU per prompt does not).
 */
#include "phiscrub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static char prompt[2049];
static size_t prompt_len;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process (user + system), seconds. */
static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 + (double)u.ru_stime.tv_sec +
           (double)u.ru_stime.tv_usec * 1e-6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void redact_once(phiscrub_engine *e) {
    phiscrub_result *r = NULL;
    char err[256];
    if (phiscrub_call(e, PHISCRUB_OP_REDACT, prompt, prompt_len, NULL, &r, err, sizeof err) != PHISCRUB_OK) {
        fprintf(stderr, "redact failed: %s\n", err);
        exit(1);
    }
    const char *text;
    size_t len;
    if (phiscrub_result_get(r, PHISCRUB_PART_TEXT, &text, &len) != PHISCRUB_OK || strstr(text, "365-94-0475") ||
        phiscrub_result_finding_count(r) != 3) {
        fprintf(stderr, "unexpected answer\n");
        exit(1);
    }
    phiscrub_result_free(r);
}

/* A busy loop for one second: what share of the cores the machine gives this process (a shared VM gives less than
 * its core count; the throughput rows are bounded by it). */
static void *spin(void *arg) {
    (void)arg;
    volatile unsigned long x = 0;
    double end = now() + 1.0;
    while (now() < end) x++;
    return NULL;
}

struct job { phiscrub_engine *e; int n; };

static void *run(void *arg) {
    struct job *j = arg;
    for (int i = 0; i < j->n; i++) redact_once(j->e);
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    int total = argc > 2 ? atoi(argv[2]) : 40000;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    const char *head = "User asks about the discharge summary. Patient phone (312) 555-0134, SSN 365-94-0475, "
                       "contact jroe@example.com. ";
    const char *filler = "The assistant reviews the notes, the medication list and the follow-up plan before answering. ";
    strcpy(prompt, head);
    while (strlen(prompt) < 2048) strncat(prompt, filler, 2048 - strlen(prompt));
    prompt_len = strlen(prompt);

    char err[512];
    phiscrub_engine *e = NULL;
    double t0 = now();
    if (phiscrub_engine_new(NULL, &e, err, sizeof err) != PHISCRUB_OK) {
        fprintf(stderr, "engine: %s\n", err);
        return 1;
    }
    printf("prompt: %zu bytes; engine created in %.1f ms\n", prompt_len, (now() - t0) * 1e3);
    for (int i = 0; i < 1000; i++) redact_once(e);

    double *lat = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) {
        double a = now();
        redact_once(e);
        lat[i] = now() - a;
    }
    qsort(lat, (size_t)n, sizeof(double), cmp);
    double sum = 0;
    for (int i = 0; i < n; i++) sum += lat[i];
    printf("C ABI latency (1 thread): n=%d p50=%.1f us p90=%.1f us p99=%.1f us max=%.1f us mean=%.1f us\n", n,
           lat[n / 2] * 1e6, lat[(int)(n * 0.9)] * 1e6, lat[(int)(n * 0.99)] * 1e6, lat[n - 1] * 1e6, sum / n * 1e6);
    free(lat);

    {
        pthread_t ts[64];
        int k = threads < 64 ? threads : 64;
        double a = now(), c = cpu();
        for (int i = 0; i < k; i++) pthread_create(&ts[i], NULL, spin, NULL);
        for (int i = 0; i < k; i++) pthread_join(ts[i], NULL);
        printf("machine check: %d thread(s) spinning for 1 s got %.2f cores\n", k, (cpu() - c) / (now() - a));
    }
    for (int t = 1; t <= threads; t++) {
        pthread_t *ts = malloc(sizeof(pthread_t) * (size_t)t);
        struct job *jobs = malloc(sizeof(struct job) * (size_t)t);
        double a = now(), c = cpu();
        for (int i = 0; i < t; i++) {
            jobs[i] = (struct job){e, total / t};
            pthread_create(&ts[i], NULL, run, &jobs[i]);
        }
        for (int i = 0; i < t; i++) pthread_join(ts[i], NULL);
        double dt = now() - a, dc = cpu() - c;
        int done = (total / t) * t;
        printf("C ABI throughput, %d thread(s): %d prompts in %.2f s = %.0f prompts/s; %.1f us CPU per prompt, "
               "%.2f cores busy\n", t, done, dt, done / dt, dc / done * 1e6, dc / dt);
        free(ts);
        free(jobs);
    }
    phiscrub_engine_free(e);
    return 0;
}
