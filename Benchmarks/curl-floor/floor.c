/*
 * The bare-libcurl floor for `Scripts/bench qbo`: the same requests QBOClient sends, made by
 * one reused easy handle in a blocking loop (curl_easy_perform), so the connection is kept
 * alive and nothing but libcurl and the simulator is on the path. QBOClient's latency minus
 * this one is the client's overhead per request.
 *
 *   floor --base http://127.0.0.1:PORT/v3/company/REALM --token ACCESS_TOKEN
 *         --op read|write --seconds S [--warmup N] [--tag X]
 *
 * read:  GET  {base}/item/1?minorversion=75
 * write: POST {base}/customer?minorversion=75&requestid=f-{tag}-{n}  {"DisplayName":"floor {tag} {n}"}
 * Headers as QBOClient sends them: Accept, Content-Type, User-Agent, Authorization: Bearer,
 * no Expect; the same curl options that matter (keep-alive, TCP keepalive, Accept-Encoding,
 * a write and a header callback that keep the bytes).
 *
 * Prints one JSON line like qbsync-bench's: calls, calls_per_second, p50_us, p99_us, mean_us,
 * connections_opened (sum of CURLINFO_NUM_CONNECTS), this process's CPU time and context
 * switches per request over the measured interval (getrusage), errors.
 *
 * Build: gcc -O2 -o floor floor.c -lcurl
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct buffer {
    char *data;
    size_t size, capacity;
};

static size_t keep(char *data, size_t size, size_t count, void *context) {
    struct buffer *buffer = context;
    size_t n = size * count;
    if (buffer->size + n > buffer->capacity) {
        buffer->capacity = (buffer->size + n) * 2;
        buffer->data = realloc(buffer->data, buffer->capacity);
        if (!buffer->data) return 0;
    }
    memcpy(buffer->data + buffer->size, data, n);
    buffer->size += n;
    return n;
}

static unsigned long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* CPU time (µs) and context switches of this process so far. */
static void usage(double *cpu_us, long *switches) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    *cpu_us = (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
    *switches = u.ru_nvcsw + u.ru_nivcsw;
}

static int compare(const void *a, const void *b) {
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

static const char *arg(int argc, char **argv, const char *name, const char *fallback) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

int main(int argc, char **argv) {
    const char *base = arg(argc, argv, "--base", NULL), *token = arg(argc, argv, "--token", NULL);
    const char *op = arg(argc, argv, "--op", "read");
    double seconds = atof(arg(argc, argv, "--seconds", "3"));
    long warmup = atol(arg(argc, argv, "--warmup", "300"));
    char default_tag[32];
    snprintf(default_tag, sizeof default_tag, "%d", (int)getpid());
    const char *tag = arg(argc, argv, "--tag", default_tag);
    if (!base || !token) {
        fprintf(stderr, "usage: floor --base URL/v3/company/REALM --token TOKEN --op read|write --seconds S\n");
        return 2;
    }
    int write = strcmp(op, "write") == 0;

    curl_global_init(CURL_GLOBAL_ALL);
    CURL *easy = curl_easy_init();
    char authorization[4096];
    snprintf(authorization, sizeof authorization, "Authorization: Bearer %s", token);
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "User-Agent: qbsync-QBOClient/1.0");
    headers = curl_slist_append(headers, authorization);
    headers = curl_slist_append(headers, "Expect:");
    struct buffer body = {0}, head = {0};
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, keep);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &head);
    char url[4096], payload[256];
    if (!write) {
        snprintf(url, sizeof url, "%s/item/1?minorversion=75", base);
        curl_easy_setopt(easy, CURLOPT_URL, url);
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    }

    size_t capacity = 1 << 20, count = 0;
    unsigned long long *latencies = malloc(capacity * sizeof *latencies);
    long connections = 0, errors = 0, n = 0;
    unsigned long long start = 0, end = 0, stop = 0;
    double cpu0 = 0, cpu1 = 0;
    long switches0 = 0, switches1 = 0;
    for (long i = 0;; i++) {
        if (i == warmup) {
            usage(&cpu0, &switches0);
            start = now_ns();
            stop = start + (unsigned long long)(seconds * 1e9);
        }
        if (i >= warmup && now_ns() >= stop) break;
        unsigned long long t0 = now_ns();
        if (write) {
            n++;
            snprintf(url, sizeof url, "%s/customer?minorversion=75&requestid=f-%s-%ld", base, tag, n);
            int length = snprintf(payload, sizeof payload, "{\"DisplayName\":\"floor %s %ld\"}", tag, n);
            curl_easy_setopt(easy, CURLOPT_URL, url);
            curl_easy_setopt(easy, CURLOPT_POST, 1L);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)length);
            curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, payload);
        }
        body.size = head.size = 0;
        CURLcode code = curl_easy_perform(easy);
        long status = 0, connects = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
        connections += connects;
        if (code != CURLE_OK || status != 200) {
            if (errors++ == 0)
                fprintf(stderr, "floor: %s status %ld: %.*s\n", curl_easy_strerror(code), status, (int)body.size, body.data);
            if (i < warmup) return 1;
        }
        if (i >= warmup) {
            if (count == capacity) latencies = realloc(latencies, (capacity *= 2) * sizeof *latencies);
            latencies[count++] = now_ns() - t0;
        }
    }
    end = now_ns();
    usage(&cpu1, &switches1);
    qsort(latencies, count, sizeof *latencies, compare);
    double elapsed = (double)(end - start) / 1e9;
    printf("{\"label\":\"curl-floor\",\"calls\":%zu,\"calls_per_second\":%ld,\"p50_us\":%.1f,\"p99_us\":%.1f,"
           "\"connections_opened\":%ld,\"cpu_us_per_request\":%.1f,\"ctx_switches_per_request\":%.2f,\"errors\":%ld,"
           "\"inflight\":1,\"mean_us\":%.1f,\"op\":\"%s\"}\n",
           count, (long)(count / elapsed), count ? latencies[count / 2] / 1000.0 : 0,
           count ? latencies[(size_t)(count * 0.99)] / 1000.0 : 0, connections,
           count ? (cpu1 - cpu0) / count : 0, count ? (double)(switches1 - switches0) / count : 0, errors,
           count ? elapsed * 1e6 / count : 0, write ? "write" : "read");
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
    curl_global_cleanup();
    free(latencies);
    free(body.data);
    free(head.data);
    return 0;
}
