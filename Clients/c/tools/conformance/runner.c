/*
 * The C client's conformance runner: qbsync-conformance CASE.json, with the
 * server's socket in $QBSYNC_SOCKET (Clients/conformance/README.md). It uses
 * only the library's public API; JSON <-> message conversion is pbjson.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <qbsync/qbsync.h>

#include "pbjson.h"

#define SERVICE_PREFIX "/qbsync.v1.QuickBooksSync/"
#define MAX_STREAMS 64

typedef struct open_stream {
  char *name;
  qbsync_stream *stream;
  const ProtobufCMessageDescriptor *response_type;
} open_stream;

static qbsync_client *client;
static json_t *vars;
static open_stream streams[MAX_STREAMS];
static int n_streams;
static int step_index;

static void cleanup(void)
{
  for (int i = 0; i < n_streams; i++) {
    qbsync_stream_free(streams[i].stream);
    free(streams[i].name);
  }
  n_streams = 0;
  if (client != NULL)
    qbsync_client_free(client);
  client = NULL;
  json_decref(vars);
  vars = NULL;
}

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void failf(const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "step %d: ", step_index);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  cleanup();
  exit(1);
}

static char *dump(json_t *j)
{
  if (j == NULL)
    return strdup("(absent)");
  char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
  return text != NULL ? text : strdup("?");
}

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- variables ---- */

static json_t *substitute(json_t *j)
{
  if (json_is_string(j)) {
    const char *text = json_string_value(j);
    size_t len = strlen(text);
    if (len > 3 && text[0] == '$' && text[1] == '{' && text[len - 1] == '}' &&
        memchr(text + 2, '}', len - 3) == NULL) {
      char name[256];
      snprintf(name, sizeof name, "%.*s", (int)(len - 3), text + 2);
      json_t *value = json_object_get(vars, name);
      if (value == NULL)
        failf("no captured variable %s", name);
      return json_deep_copy(value);
    }
    if (strstr(text, "${") == NULL)
      return json_incref(j);
    /* Replace each ${name} inside a longer string by the value's text. */
    size_t cap = len * 2 + 64, n = 0;
    char *out = malloc(cap);
    for (const char *p = text; *p;) {
      const char *start = strstr(p, "${");
      const char *end = start ? strchr(start, '}') : NULL;
      if (start == NULL || end == NULL) {
        size_t rest = strlen(p);
        while (n + rest + 1 > cap)
          out = realloc(out, cap *= 2);
        memcpy(out + n, p, rest);
        n += rest;
        break;
      }
      while (n + (size_t)(start - p) + 1 > cap)
        out = realloc(out, cap *= 2);
      memcpy(out + n, p, (size_t)(start - p));
      n += (size_t)(start - p);
      char name[256];
      snprintf(name, sizeof name, "%.*s", (int)(end - start - 2), start + 2);
      json_t *value = json_object_get(vars, name);
      if (value == NULL)
        failf("no captured variable %s", name);
      char *piece = json_is_string(value) ? strdup(json_string_value(value)) : dump(value);
      size_t plen = strlen(piece);
      while (n + plen + 1 > cap)
        out = realloc(out, cap *= 2);
      memcpy(out + n, piece, plen);
      n += plen;
      free(piece);
      p = end + 1;
    }
    json_t *result = json_stringn(out, n);
    free(out);
    return result;
  }
  if (json_is_object(j)) {
    json_t *copy = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(j, key, value) json_object_set_new(copy, key, substitute(value));
    return copy;
  }
  if (json_is_array(j)) {
    json_t *copy = json_array();
    size_t i;
    json_t *value;
    json_array_foreach(j, i, value) json_array_append_new(copy, substitute(value));
    return copy;
  }
  return json_incref(j);
}

/* The value at a dotted path ("records.0.ref.externalId"), or NULL. */
static json_t *at_path(json_t *root, const char *path)
{
  char *copy = strdup(path), *save = NULL;
  json_t *cur = root;
  for (char *part = strtok_r(copy, ".", &save); part != NULL && cur != NULL;
       part = strtok_r(NULL, ".", &save)) {
    if (json_is_array(cur)) {
      char *end;
      unsigned long index = strtoul(part, &end, 10);
      cur = *end == 0 ? json_array_get(cur, index) : NULL;
    } else if (json_is_object(cur)) {
      cur = json_object_get(cur, part);
    } else {
      cur = NULL;
    }
  }
  free(copy);
  return cur;
}

static void capture(json_t *spec, json_t *source)
{
  if (spec == NULL)
    return;
  const char *name;
  json_t *path;
  json_object_foreach(spec, name, path)
  {
    json_t *value = json_is_string(path) ? at_path(source, json_string_value(path)) : NULL;
    if (value == NULL) {
      char *text = dump(source);
      fprintf(stderr, "step %d: capture %s: no %s in %s\n", step_index, name,
              json_is_string(path) ? json_string_value(path) : "?", text);
      free(text);
      cleanup();
      exit(1);
    }
    json_object_set_new(vars, name, json_deep_copy(value));
  }
}

/* ---- matching ---- */

/* An integer as sign + magnitude, from a JSON integer or a string holding one. */
static int as_integer(json_t *j, int *negative, uint64_t *magnitude)
{
  if (json_is_integer(j)) {
    json_int_t v = json_integer_value(j);
    *negative = v < 0;
    *magnitude = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    return 1;
  }
  if (!json_is_string(j))
    return 0;
  const char *text = json_string_value(j);
  *negative = text[0] == '-';
  if (*negative)
    text++;
  if (*text == 0)
    return 0;
  for (const char *p = text; *p; p++)
    if (*p < '0' || *p > '9')
      return 0;
  errno = 0;
  *magnitude = strtoull(text, NULL, 10);
  return errno == 0;
}

static int compare_integers(json_t *a, json_t *b, int *cmp)
{
  int na, nb;
  uint64_t ma, mb;
  if (!as_integer(a, &na, &ma) || !as_integer(b, &nb, &mb))
    return 0;
  if (ma == 0)
    na = 0;
  if (mb == 0)
    nb = 0;
  if (na != nb)
    *cmp = na ? -1 : 1;
  else if (ma == mb)
    *cmp = 0;
  else
    *cmp = ((ma < mb) != na) ? -1 : 1;
  return 1;
}

static int is_operator(json_t *expected)
{
  if (!json_is_object(expected) || json_object_size(expected) == 0)
    return 0;
  const char *key;
  json_t *value;
  json_object_foreach(expected, key, value) if (key[0] != '$') return 0;
  return 1;
}

static int match(json_t *expected, json_t *actual)
{
  if (json_is_null(expected))
    return actual == NULL || json_is_null(actual);
  if (is_operator(expected)) {
    const char *op;
    json_t *arg;
    json_object_foreach(expected, op, arg)
    {
      int cmp;
      if (strcmp(op, "$present") == 0) {
        if ((actual != NULL) != json_is_true(arg))
          return 0;
      } else if (strcmp(op, "$contains") == 0) {
        if (!json_is_string(actual) || !json_is_string(arg) ||
            strstr(json_string_value(actual), json_string_value(arg)) == NULL)
          return 0;
      } else if (strcmp(op, "$gt") == 0 || strcmp(op, "$gte") == 0) {
        if (actual == NULL || !compare_integers(actual, arg, &cmp))
          return 0;
        if (op[3] == 'e' ? cmp < 0 : cmp <= 0)
          return 0;
      } else if (strcmp(op, "$len") == 0) {
        size_t n = actual == NULL ? 0 : json_is_array(actual) ? json_array_size(actual) : (size_t)-1;
        if (!json_is_integer(arg) || n != (size_t)json_integer_value(arg))
          return 0;
      } else {
        return 0;
      }
    }
    return 1;
  }
  if (actual == NULL)
    return 0;
  if (json_is_object(expected)) {
    if (!json_is_object(actual))
      return 0;
    const char *key;
    json_t *value;
    json_object_foreach(expected, key, value) if (!match(value, json_object_get(actual, key))) return 0;
    return 1;
  }
  if (json_is_array(expected)) {
    if (!json_is_array(actual) || json_array_size(actual) != json_array_size(expected))
      return 0;
    for (size_t i = 0; i < json_array_size(expected); i++)
      if (!match(json_array_get(expected, i), json_array_get(actual, i)))
        return 0;
    return 1;
  }
  int cmp;
  if (compare_integers(expected, actual, &cmp))
    return cmp == 0;
  if (json_is_number(expected) && json_is_number(actual))
    return json_number_value(expected) == json_number_value(actual);
  return json_equal(expected, actual);
}

static json_t *details_json(const qbsync_status *st)
{
  json_t *array = json_array();
  for (size_t i = 0; i < st->n_details; i++) {
    json_t *entry = json_object();
    json_object_set_new(entry, "type", json_string(st->details[i].type));
    ProtobufCMessage *decoded = qbsync_detail_unpack(&st->details[i]);
    if (decoded != NULL) {
      json_object_set_new(entry, "value", pbjson_print(decoded));
      protobuf_c_message_free_unpacked(decoded, NULL);
    }
    json_array_append_new(array, entry);
  }
  return array;
}

/* Checks a status (and a unary response) against `expect`. */
static void check_status(json_t *expect, const qbsync_status *st, json_t *response)
{
  const char *want_name = "OK";
  json_t *code = expect != NULL ? json_object_get(expect, "code") : NULL;
  if (json_is_string(code))
    want_name = json_string_value(code);
  int want = qbsync_code_from_name(want_name);
  if (want < 0)
    failf("unknown code name %s", want_name);
  if (st->code != want)
    failf("expected code %s, got %s: %s", want_name, qbsync_code_name(st->code),
          st->message ? st->message : "");
  if (expect == NULL)
    return;
  json_t *contains = json_object_get(expect, "message_contains");
  if (json_is_string(contains) &&
      (st->message == NULL || strstr(st->message, json_string_value(contains)) == NULL))
    failf("expected the message to contain \"%s\", got \"%s\"", json_string_value(contains),
          st->message ? st->message : "");
  json_t *details = json_object_get(expect, "details");
  if (json_is_array(details)) {
    json_t *actual = details_json(st);
    size_t i;
    json_t *want_detail;
    json_array_foreach(details, i, want_detail)
    {
      json_t *type = json_object_get(want_detail, "type");
      json_t *value = json_object_get(want_detail, "value");
      int found = 0;
      size_t k;
      json_t *have;
      json_array_foreach(actual, k, have)
      {
        if (!json_equal(type, json_object_get(have, "type")))
          continue;
        if (value == NULL || match(value, json_object_get(have, "value"))) {
          found = 1;
          break;
        }
      }
      if (!found) {
        char *a = dump(want_detail), *b = dump(actual);
        fprintf(stderr, "step %d: expected a detail matching %s, got %s\n", step_index, a, b);
        free(a);
        free(b);
        json_decref(actual);
        cleanup();
        exit(1);
      }
    }
    json_decref(actual);
  }
  json_t *want_response = json_object_get(expect, "response");
  if (want_response != NULL && !match(want_response, response)) {
    char *a = dump(want_response), *b = dump(response);
    fprintf(stderr, "step %d: response does not match\n  expected: %s\n  actual:   %s\n",
            step_index, a, b);
    free(a);
    free(b);
    cleanup();
    exit(1);
  }
}

/* ---- steps ---- */

/* Builds the call's request; NULL with *refused set (and st filled) when the
 * client refuses it before sending. */
static ProtobufCMessage *build_request(const qbsync_method *method, json_t *request,
                                       qbsync_status *st, int *refused)
{
  *refused = 0;
  if (method == NULL)
    return NULL;
  json_t *empty = NULL;
  if (request == NULL)
    request = empty = json_object();
  char error[512];
  qbsync_status_init(st);
  ProtobufCMessage *message = pbjson_parse(method->request, request, st, error, sizeof error);
  json_decref(empty);
  if (message == NULL) {
    if (st->code != QBSYNC_OK) {
      *refused = 1;
      return NULL;
    }
    failf("request for %s: %s", method->name, error);
  }
  return message;
}

typedef struct options_holder {
  qbsync_call_options opts;
  qbsync_metadata *entries;
} options_holder;

static void build_options(json_t *step, int64_t default_timeout_ms, options_holder *h)
{
  memset(h, 0, sizeof *h);
  json_t *timeout = json_object_get(step, "timeout_ms");
  h->opts.timeout_ms = json_is_integer(timeout) ? json_integer_value(timeout) : default_timeout_ms;
  json_t *metadata = json_object_get(step, "metadata");
  if (json_is_object(metadata) && json_object_size(metadata) > 0) {
    h->entries = calloc(json_object_size(metadata), sizeof *h->entries);
    size_t n = 0;
    const char *key;
    json_t *value;
    json_object_foreach(metadata, key, value)
    {
      if (!json_is_string(value))
        failf("metadata %s is not a string", key);
      h->entries[n].key = key;
      h->entries[n].value = json_string_value(value);
      h->entries[n].value_len = json_string_length(value);
      n++;
    }
    h->opts.metadata = h->entries;
    h->opts.n_metadata = n;
  }
}

static const qbsync_method *method_named(json_t *step, char *path, size_t size)
{
  json_t *call = json_object_get(step, "call");
  if (!json_is_string(call))
    failf("no call name");
  const qbsync_method *method = qbsync_method_by_name(json_string_value(call));
  snprintf(path, size, "%s%s", SERVICE_PREFIX, json_string_value(call));
  return method;
}

static void step_call(json_t *step)
{
  char path[256];
  const qbsync_method *method = method_named(step, path, sizeof path);
  qbsync_status st = QBSYNC_STATUS_INIT;
  int refused;
  ProtobufCMessage *request = build_request(method, json_object_get(step, "request"), &st, &refused);
  json_t *response_json = NULL;
  if (!refused) {
    options_holder h;
    build_options(step, 30000, &h);
    ProtobufCMessage *response = NULL;
    if (method != NULL && method->server_streaming)
      failf("%s is server-streaming: use open", method->name);
    qbsync_call_unary(client, path, request, method ? method->request : NULL,
                      method ? method->response : NULL, &h.opts, &response, &st);
    free(h.entries);
    if (response != NULL) {
      response_json = pbjson_print(response);
      protobuf_c_message_free_unpacked(response, NULL);
    }
  }
  if (request != NULL)
    protobuf_c_message_free_unpacked(request, NULL);
  json_t *expect = json_object_get(step, "expect");
  check_status(expect, &st, response_json);
  qbsync_status_clear(&st);
  if (json_object_get(step, "capture") != NULL)
    capture(json_object_get(step, "capture"), response_json != NULL ? response_json : json_null());
  json_decref(response_json);
}

static open_stream *stream_named(json_t *name)
{
  if (!json_is_string(name))
    failf("no stream name");
  for (int i = 0; i < n_streams; i++)
    if (strcmp(streams[i].name, json_string_value(name)) == 0)
      return &streams[i];
  failf("no open stream %s", json_string_value(name));
}

static void step_open(json_t *step)
{
  char path[256];
  const qbsync_method *method = method_named(step, path, sizeof path);
  if (n_streams == MAX_STREAMS)
    failf("too many streams");
  qbsync_status st = QBSYNC_STATUS_INIT;
  int refused;
  ProtobufCMessage *request = build_request(method, json_object_get(step, "request"), &st, &refused);
  if (refused)
    failf("open %s refused by the client: %s", path, st.message);
  options_holder h;
  build_options(step, QBSYNC_NO_DEADLINE, &h);
  qbsync_stream *stream = NULL;
  int code = qbsync_call_server_streaming(client, path, request, method ? method->request : NULL,
                                          method ? method->response : NULL, &h.opts, &stream, &st);
  free(h.entries);
  if (request != NULL)
    protobuf_c_message_free_unpacked(request, NULL);
  if (code != QBSYNC_OK) {
    /* A stream that cannot start: keep its status for `end`. */
    fprintf(stderr, "step %d: open %s failed: %s %s\n", step_index, path, qbsync_code_name(code),
            st.message);
    qbsync_status_clear(&st);
    cleanup();
    exit(1);
  }
  qbsync_status_clear(&st);
  streams[n_streams].name = strdup(json_string_value(json_object_get(step, "open")));
  streams[n_streams].stream = stream;
  streams[n_streams].response_type = method ? method->response : NULL;
  n_streams++;
}

static int64_t within(json_t *step)
{
  json_t *ms = json_object_get(step, "within_ms");
  return json_is_integer(ms) ? json_integer_value(ms) : 10000;
}

static void step_read(json_t *step)
{
  open_stream *s = stream_named(json_object_get(step, "read"));
  json_t *until = json_object_get(step, "until");
  json_t *next = json_object_get(step, "next");
  json_t *pattern = next != NULL ? next : until;
  int64_t deadline = now_ms() + within(step);
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      failf("read %s: nothing matched within %lld ms", s->name, (long long)within(step));
    ProtobufCMessage *message = NULL;
    qbsync_status st = QBSYNC_STATUS_INIT;
    int r = qbsync_stream_next_timeout(s->stream, left, &message, &st);
    if (r == QBSYNC_STREAM_TIMEOUT)
      continue;
    if (r == QBSYNC_STREAM_END) {
      fprintf(stderr, "step %d: read %s: the stream ended first: %s %s\n", step_index, s->name,
              qbsync_code_name(st.code), st.message);
      qbsync_status_clear(&st);
      cleanup();
      exit(1);
    }
    json_t *actual = message != NULL ? pbjson_print(message) : json_object();
    if (message != NULL)
      protobuf_c_message_free_unpacked(message, NULL);
    if (pattern == NULL || match(pattern, actual)) {
      capture(json_object_get(step, "capture"), actual);
      json_decref(actual);
      return;
    }
    if (next != NULL) {
      char *a = dump(next), *b = dump(actual);
      fprintf(stderr, "step %d: read %s: the next message does not match\n  expected: %s\n  "
                      "actual:   %s\n",
              step_index, s->name, a, b);
      free(a);
      free(b);
      json_decref(actual);
      cleanup();
      exit(1);
    }
    json_decref(actual);
  }
}

static void step_end(json_t *step)
{
  open_stream *s = stream_named(json_object_get(step, "end"));
  int64_t deadline = now_ms() + within(step);
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      failf("end %s: still open after %lld ms", s->name, (long long)within(step));
    ProtobufCMessage *message = NULL;
    qbsync_status st = QBSYNC_STATUS_INIT;
    int r = qbsync_stream_next_timeout(s->stream, left, &message, &st);
    if (message != NULL)
      protobuf_c_message_free_unpacked(message, NULL);
    if (r == QBSYNC_STREAM_END) {
      check_status(json_object_get(step, "expect"), &st, NULL);
      qbsync_status_clear(&st);
      return;
    }
  }
}

static void step_driver(json_t *step)
{
  json_t *action = json_object_get(step, "driver");
  printf("driver: %s\n", json_is_string(action) ? json_string_value(action) : "?");
  fflush(stdout);
  char line[256];
  while (fgets(line, sizeof line, stdin) != NULL)
    if (strncmp(line, "ok", 2) == 0)
      return;
  failf("the driver did not answer ok");
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s CASE.json (with QBSYNC_SOCKET set)\n", argv[0]);
    return 2;
  }
  const char *socket_path = getenv("QBSYNC_SOCKET");
  if (socket_path == NULL || socket_path[0] == 0) {
    fprintf(stderr, "QBSYNC_SOCKET is not set\n");
    return 2;
  }
  json_error_t error;
  json_t *spec = json_load_file(argv[1], JSON_ALLOW_NUL, &error);
  if (spec == NULL) {
    fprintf(stderr, "%s:%d: %s\n", argv[1], error.line, error.text);
    return 2;
  }
  json_t *steps = json_object_get(spec, "steps");
  if (!json_is_array(steps)) {
    fprintf(stderr, "%s: no steps\n", argv[1]);
    json_decref(spec);
    return 2;
  }
  qbsync_client_config config;
  qbsync_client_config_init(&config, socket_path);
  config.agent = "qbsync-c-conformance/" QBSYNC_CLIENT_VERSION;
  client = qbsync_client_new(&config);
  vars = json_object();
  size_t i;
  json_t *raw;
  json_array_foreach(steps, i, raw)
  {
    step_index = (int)i;
    json_t *step = substitute(raw);
    if (json_object_get(step, "open") != NULL)
      step_open(step);
    else if (json_object_get(step, "call") != NULL)
      step_call(step);
    else if (json_object_get(step, "read") != NULL)
      step_read(step);
    else if (json_object_get(step, "end") != NULL)
      step_end(step);
    else if (json_object_get(step, "cancel") != NULL)
      qbsync_stream_cancel(stream_named(json_object_get(step, "cancel"))->stream);
    else if (json_object_get(step, "sleep_ms") != NULL)
      usleep((useconds_t)json_integer_value(json_object_get(step, "sleep_ms")) * 1000);
    else if (json_object_get(step, "driver") != NULL)
      step_driver(step);
    else {
      char *text = dump(step);
      fprintf(stderr, "step %d: unknown step %s\n", step_index, text);
      free(text);
      json_decref(step);
      json_decref(spec);
      cleanup();
      return 1;
    }
    json_decref(step);
  }
  json_decref(spec);
  cleanup();
  return 0;
}
