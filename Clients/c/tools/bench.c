/* qbsync-bench: N threads calling GetHealth(company_id "demo") on ONE client
 * (one connection) for S seconds; prints one JSON line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qbsync/qbsync.h>

typedef struct caller {
  qbsync_client *client;
  int64_t until_ns;
  int64_t *latencies;
  size_t n, cap;
  size_t failures;
} caller;

static int64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *run(void *p)
{
  caller *c = p;
  Qbsync__V1__GetHealthRequest request = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  request.company_id = "demo";
  for (;;) {
    int64_t started = now_ns();
    if (started >= c->until_ns)
      break;
    Qbsync__V1__GetHealthResponse *response = NULL;
    int code = qbsync_get_health(c->client, &request, NULL, &response, NULL);
    int64_t took = now_ns() - started;
    if (response != NULL)
      protobuf_c_message_free_unpacked(&response->base, NULL);
    if (code != QBSYNC_OK) {
      c->failures++;
      continue;
    }
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 4096;
      c->latencies = realloc(c->latencies, c->cap * sizeof *c->latencies);
    }
    c->latencies[c->n++] = took;
  }
  return NULL;
}

static int compare(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
  const char *socket_path = NULL;
  int callers = 1;
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--socket") == 0)
      socket_path = argv[i + 1];
    else if (strcmp(argv[i], "--callers") == 0)
      callers = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--seconds") == 0)
      seconds = atof(argv[i + 1]);
    else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (socket_path == NULL || callers < 1 || seconds <= 0) {
    fprintf(stderr, "usage: bench --socket PATH --callers N --seconds S\n");
    return 2;
  }
  qbsync_client *client = qbsync_client_open(socket_path);
  qbsync_status st = QBSYNC_STATUS_INIT;
  if (client == NULL || qbsync_client_connect(client, &st) != QBSYNC_OK) {
    fprintf(stderr, "bench: cannot connect: %s\n", st.message ? st.message : "out of memory");
    qbsync_status_clear(&st);
    qbsync_client_free(client);
    return 1;
  }
  qbsync_status_clear(&st);
  caller *all = calloc((size_t)callers, sizeof *all);
  pthread_t *threads = calloc((size_t)callers, sizeof *threads);
  int64_t started = now_ns();
  int64_t until = started + (int64_t)(seconds * 1e9);
  for (int i = 0; i < callers; i++) {
    all[i].client = client;
    all[i].until_ns = until;
    pthread_create(&threads[i], NULL, run, &all[i]);
  }
  size_t total = 0, failures = 0;
  for (int i = 0; i < callers; i++) {
    pthread_join(threads[i], NULL);
    total += all[i].n;
    failures += all[i].failures;
  }
  double elapsed = (double)(now_ns() - started) / 1e9;
  int64_t *merged = malloc((total ? total : 1) * sizeof *merged);
  size_t k = 0;
  for (int i = 0; i < callers; i++) {
    memcpy(merged + k, all[i].latencies, all[i].n * sizeof *merged);
    k += all[i].n;
    free(all[i].latencies);
  }
  qsort(merged, total, sizeof *merged, compare);
  double p50 = total ? merged[(total - 1) * 50 / 100] / 1000.0 : 0;
  double p99 = total ? merged[(total - 1) * 99 / 100] / 1000.0 : 0;
  printf("{\"client\":\"c\",\"callers\":%d,\"calls\":%zu,\"seconds\":%.3f,"
         "\"calls_per_second\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f}\n",
         callers, total, elapsed, total / elapsed, p50, p99);
  if (failures > 0)
    fprintf(stderr, "bench: %zu calls failed\n", failures);
  free(merged);
  free(all);
  free(threads);
  qbsync_client_free(client);
  return failures > 0 ? 1 : 0;
}
