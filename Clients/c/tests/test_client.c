/* The C client's tests, against the real server ($QBSYNC_BIN) and a scripted
 * fake one. Run by `make test` under valgrind. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define DEMO "demo"

static test_server main_server;

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static qbsync_client *new_client(const char *path, int64_t timeout_ms)
{
  qbsync_client_config config;
  qbsync_client_config_init(&config, path);
  config.timeout_ms = timeout_ms;
  qbsync_client *client = qbsync_client_new(&config);
  if (client == NULL) {
    fprintf(stderr, "qbsync_client_new failed\n");
    exit(2);
  }
  return client;
}

/* ---- domain helpers ---- */

static int linked_customer(qbsync_client *client, char *id, size_t size)
{
  unique(id, size, "cust");
  char email[128];
  snprintf(email, sizeof email, "%s@example.com", id);
  Qbsync__V1__Customer customer = QBSYNC__V1__CUSTOMER__INIT;
  customer.external_id = id;
  customer.given_name = "Test";
  customer.family_name = id;
  customer.email = email;
  Qbsync__V1__LinkCustomerRequest request = QBSYNC__V1__LINK_CUSTOMER_REQUEST__INIT;
  request.company_id = DEMO;
  request.mode = QBSYNC__V1__LINK_MODE__LINK_MODE_CREATE;
  request.customer = &customer;
  Qbsync__V1__LinkCustomerResponse *response = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_link_customer(client, &request, NULL, &response, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  int ok = code == QBSYNC_OK &&
           response->outcome == QBSYNC__V1__LINK_OUTCOME__LINK_OUTCOME_CREATED;
  CHECK(ok, "LinkCustomer did not create the customer");
  if (response != NULL)
    protobuf_c_message_free_unpacked(&response->base, NULL);
  qbsync_status_clear(&st);
  return ok;
}

static int mapped_item(qbsync_client *client, char *code_out, size_t size)
{
  unique(code_out, size, "ITEM");
  Qbsync__V1__AutoMapEntry entry = QBSYNC__V1__AUTO_MAP_ENTRY__INIT;
  entry.external_code = code_out;
  entry.name = "Equipment Rental";
  Qbsync__V1__AutoMapEntry *entries[] = {&entry};
  Qbsync__V1__AutoMapRequest request = QBSYNC__V1__AUTO_MAP_REQUEST__INIT;
  request.company_id = DEMO;
  request.kind = QBSYNC__V1__MAPPING_KIND__MAPPING_KIND_ITEM;
  request.n_entries = 1;
  request.entries = entries;
  Qbsync__V1__AutoMapResponse *response = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_auto_map(client, &request, NULL, &response, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  int ok = code == QBSYNC_OK && response->n_mapped == 1;
  CHECK(ok, "AutoMap did not map %s", code_out);
  if (response != NULL)
    protobuf_c_message_free_unpacked(&response->base, NULL);
  qbsync_status_clear(&st);
  return ok;
}

/* Syncs a one-line invoice; its external id goes to id. */
static int sync_invoice(qbsync_client *client, const char *customer, const char *item,
                        const char *txn_date, char *id, size_t size, qbsync_status *st)
{
  unique(id, size, "inv");
  Qbsync__V1__InvoiceLine line = QBSYNC__V1__INVOICE_LINE__INIT;
  line.kind = QBSYNC__V1__LINE_KIND__LINE_KIND_SALE;
  line.item_code = (char *)item;
  line.description = "Generator rental";
  line.quantity = "2";
  line.unit_rate = "125.00";
  line.amount_minor = 25000;
  Qbsync__V1__InvoiceLine *lines[] = {&line};
  Qbsync__V1__Invoice invoice = QBSYNC__V1__INVOICE__INIT;
  invoice.external_id = id;
  invoice.customer_external_id = (char *)customer;
  invoice.doc_number = id + (strlen(id) > 21 ? strlen(id) - 21 : 0);
  invoice.txn_date = (char *)txn_date;
  invoice.currency = "USD";
  invoice.n_lines = 1;
  invoice.lines = lines;
  Qbsync__V1__SyncInvoiceRequest request = QBSYNC__V1__SYNC_INVOICE_REQUEST__INIT;
  request.company_id = DEMO;
  request.invoice = &invoice;
  Qbsync__V1__SyncInvoiceResponse *response = NULL;
  int code = qbsync_sync_invoice(client, &request, NULL, &response, st);
  if (response != NULL)
    protobuf_c_message_free_unpacked(&response->base, NULL);
  return code;
}

/* ---- tests against the real server ---- */

static void test_unary_ok(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  Qbsync__V1__GetHealthRequest request = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  request.company_id = DEMO;
  Qbsync__V1__GetHealthResponse *health = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health(client, &request, NULL, &health, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  CHECK(st.code == QBSYNC_OK && st.message != NULL, "status not filled");
  CHECK(health != NULL && health->version[0] != 0, "no version in GetHealthResponse");
  CHECK(health != NULL && health->n_companies >= 1 &&
            strcmp(health->companies[0]->company_id, DEMO) == 0,
        "the demo company is missing");
  if (health != NULL)
    protobuf_c_message_free_unpacked(&health->base, NULL);
  qbsync_status_clear(&st);
  /* A NULL request sends an empty one; a NULL status is allowed. */
  code = qbsync_get_health(client, NULL, NULL, &health, NULL);
  CHECK(code == QBSYNC_OK, "empty GetHealth: %s", qbsync_code_name(code));
  if (health != NULL)
    protobuf_c_message_free_unpacked(&health->base, NULL);
  /* By name, through the method table. */
  const qbsync_method *method = qbsync_method_by_name("GetHealth");
  CHECK(method != NULL && !method->server_streaming &&
            strcmp(method->path, "/qbsync.v1.QuickBooksSync/GetHealth") == 0,
        "method table");
  CHECK(qbsync_method_by_name("StreamSyncEvents")->server_streaming, "streaming flag");
  qbsync_client_free(client);
}

static void test_not_found(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  Qbsync__V1__GetHealthRequest request = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  request.company_id = "no-such-company";
  Qbsync__V1__GetHealthResponse *health = (void *)1;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health(client, &request, NULL, &health, &st);
  CHECK_CODE(code, QBSYNC_NOT_FOUND, st);
  CHECK(st.code == QBSYNC_NOT_FOUND && health == NULL, "response set on failure");
  CHECK(strcmp(qbsync_code_name(st.code), "NOT_FOUND") == 0, "code name");
  qbsync_status_clear(&st);
  /* Unknown method by path: UNIMPLEMENTED, and the connection goes on. */
  code = qbsync_call_unary(client, "/qbsync.v1.QuickBooksSync/NoSuchMethod", NULL, NULL, NULL,
                           NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_UNIMPLEMENTED, st);
  qbsync_status_clear(&st);
  code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
}

static void test_invalid_argument_with_field_violation(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  char id[64];
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = sync_invoice(client, "anyone", "X", "2026-13-45", id, sizeof id, &st);
  CHECK_CODE(code, QBSYNC_INVALID_ARGUMENT, st);
  CHECK(st.n_details >= 1 && strcmp(st.details[0].type, "qbsync.v1.FieldViolation") == 0,
        "first detail is not a FieldViolation");
  Qbsync__V1__FieldViolation *violation = (Qbsync__V1__FieldViolation *)qbsync_status_detail_unpack(
      &st, &qbsync__v1__field_violation__descriptor);
  CHECK(violation != NULL && strcmp(violation->field, "invoice.txn_date") == 0,
        "violation field %s", violation ? violation->field : "(none)");
  CHECK(violation != NULL && strstr(violation->description, "2026-13-45") != NULL,
        "description %s", violation ? violation->description : "(none)");
  if (violation != NULL)
    protobuf_c_message_free_unpacked(&violation->base, NULL);
  CHECK(qbsync_status_detail_unpack(&st, &qbsync__v1__error_detail__descriptor) == NULL,
        "unexpected ErrorDetail");
  /* Decoding by type name through the descriptor registry. */
  if (st.n_details >= 1) {
    ProtobufCMessage *any = qbsync_detail_unpack(&st.details[0]);
    CHECK(any != NULL && any->descriptor == &qbsync__v1__field_violation__descriptor,
          "decode by type name");
    if (any != NULL)
      protobuf_c_message_free_unpacked(any, NULL);
  }
  qbsync_status_clear(&st);
  qbsync_client_free(client);
}

/* Reads the stream until an event for external_id reaches want; returns its sequence or 0. */
static uint64_t read_until(qbsync_stream *stream, const char *external_id,
                           Qbsync__V1__SyncStatus want, int64_t within_ms)
{
  int64_t deadline = now_ms() + within_ms;
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      return 0;
    ProtobufCMessage *message = NULL;
    qbsync_status st = QBSYNC_STATUS_INIT;
    int r = qbsync_stream_next_timeout(stream, left, &message, &st);
    if (r != QBSYNC_STREAM_MESSAGE) {
      CHECK(r == QBSYNC_STREAM_MESSAGE, "stream %s: %s %s",
            r == QBSYNC_STREAM_END ? "ended" : "timed out", qbsync_code_name(st.code),
            st.message ? st.message : "");
      qbsync_status_clear(&st);
      return 0;
    }
    Qbsync__V1__SyncEventStreamMessage *m = (Qbsync__V1__SyncEventStreamMessage *)message;
    uint64_t found = 0;
    if (m->kind_case == QBSYNC__V1__SYNC_EVENT_STREAM_MESSAGE__KIND_EVENT &&
        m->event->ref != NULL && strcmp(m->event->ref->external_id, external_id) == 0 &&
        m->event->to_status == want)
      found = m->event->sequence;
    protobuf_c_message_free_unpacked(message, NULL);
    if (found)
      return found;
  }
}

static void test_stream_reads_synced_events(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  char customer[64], item[64], invoice[64];
  if (!linked_customer(client, customer, sizeof customer) || !mapped_item(client, item, sizeof item)) {
    qbsync_client_free(client);
    return;
  }
  Qbsync__V1__StreamSyncEventsRequest request = QBSYNC__V1__STREAM_SYNC_EVENTS_REQUEST__INIT;
  request.company_id = DEMO;
  request.include_health = 1;
  qbsync_stream *stream = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_stream_sync_events(client, &request, NULL, &stream, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  if (stream == NULL) {
    qbsync_client_free(client);
    return;
  }
  ProtobufCMessage *first = NULL;
  int r = qbsync_stream_next(stream, &first, &st);
  CHECK(r == QBSYNC_STREAM_MESSAGE &&
            ((Qbsync__V1__SyncEventStreamMessage *)first)->kind_case ==
                QBSYNC__V1__SYNC_EVENT_STREAM_MESSAGE__KIND_HEALTH,
        "the first message is not the health snapshot");
  if (first != NULL)
    protobuf_c_message_free_unpacked(first, NULL);
  qbsync_status_clear(&st);
  code = sync_invoice(client, customer, item, "2026-11-20", invoice, sizeof invoice, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  uint64_t synced = read_until(stream, invoice, QBSYNC__V1__SYNC_STATUS__SYNC_STATUS_SYNCED, 20000);
  CHECK(synced > 0, "no SYNCED event for %s", invoice);
  qbsync_stream_free(stream);
  qbsync_client_free(client);
}

static void test_cancel_stream_and_go_on(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  qbsync_stream *stream = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  Qbsync__V1__StreamSyncEventsRequest request = QBSYNC__V1__STREAM_SYNC_EVENTS_REQUEST__INIT;
  request.company_id = DEMO;
  int code = qbsync_stream_sync_events(client, &request, NULL, &stream, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  if (stream == NULL) {
    qbsync_client_free(client);
    return;
  }
  uint32_t id = qbsync_stream_id(stream);
  qbsync_stream_cancel(stream);
  ProtobufCMessage *message = NULL;
  int r = qbsync_stream_next(stream, &message, &st);
  CHECK(r == QBSYNC_STREAM_END && st.code == QBSYNC_CANCELLED, "after cancel: %d %s", r,
        qbsync_code_name(st.code));
  qbsync_status_clear(&st);
  /* The same connection still serves calls. */
  Qbsync__V1__GetHealthResponse *health = NULL;
  code = qbsync_get_health(client, NULL, NULL, &health, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  if (health != NULL)
    protobuf_c_message_free_unpacked(&health->base, NULL);
  /* A second stream gets a higher id on the same connection. */
  qbsync_stream *again = NULL;
  code = qbsync_stream_sync_events(client, &request, NULL, &again, &st);
  CHECK(code == QBSYNC_OK && qbsync_stream_id(again) > id + 1, "stream ids %u then %u", id,
        again ? qbsync_stream_id(again) : 0);
  qbsync_status_clear(&st);
  qbsync_stream_free(again); /* cancels it */
  qbsync_stream_free(stream);
  /* A stream may outlive its client: it ends CANCELLED, and freeing it last frees all. */
  code = qbsync_stream_sync_events(client, &request, NULL, &again, NULL);
  CHECK(code == QBSYNC_OK, "open: %s", qbsync_code_name(code));
  qbsync_client_free(client);
  if (again != NULL) {
    r = qbsync_stream_next(again, &message, &st);
    CHECK(r == QBSYNC_STREAM_END && st.code == QBSYNC_CANCELLED, "after free: %d %s", r,
          qbsync_code_name(st.code));
    qbsync_status_clear(&st);
    qbsync_stream_free(again);
  }
}

static void test_server_deadline(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  Qbsync__V1__StreamSyncEventsRequest request = QBSYNC__V1__STREAM_SYNC_EVENTS_REQUEST__INIT;
  request.company_id = DEMO;
  qbsync_call_options opts = {.timeout_ms = 300};
  qbsync_stream *stream = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int64_t started = now_ms();
  int code = qbsync_stream_sync_events(client, &request, &opts, &stream, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  if (stream != NULL) {
    ProtobufCMessage *message = NULL;
    int r;
    while ((r = qbsync_stream_next(stream, &message, &st)) == QBSYNC_STREAM_MESSAGE)
      protobuf_c_message_free_unpacked(message, NULL);
    int64_t elapsed = now_ms() - started;
    CHECK(st.code == QBSYNC_DEADLINE_EXCEEDED, "stream ended %s: %s", qbsync_code_name(st.code),
          st.message);
    CHECK(elapsed >= 250 && elapsed < 5000, "ended after %lld ms", (long long)elapsed);
    qbsync_status_clear(&st);
    qbsync_stream_free(stream);
  }
  qbsync_client_free(client);
}

static void test_refuses_nul_and_bad_utf8_before_sending(void)
{
  qbsync_status st = QBSYNC_STATUS_INIT;
  /* NUL in length-counted input, as the conformance runner and JSON readers meet it. */
  CHECK(!qbsync_check_string("invoice.lines[0].description", "tent\0day", 8, &st), "NUL passed");
  CHECK_CODE(st.code, QBSYNC_INVALID_ARGUMENT, st);
  Qbsync__V1__FieldViolation *v = (Qbsync__V1__FieldViolation *)qbsync_status_detail_unpack(
      &st, &qbsync__v1__field_violation__descriptor);
  CHECK(v != NULL && strcmp(v->field, "invoice.lines[0].description") == 0, "violation field");
  if (v != NULL)
    protobuf_c_message_free_unpacked(&v->base, NULL);
  CHECK(strstr(st.message, "NUL") != NULL, "message %s", st.message);
  qbsync_status_clear(&st);
  CHECK(qbsync_check_string("x", "caf\xc3\xa9", 5, NULL), "valid UTF-8 refused");

  /* A client whose socket does not exist: refusals come before connecting. */
  qbsync_client *nowhere = new_client("/tmp/qbsync-c-no-such-dir/none.sock", 2000);
  Qbsync__V1__InvoiceLine line = QBSYNC__V1__INVOICE_LINE__INIT;
  line.description = "tent\xff" "day";
  Qbsync__V1__InvoiceLine *lines[] = {&line};
  Qbsync__V1__Invoice invoice = QBSYNC__V1__INVOICE__INIT;
  invoice.external_id = "INV-100";
  invoice.n_lines = 1;
  invoice.lines = lines;
  Qbsync__V1__SyncInvoiceRequest request = QBSYNC__V1__SYNC_INVOICE_REQUEST__INIT;
  request.company_id = DEMO;
  request.invoice = &invoice;
  int code = qbsync_sync_invoice(nowhere, &request, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_INVALID_ARGUMENT, st);
  v = (Qbsync__V1__FieldViolation *)qbsync_status_detail_unpack(
      &st, &qbsync__v1__field_violation__descriptor);
  CHECK(v != NULL && strcmp(v->field, "invoice.lines[0].description") == 0, "violation field %s",
        v ? v->field : "(none)");
  if (v != NULL)
    protobuf_c_message_free_unpacked(&v->base, NULL);
  qbsync_status_clear(&st);

  qbsync_metadata nul_value[] = {{"x-note", "a\0b", 3}};
  qbsync_call_options opts = {.metadata = nul_value, .n_metadata = 1};
  code = qbsync_get_health(nowhere, NULL, &opts, NULL, &st);
  CHECK_CODE(code, QBSYNC_INVALID_ARGUMENT, st);
  qbsync_status_clear(&st);
  qbsync_metadata bad_key[] = {{"X-Upper", "v", 0}};
  opts.metadata = bad_key;
  code = qbsync_get_health(nowhere, NULL, &opts, NULL, &st);
  CHECK_CODE(code, QBSYNC_INVALID_ARGUMENT, st);
  qbsync_status_clear(&st);
  /* And with a valid request, that client fails to connect: UNAVAILABLE. */
  code = qbsync_get_health(nowhere, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_UNAVAILABLE, st);
  qbsync_status_clear(&st);
  qbsync_client_free(nowhere);

  /* Good metadata reaches the real server. */
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  qbsync_metadata good[] = {{"request-id", "r-1", 0}, {"caller", "c-tests", 0}};
  opts.metadata = good;
  opts.n_metadata = 2;
  code = qbsync_get_health(client, NULL, &opts, NULL, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
}

typedef struct worker {
  qbsync_client *client;
  int calls, ok;
} worker;

static void *worker_main(void *p)
{
  worker *w = p;
  Qbsync__V1__GetHealthRequest request = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  request.company_id = DEMO;
  for (int i = 0; i < w->calls; i++) {
    Qbsync__V1__GetHealthResponse *health = NULL;
    if (qbsync_get_health(w->client, &request, NULL, &health, NULL) == QBSYNC_OK)
      w->ok++;
    if (health != NULL)
      protobuf_c_message_free_unpacked(&health->base, NULL);
  }
  return NULL;
}

static void test_threads_share_one_connection(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 20000);
  enum { THREADS = 8, CALLS = 25 };
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){client, CALLS, 0};
    pthread_create(&threads[i], NULL, worker_main, &workers[i]);
  }
  int ok = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    ok += workers[i].ok;
  }
  CHECK(ok == THREADS * CALLS, "%d of %d calls OK", ok, THREADS * CALLS);
  /* All on one connection: the next stream id counts every call. */
  qbsync_stream *stream = NULL;
  int code = qbsync_stream_sync_events(client, NULL, NULL, &stream, NULL);
  CHECK(code == QBSYNC_OK && qbsync_stream_id(stream) == THREADS * CALLS + 1, "stream id %u",
        stream ? qbsync_stream_id(stream) : 0);
  qbsync_stream_free(stream);
  qbsync_client_free(client);
}

typedef struct loop_state {
  int done, ok;
} loop_state;

static void on_health(void *user, ProtobufCMessage *response, const qbsync_status *status)
{
  loop_state *state = user;
  state->done++;
  if (status->code == QBSYNC_OK && response != NULL &&
      response->descriptor == &qbsync__v1__get_health_response__descriptor)
    state->ok++;
  if (response != NULL)
    protobuf_c_message_free_unpacked(response, NULL);
}

static void test_event_loop(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_client_connect(client, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  loop_state state = {0, 0};
  enum { CALLS = 20 };
  Qbsync__V1__GetHealthRequest request = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  request.company_id = DEMO;
  for (int i = 0; i < CALLS; i++) {
    code = qbsync_get_health_async(client, &request, NULL, on_health, &state, &st);
    CHECK_CODE(code, QBSYNC_OK, st);
    qbsync_status_clear(&st);
  }
  /* One that fails: the callback sees the status. */
  loop_state failed = {0, 0};
  Qbsync__V1__GetHealthRequest bad = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  bad.company_id = "no-such-company";
  qbsync_get_health_async(client, &bad, NULL, on_health, &failed, NULL);
  /* A stream read without blocking. */
  qbsync_stream *stream = NULL;
  Qbsync__V1__StreamSyncEventsRequest sreq = QBSYNC__V1__STREAM_SYNC_EVENTS_REQUEST__INIT;
  sreq.company_id = DEMO;
  sreq.include_health = 1;
  qbsync_stream_sync_events(client, &sreq, NULL, &stream, NULL);
  int got_health = 0;
  int64_t deadline = now_ms() + 20000;
  while ((state.done < CALLS || failed.done < 1 || !got_health) && now_ms() < deadline) {
    struct pollfd pfd = {.fd = qbsync_client_fd(client), .events = POLLIN};
    int wait = qbsync_client_timeout_ms(client);
    poll(&pfd, 1, wait < 0 || wait > 500 ? 500 : wait);
    qbsync_client_process(client);
    ProtobufCMessage *message = NULL;
    if (stream != NULL &&
        qbsync_stream_next_timeout(stream, 0, &message, NULL) == QBSYNC_STREAM_MESSAGE) {
      got_health = 1;
      protobuf_c_message_free_unpacked(message, NULL);
    }
  }
  CHECK(state.done == CALLS && state.ok == CALLS, "%d done, %d OK of %d", state.done, state.ok,
        CALLS);
  CHECK(failed.done == 1 && failed.ok == 0, "the failing call: done %d ok %d", failed.done,
        failed.ok);
  CHECK(got_health, "no stream message through the event loop");
  CHECK(qbsync_client_timeout_ms(client) == -1, "a deadline is still pending");
  qbsync_stream_free(stream);
  /* Pending async calls get their callback when the client is freed. */
  loop_state late = {0, 0};
  qbsync_get_health_async(client, &request, NULL, on_health, &late, NULL);
  qbsync_client_free(client);
  CHECK(late.done == 1, "the pending callback did not run at free");
}

static void test_ping(void)
{
  qbsync_client *client = new_client(main_server.socket_path, 10000);
  int64_t rtt = -1;
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_client_ping(client, 0, &rtt, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  CHECK(rtt >= 0 && rtt < 5000000, "rtt %lld us", (long long)rtt);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
}

static void test_goaway_on_sigterm(void)
{
  test_server own;
  server_start(&own, NULL);
  qbsync_client *client = new_client(own.socket_path, 10000);
  char customer[64], item[64], invoice[64];
  if (!linked_customer(client, customer, sizeof customer) || !mapped_item(client, item, sizeof item)) {
    qbsync_client_free(client);
    server_stop(&own);
    return;
  }
  Qbsync__V1__StreamSyncEventsRequest request = QBSYNC__V1__STREAM_SYNC_EVENTS_REQUEST__INIT;
  request.company_id = DEMO;
  qbsync_stream *stream = NULL;
  qbsync_status st = QBSYNC_STATUS_INIT;
  qbsync_stream_sync_events(client, &request, NULL, &stream, NULL);
  int code = sync_invoice(client, customer, item, "2026-11-20", invoice, sizeof invoice, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  uint64_t last = read_until(stream, invoice, QBSYNC__V1__SYNC_STATUS__SYNC_STATUS_SYNCED, 20000);
  CHECK(last > 0, "no SYNCED event");
  server_terminate(&own);
  ProtobufCMessage *message = NULL;
  int r;
  while ((r = qbsync_stream_next(stream, &message, &st)) == QBSYNC_STREAM_MESSAGE) {
    Qbsync__V1__SyncEventStreamMessage *m = (Qbsync__V1__SyncEventStreamMessage *)message;
    if (m->kind_case == QBSYNC__V1__SYNC_EVENT_STREAM_MESSAGE__KIND_EVENT)
      last = m->event->sequence;
    protobuf_c_message_free_unpacked(message, NULL);
  }
  CHECK_CODE(st.code, QBSYNC_UNAVAILABLE, st);
  Qbsync__V1__StreamResumePoint *resume = (Qbsync__V1__StreamResumePoint *)qbsync_status_detail_unpack(
      &st, &qbsync__v1__stream_resume_point__descriptor);
  CHECK(resume != NULL && resume->last_delivered_sequence == last,
        "resume point %llu, last delivered %llu",
        resume ? (unsigned long long)resume->last_delivered_sequence : 0ULL,
        (unsigned long long)last);
  if (resume != NULL)
    protobuf_c_message_free_unpacked(&resume->base, NULL);
  qbsync_status_clear(&st);
  qbsync_stream_free(stream);
  CHECK(server_wait(&own, 15000) == 0, "the server did not exit cleanly");
  code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_UNAVAILABLE, st);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
  server_stop(&own);
}

static void test_refused_handshake(void)
{
  test_server own;
  const char *args[] = {"--allow-uid", "4242", NULL};
  server_start(&own, args);
  qbsync_client *client = new_client(own.socket_path, 10000);
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_PERMISSION_DENIED, st);
  CHECK(st.goaway_reason == QBSYNC__RPC__V1__GO_AWAY_REASON__GO_AWAY_REASON_PERMISSION_DENIED,
        "goaway reason %d", st.goaway_reason);
  CHECK(strcmp(qbsync_goaway_reason_name(st.goaway_reason), "PERMISSION_DENIED") == 0,
        "reason name");
  CHECK(st.message != NULL && st.message[0] != 0, "no message from the server");
  qbsync_status_clear(&st);
  code = qbsync_client_connect(client, &st);
  CHECK_CODE(code, QBSYNC_PERMISSION_DENIED, st);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
  server_stop(&own);
}

/* ---- tests against a scripted fake server ---- */

typedef struct silent_seen {
  uint64_t timeout_micros;
  uint32_t open_id, cancel_id;
  char method[128];
} silent_seen;

static void silent_script(int fd, int index, void *arg)
{
  silent_seen *seen = arg;
  Qbsync__Rpc__V1__Frame *hello = fake_handshake(fd);
  qbsync__rpc__v1__frame__free_unpacked(hello, NULL);
  Qbsync__Rpc__V1__Frame *open = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_OPEN);
  if (open == NULL)
    return;
  seen->timeout_micros = open->open->timeout_micros;
  seen->open_id = open->stream_id;
  snprintf(seen->method, sizeof seen->method, "%s", open->open->method);
  qbsync__rpc__v1__frame__free_unpacked(open, NULL);
  Qbsync__Rpc__V1__Frame *cancel = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_CANCEL);
  if (cancel != NULL) {
    seen->cancel_id = cancel->stream_id;
    qbsync__rpc__v1__frame__free_unpacked(cancel, NULL);
  }
}

static void test_local_deadline_sends_cancel(void)
{
  silent_seen seen = {0, 0, 0, ""};
  fake_server *fake = fake_start(silent_script, &seen);
  qbsync_client *client = new_client(fake_path(fake), 10000);
  qbsync_call_options opts = {.timeout_ms = 250};
  qbsync_status st = QBSYNC_STATUS_INIT;
  int64_t started = now_ms();
  int code = qbsync_get_health(client, NULL, &opts, NULL, &st);
  int64_t elapsed = now_ms() - started;
  CHECK_CODE(code, QBSYNC_DEADLINE_EXCEEDED, st);
  CHECK(strstr(st.message, "no answer from the server") != NULL, "message %s", st.message);
  CHECK(elapsed >= 250 && elapsed < 3000, "took %lld ms", (long long)elapsed);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
  fake_stop(fake);
  CHECK(seen.timeout_micros == 250000, "timeout_micros %llu", (unsigned long long)seen.timeout_micros);
  CHECK(strcmp(seen.method, "/qbsync.v1.QuickBooksSync/GetHealth") == 0, "method %s", seen.method);
  CHECK(seen.cancel_id == seen.open_id && seen.open_id == 1, "open %u, cancel %u", seen.open_id,
        seen.cancel_id);
}

static void test_event_loop_local_deadline(void)
{
  silent_seen seen = {0, 0, 0, ""};
  fake_server *fake = fake_start(silent_script, &seen);
  qbsync_client *client = new_client(fake_path(fake), 10000);
  loop_state state = {0, 0};
  qbsync_call_options opts = {.timeout_ms = 200};
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health_async(client, NULL, &opts, on_health, &state, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  int wait = qbsync_client_timeout_ms(client);
  CHECK(wait > 0 && wait <= 300, "timeout_ms %d", wait);
  int64_t started = now_ms();
  while (state.done == 0 && now_ms() - started < 5000) {
    struct pollfd pfd = {.fd = qbsync_client_fd(client), .events = POLLIN};
    wait = qbsync_client_timeout_ms(client);
    poll(&pfd, 1, wait < 0 ? 1000 : wait);
    qbsync_client_process(client);
  }
  int64_t elapsed = now_ms() - started;
  CHECK(state.done == 1 && state.ok == 0, "callback done %d ok %d", state.done, state.ok);
  CHECK(elapsed >= 250 && elapsed < 2000, "expired after %lld ms", (long long)elapsed);
  qbsync_client_free(client);
  fake_stop(fake);
  CHECK(seen.cancel_id == 1, "no Cancel for the expired call (%u)", seen.cancel_id);
}

static void goaway_script(int fd, int index, void *arg)
{
  Qbsync__Rpc__V1__Frame *hello = fake_handshake(fd);
  qbsync__rpc__v1__frame__free_unpacked(hello, NULL);
  Qbsync__V1__GetHealthResponse health = QBSYNC__V1__GET_HEALTH_RESPONSE__INIT;
  health.version = "fake";
  if (index == 1) { /* the reconnect */
    Qbsync__Rpc__V1__Frame *open = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_OPEN);
    if (open != NULL) {
      fake_respond(fd, open->stream_id, &health.base, 0, "");
      qbsync__rpc__v1__frame__free_unpacked(open, NULL);
    }
    return;
  }
  uint32_t ids[2];
  for (int i = 0; i < 2; i++) {
    Qbsync__Rpc__V1__Frame *open = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_OPEN);
    if (open == NULL)
      return;
    ids[i] = open->stream_id;
    qbsync__rpc__v1__frame__free_unpacked(open, NULL);
  }
  Qbsync__Rpc__V1__GoAway goaway = QBSYNC__RPC__V1__GO_AWAY__INIT;
  goaway.last_stream_id = ids[0] < ids[1] ? ids[0] : ids[1];
  goaway.reason = QBSYNC__RPC__V1__GO_AWAY_REASON__GO_AWAY_REASON_SHUTDOWN;
  goaway.code = 14;
  goaway.message = "draining";
  Qbsync__Rpc__V1__Frame frame = QBSYNC__RPC__V1__FRAME__INIT;
  frame.kind_case = QBSYNC__RPC__V1__FRAME__KIND_GOAWAY;
  frame.goaway = &goaway;
  fake_send(fd, &frame);
  usleep(200000);
  fake_respond(fd, goaway.last_stream_id, &health.base, 0, "");
  usleep(100000);
}

typedef struct health_call {
  qbsync_client *client;
  int code;
  char message[256];
} health_call;

static void *health_thread(void *p)
{
  health_call *h = p;
  qbsync_status st = QBSYNC_STATUS_INIT;
  h->code = qbsync_get_health(h->client, NULL, NULL, NULL, &st);
  snprintf(h->message, sizeof h->message, "%s", st.message ? st.message : "");
  qbsync_status_clear(&st);
  return NULL;
}

static void test_goaway_fails_unprocessed_calls_then_reconnects(void)
{
  fake_server *fake = fake_start(goaway_script, NULL);
  qbsync_client *client = new_client(fake_path(fake), 10000);
  qbsync_client_connect(client, NULL);
  health_call calls[2] = {{client, -1, ""}, {client, -1, ""}};
  pthread_t threads[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&threads[i], NULL, health_thread, &calls[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(threads[i], NULL);
  int ok = (calls[0].code == QBSYNC_OK) + (calls[1].code == QBSYNC_OK);
  int unavailable = (calls[0].code == QBSYNC_UNAVAILABLE && strstr(calls[0].message, "not processed")) +
                    (calls[1].code == QBSYNC_UNAVAILABLE && strstr(calls[1].message, "not processed"));
  CHECK(ok == 1 && unavailable == 1, "codes %s (%s) and %s (%s)", qbsync_code_name(calls[0].code),
        calls[0].message, qbsync_code_name(calls[1].code), calls[1].message);
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  qbsync_status_clear(&st);
  CHECK(fake_connections(fake) == 2, "%d connections", fake_connections(fake));
  qbsync_client_free(client);
  fake_stop(fake);
}

static void broken_script(int fd, int index, void *arg)
{
  Qbsync__Rpc__V1__Frame *hello = fake_handshake(fd);
  qbsync__rpc__v1__frame__free_unpacked(hello, NULL);
  Qbsync__Rpc__V1__Frame *open = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_OPEN);
  if (open == NULL)
    return;
  Qbsync__Rpc__V1__Frame *message = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_MESSAGE);
  if (message != NULL)
    qbsync__rpc__v1__frame__free_unpacked(message, NULL);
  if (index == 0) {
    /* closes the socket with the call in flight */
  } else if (index == 1) {
    static const uint8_t huge[4] = {0, 0, 0x13, 0x88}; /* 5000 bytes, above the client's 4096 */
    fake_send_raw(fd, huge, sizeof huge);
    usleep(300000);
  } else {
    Qbsync__V1__GetHealthResponse health = QBSYNC__V1__GET_HEALTH_RESPONSE__INIT;
    health.version = "fake";
    fake_respond(fd, open->stream_id, &health.base, 0, "");
  }
  qbsync__rpc__v1__frame__free_unpacked(open, NULL);
}

static void test_broken_connection_and_oversized_frame(void)
{
  fake_server *fake = fake_start(broken_script, NULL);
  qbsync_client_config config;
  qbsync_client_config_init(&config, fake_path(fake));
  config.max_frame_size = 4096;
  qbsync_client *client = qbsync_client_new(&config);
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_UNAVAILABLE, st);
  qbsync_status_clear(&st);
  code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_INTERNAL, st);
  CHECK(strstr(st.message, "5000") != NULL, "message %s", st.message);
  qbsync_status_clear(&st);
  Qbsync__V1__GetHealthResponse *health = NULL;
  code = qbsync_get_health(client, NULL, NULL, &health, &st);
  CHECK_CODE(code, QBSYNC_OK, st);
  CHECK(health != NULL && strcmp(health->version, "fake") == 0, "response");
  if (health != NULL)
    protobuf_c_message_free_unpacked(&health->base, NULL);
  qbsync_status_clear(&st);
  CHECK(fake_connections(fake) == 3, "%d connections", fake_connections(fake));
  qbsync_client_free(client);
  fake_stop(fake);
}

static void details_script(int fd, int index, void *arg)
{
  Qbsync__Rpc__V1__Frame *hello = fake_handshake(fd);
  qbsync__rpc__v1__frame__free_unpacked(hello, NULL);
  Qbsync__Rpc__V1__Frame *open = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_OPEN);
  if (open == NULL)
    return;
  Qbsync__V1__FieldViolation violation = QBSYNC__V1__FIELD_VIOLATION__INIT;
  violation.field = "invoice.txn_date";
  violation.description = "not a date";
  Qbsync__V1__StreamResumePoint resume = QBSYNC__V1__STREAM_RESUME_POINT__INIT;
  resume.last_delivered_sequence = 41;
  uint8_t a[64], b[16];
  Qbsync__Rpc__V1__StatusDetail d1 = QBSYNC__RPC__V1__STATUS_DETAIL__INIT;
  Qbsync__Rpc__V1__StatusDetail d2 = QBSYNC__RPC__V1__STATUS_DETAIL__INIT;
  d1.type = "qbsync.v1.FieldViolation";
  d1.value.data = a;
  d1.value.len = qbsync__v1__field_violation__pack(&violation, a);
  d2.type = "qbsync.v1.StreamResumePoint";
  d2.value.data = b;
  d2.value.len = qbsync__v1__stream_resume_point__pack(&resume, b);
  Qbsync__Rpc__V1__StatusDetail *details[] = {&d1, &d2};
  Qbsync__Rpc__V1__Status s = QBSYNC__RPC__V1__STATUS__INIT;
  s.code = 3;
  s.message = "bad";
  s.n_details = 2;
  s.details = details;
  Qbsync__Rpc__V1__Frame frame = QBSYNC__RPC__V1__FRAME__INIT;
  frame.stream_id = open->stream_id;
  frame.kind_case = QBSYNC__RPC__V1__FRAME__KIND_STATUS;
  frame.status = &s;
  /* A server ping first: the client must answer it. */
  Qbsync__Rpc__V1__Ping ping = QBSYNC__RPC__V1__PING__INIT;
  ping.opaque = 77;
  Qbsync__Rpc__V1__Frame ping_frame = QBSYNC__RPC__V1__FRAME__INIT;
  ping_frame.kind_case = QBSYNC__RPC__V1__FRAME__KIND_PING;
  ping_frame.ping = &ping;
  fake_send(fd, &ping_frame);
  Qbsync__Rpc__V1__Frame *pong = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_PONG);
  int *pong_ok = arg;
  *pong_ok = pong != NULL && pong->pong->opaque == 77;
  if (pong != NULL)
    qbsync__rpc__v1__frame__free_unpacked(pong, NULL);
  fake_send(fd, &frame);
  qbsync__rpc__v1__frame__free_unpacked(open, NULL);
  usleep(100000);
}

static void test_typed_details_and_server_ping(void)
{
  int pong_ok = 0;
  fake_server *fake = fake_start(details_script, &pong_ok);
  qbsync_client *client = new_client(fake_path(fake), 10000);
  qbsync_status st = QBSYNC_STATUS_INIT;
  int code = qbsync_get_health(client, NULL, NULL, NULL, &st);
  CHECK_CODE(code, QBSYNC_INVALID_ARGUMENT, st);
  CHECK(strcmp(st.message, "bad") == 0 && st.n_details == 2, "status");
  Qbsync__V1__StreamResumePoint *resume = (Qbsync__V1__StreamResumePoint *)qbsync_status_detail_unpack(
      &st, &qbsync__v1__stream_resume_point__descriptor);
  CHECK(resume != NULL && resume->last_delivered_sequence == 41, "resume point");
  if (resume != NULL)
    protobuf_c_message_free_unpacked(&resume->base, NULL);
  qbsync_status copy;
  qbsync_status_copy(&copy, &st);
  CHECK(copy.n_details == 2 && strcmp(copy.details[1].type, "qbsync.v1.StreamResumePoint") == 0,
        "copy");
  qbsync_status_clear(&copy);
  qbsync_status_clear(&st);
  qbsync_client_free(client);
  fake_stop(fake);
  CHECK(pong_ok, "the server's ping was not answered");
}

/* ---- runner ---- */

typedef struct test_case {
  const char *name;
  void (*run)(void);
} test_case;

static const test_case TESTS[] = {
    {"unary_ok", test_unary_ok},
    {"not_found_and_unimplemented", test_not_found},
    {"invalid_argument_with_field_violation", test_invalid_argument_with_field_violation},
    {"stream_reads_synced_events", test_stream_reads_synced_events},
    {"cancel_stream_and_go_on", test_cancel_stream_and_go_on},
    {"server_deadline", test_server_deadline},
    {"refuses_nul_and_bad_utf8_before_sending", test_refuses_nul_and_bad_utf8_before_sending},
    {"threads_share_one_connection", test_threads_share_one_connection},
    {"event_loop", test_event_loop},
    {"ping", test_ping},
    {"goaway_on_sigterm", test_goaway_on_sigterm},
    {"refused_handshake", test_refused_handshake},
    {"local_deadline_sends_cancel", test_local_deadline_sends_cancel},
    {"event_loop_local_deadline", test_event_loop_local_deadline},
    {"goaway_fails_unprocessed_calls_then_reconnects",
     test_goaway_fails_unprocessed_calls_then_reconnects},
    {"broken_connection_and_oversized_frame", test_broken_connection_and_oversized_frame},
    {"typed_details_and_server_ping", test_typed_details_and_server_ping},
};

int main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  server_start(&main_server, NULL);
  int passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++) {
    if (argc > 1 && strstr(TESTS[i].name, argv[1]) == NULL)
      continue;
    int before = test_failures;
    int64_t started = now_ms();
    TESTS[i].run();
    int ok = test_failures == before;
    printf("%s %s (%lld ms)\n", ok ? "ok  " : "FAIL", TESTS[i].name,
           (long long)(now_ms() - started));
    if (ok)
      passed++;
    else
      failed++;
  }
  server_stop(&main_server);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
