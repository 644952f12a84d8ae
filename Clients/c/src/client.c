/*
 * The transport: one client, its connections, and the calls on them.
 *
 * Threading model. Every piece of state lives under the client's mutex. No
 * thread is started: the threads that wait for calls take turns driving the
 * I/O. A waiting thread that finds nobody driving becomes the driver: it
 * polls the sockets (without the mutex), then reads, dispatches and flushes
 * (with it), and hands the role to another waiter when its own call is done.
 * The others sleep on their call's condition variable until the driver
 * delivers their answer or their deadline passes. Writers send directly
 * (non-blocking) under the mutex and queue what the socket does not take.
 * An event loop drives the same machinery with qbsync_client_process() when
 * the epoll descriptor from qbsync_client_fd() is readable.
 *
 * Sockets are closed only by the driver, or while nobody drives, so a poll
 * in progress never sees its descriptor reused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define FRAME_HELLO 0x12
#define FRAME_OPEN 0x1a
#define FRAME_MESSAGE 0x22
#define FRAME_CANCEL 0x32
#define FRAME_PING 0x3a
#define FRAME_PONG 0x42
#define FRAME_WINDOW_UPDATE 0x52

/* Room for a frame's length prefix, stream id and submessage tag + length. */
#define FRAME_HEADER_MAX 20
#define READ_CHUNK (64 * 1024)

typedef struct msgnode {
  struct msgnode *next;
  uint8_t *data;
  size_t len;
} msgnode;

enum call_kind { KIND_UNARY, KIND_STREAM, KIND_PING };

typedef struct call call;
typedef struct conn conn;

struct call {
  enum call_kind kind;
  int refs;
  uint32_t stream_id;
  uint64_t opaque; /* pings */
  conn *conn;      /* a reference, once sent */
  char *path;
  pthread_cond_t cv;
  int waiting; /* a thread sleeps on cv */
  call *wprev, *wnext;
  call *hnext; /* the connection's hash chain or ping list */
  int registered;
  msgnode *head, *tail;
  size_t n_messages;
  int done;
  qbsync_status status;
  int64_t deadline; /* local, CLOCK_MONOTONIC ns (deadline + grace); 0: none */
  int64_t started;
  /* async unary calls */
  qbsync_unary_callback callback;
  void *user;
  const ProtobufCMessageDescriptor *response_type;
  call *aprev, *anext;
  int in_async, in_completed;
  /* server streams */
  uint32_t window, consumed;
};

struct conn {
  int fd;
  int refs;
  int dead;     /* no more I/O; its calls have ended */
  int refusing; /* no new calls (GoAway, broken, closed) */
  uint32_t next_stream_id;
  uint32_t send_limit;
  uint32_t max_streams;
  uint8_t *out;
  size_t out_off, out_len, out_cap;
  uint8_t *in;
  size_t in_off, in_len, in_cap;
  call **buckets;
  size_t n_buckets, n_calls;
  call *pings;
  uint64_t next_opaque;
  int epollout;
  conn *next;
};

struct qbsync_client {
  pthread_mutex_t mu;
  pthread_cond_t connect_cv;
  int refs;
  char *socket_path;
  char *agent;
  int64_t timeout_ms, stream_timeout_ms, connect_timeout_ms;
  uint32_t max_frame_size, stream_window;
  conn *conns;   /* every connection with a socket: current and draining */
  conn *current; /* where new calls go */
  int connecting;
  int closed;
  int driving;
  pthread_t driver;
  call *driver_call;
  call *waiters;
  call *async_head;
  call *done_head, *done_tail;
  int epfd, notify_fd, wake_fd;
  int notified;
};

struct qbsync_stream {
  qbsync_client *client;
  call *call;
  const ProtobufCMessageDescriptor *response_type;
  uint32_t grant_every;
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

static int64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  p[n++] = (uint8_t)v;
  return n;
}

static size_t varint_len(uint64_t v)
{
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

/* Writes a frame's prefix, stream id, and the tag and length of its one
 * submessage; returns the header's length. The body is header - 4 + sublen. */
static size_t frame_header(uint8_t *h, uint32_t stream_id, uint8_t tag, size_t sublen)
{
  size_t n = 4;
  if (stream_id != 0) {
    h[n++] = 0x08;
    n += put_varint(h + n, stream_id);
  }
  h[n++] = tag;
  n += put_varint(h + n, sublen);
  uint32_t body = (uint32_t)(n - 4 + sublen);
  h[0] = (uint8_t)(body >> 24);
  h[1] = (uint8_t)(body >> 16);
  h[2] = (uint8_t)(body >> 8);
  h[3] = (uint8_t)body;
  return n;
}

typedef struct buf {
  uint8_t *p;
  size_t len, cap;
  int oom;
} buf;

static void buf_reserve(buf *b, size_t more)
{
  if (b->oom || b->len + more <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + more)
    cap *= 2;
  uint8_t *p = realloc(b->p, cap);
  if (p == NULL) {
    b->oom = 1;
    return;
  }
  b->p = p;
  b->cap = cap;
}

static void buf_put(buf *b, const void *data, size_t len)
{
  buf_reserve(b, len);
  if (b->oom || len == 0)
    return;
  memcpy(b->p + b->len, data, len);
  b->len += len;
}

static void buf_varint(buf *b, uint64_t v)
{
  buf_reserve(b, 10);
  if (!b->oom)
    b->len += put_varint(b->p + b->len, v);
}

static void buf_bytes_field(buf *b, uint8_t tag, const void *data, size_t len)
{
  buf_varint(b, tag);
  buf_varint(b, len);
  buf_put(b, data, len);
}

static const char *frame_kind_name(int which)
{
  const ProtobufCFieldDescriptor *field =
      protobuf_c_message_descriptor_get_field(&qbsync__rpc__v1__frame__descriptor, (unsigned)which);
  return field != NULL ? field->name : "kindless";
}

/* ------------------------------------------------------------------------ */
/* Calls, connections, and the client's reference counts (mutex held)       */

static call *call_new(enum call_kind kind, const char *path)
{
  call *k = calloc(1, sizeof *k);
  if (k == NULL)
    return NULL;
  k->path = strdup(path != NULL ? path : "");
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  if (k->path == NULL || pthread_cond_init(&k->cv, &attr) != 0) {
    pthread_condattr_destroy(&attr);
    free(k->path);
    free(k);
    return NULL;
  }
  pthread_condattr_destroy(&attr);
  k->kind = kind;
  k->refs = 1;
  return k;
}

static void conn_release(conn *k)
{
  if (--k->refs > 0)
    return;
  if (k->fd >= 0)
    close(k->fd);
  free(k->out);
  free(k->in);
  free(k->buckets);
  free(k);
}

static void free_messages(call *k)
{
  msgnode *node = k->head;
  while (node != NULL) {
    msgnode *next = node->next;
    free(node->data);
    free(node);
    node = next;
  }
  k->head = k->tail = NULL;
  k->n_messages = 0;
}

static void call_release(call *k)
{
  if (--k->refs > 0)
    return;
  free_messages(k);
  qbsync_status_clear(&k->status);
  pthread_cond_destroy(&k->cv);
  free(k->path);
  if (k->conn != NULL)
    conn_release(k->conn);
  free(k);
}

static int is_driver(qbsync_client *c)
{
  return c->driving && pthread_equal(c->driver, pthread_self());
}

static void wake_driver(qbsync_client *c)
{
  if (c->driving && !is_driver(c)) {
    uint64_t one = 1;
    ssize_t ignored = write(c->wake_fd, &one, sizeof one);
    (void)ignored;
  }
}

static void notify(qbsync_client *c)
{
  if (!c->notified) {
    c->notified = 1;
    uint64_t one = 1;
    ssize_t ignored = write(c->notify_fd, &one, sizeof one);
    (void)ignored;
  }
}

/* Hash map of a connection's open calls by stream id. */
static int map_insert(conn *k, call *x)
{
  if (k->n_calls + 1 > k->n_buckets) {
    size_t n = k->n_buckets ? k->n_buckets * 2 : 16;
    call **buckets = calloc(n, sizeof *buckets);
    if (buckets == NULL)
      return -1;
    for (size_t i = 0; i < k->n_buckets; i++) {
      call *item = k->buckets[i];
      while (item != NULL) {
        call *next = item->hnext;
        size_t b = item->stream_id & (n - 1);
        item->hnext = buckets[b];
        buckets[b] = item;
        item = next;
      }
    }
    free(k->buckets);
    k->buckets = buckets;
    k->n_buckets = n;
  }
  size_t b = x->stream_id & (k->n_buckets - 1);
  x->hnext = k->buckets[b];
  k->buckets[b] = x;
  k->n_calls++;
  return 0;
}

static call *map_find(conn *k, uint32_t stream_id)
{
  if (k->n_buckets == 0)
    return NULL;
  for (call *x = k->buckets[stream_id & (k->n_buckets - 1)]; x != NULL; x = x->hnext)
    if (x->stream_id == stream_id)
      return x;
  return NULL;
}

static void map_remove(conn *k, call *x)
{
  call **link = &k->buckets[x->stream_id & (k->n_buckets - 1)];
  while (*link != NULL) {
    if (*link == x) {
      *link = x->hnext;
      x->hnext = NULL;
      k->n_calls--;
      return;
    }
    link = &(*link)->hnext;
  }
}

static void ping_remove(conn *k, call *x)
{
  for (call **link = &k->pings; *link != NULL; link = &(*link)->hnext)
    if (*link == x) {
      *link = x->hnext;
      x->hnext = NULL;
      return;
    }
}

/* Drops a call from its connection's table (and the table's reference). */
static void unregister(call *k)
{
  if (!k->registered)
    return;
  k->registered = 0;
  if (k->kind == KIND_PING)
    ping_remove(k->conn, k);
  else
    map_remove(k->conn, k);
  call_release(k);
}

static void async_unlink(qbsync_client *c, call *k)
{
  if (!k->in_async)
    return;
  if (k->aprev != NULL)
    k->aprev->anext = k->anext;
  else
    c->async_head = k->anext;
  if (k->anext != NULL)
    k->anext->aprev = k->aprev;
  k->aprev = k->anext = NULL;
  k->in_async = 0;
}

/* Records how a call ended (taking the status); 0 when it had already ended. */
static int finish_move(qbsync_client *c, call *k, qbsync_status *status)
{
  if (k->done) {
    qbsync_status_clear(status);
    unregister(k);
    return 0;
  }
  k->done = 1;
  k->status = *status;
  memset(status, 0, sizeof *status);
  if (k->status.message == NULL)
    k->status.message = strdup("");
  if (k->waiting)
    pthread_cond_signal(&k->cv);
  if (c->driver_call == k)
    wake_driver(c);
  if (k->callback != NULL) {
    async_unlink(c, k);
    k->in_completed = 1;
    k->anext = NULL;
    if (c->done_tail != NULL)
      c->done_tail->anext = k;
    else
      c->done_head = k;
    c->done_tail = k;
    notify(c);
  } else if (k->kind == KIND_STREAM && !k->waiting) {
    notify(c);
  }
  unregister(k); /* last: may drop a reference, never the caller's */
  return 1;
}

static int finish_code(qbsync_client *c, call *k, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int finish_code(qbsync_client *c, call *k, int code, const char *fmt, ...)
{
  qbsync_status status = QBSYNC_STATUS_INIT;
  va_list ap;
  va_start(ap, fmt);
  qbsync__status_setv(&status, code, fmt, ap);
  va_end(ap);
  return finish_move(c, k, &status);
}

static int finish_copy(qbsync_client *c, call *k, const qbsync_status *why)
{
  qbsync_status status;
  qbsync_status_copy(&status, why);
  return finish_move(c, k, &status);
}

/* Ends every call of a connection with `why` and stops its I/O. */
static void conn_lost(qbsync_client *c, conn *k, const qbsync_status *why)
{
  if (k->dead)
    return;
  k->dead = 1;
  k->refusing = 1;
  if (c->current == k)
    c->current = NULL;
  for (size_t i = 0; i < k->n_buckets; i++)
    while (k->buckets[i] != NULL)
      finish_copy(c, k->buckets[i], why); /* unregisters it */
  while (k->pings != NULL)
    finish_copy(c, k->pings, why);
  k->out_off = k->out_len = 0;
  k->in_off = k->in_len = 0;
  wake_driver(c);
}

static void conn_lost_code(qbsync_client *c, conn *k, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void conn_lost_code(qbsync_client *c, conn *k, int code, const char *fmt, ...)
{
  qbsync_status status = QBSYNC_STATUS_INIT;
  va_list ap;
  va_start(ap, fmt);
  qbsync__status_setv(&status, code, fmt, ap);
  va_end(ap);
  conn_lost(c, k, &status);
  qbsync_status_clear(&status);
}

/* Closes the sockets of ended connections, and of draining ones whose calls
 * are all done. Only while nobody else polls them. */
static void reap(qbsync_client *c)
{
  if (c->driving && !is_driver(c))
    return;
  conn **link = &c->conns;
  while (*link != NULL) {
    conn *k = *link;
    if (!k->dead && k->refusing && k->n_calls == 0 && k->pings == NULL && c->current != k)
      k->dead = 1;
    if (!k->dead) {
      link = &k->next;
      continue;
    }
    *link = k->next;
    epoll_ctl(c->epfd, EPOLL_CTL_DEL, k->fd, NULL);
    close(k->fd);
    k->fd = -1;
    conn_release(k);
  }
}

static void set_epollout(qbsync_client *c, conn *k, int on)
{
  if (k->epollout == on || k->fd < 0)
    return;
  struct epoll_event event = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data = {.ptr = k}};
  epoll_ctl(c->epfd, EPOLL_CTL_MOD, k->fd, &event);
  k->epollout = on;
}

static int out_append(conn *k, const void *data, size_t len)
{
  if (k->out_len + len > k->out_cap) {
    if (k->out_off > 0) {
      memmove(k->out, k->out + k->out_off, k->out_len - k->out_off);
      k->out_len -= k->out_off;
      k->out_off = 0;
    }
    if (k->out_len + len > k->out_cap) {
      size_t cap = k->out_cap ? k->out_cap : 4096;
      while (cap < k->out_len + len)
        cap *= 2;
      uint8_t *out = realloc(k->out, cap);
      if (out == NULL)
        return -1;
      k->out = out;
      k->out_cap = cap;
    }
  }
  memcpy(k->out + k->out_len, data, len);
  k->out_len += len;
  return 0;
}

enum { SEND_OK = 0, SEND_FAILED = -1, SEND_NOTHING_SENT = -2 };

/* Sends (or queues) the bytes of iov in order after what is queued. */
static int conn_send(qbsync_client *c, conn *k, struct iovec *iov, int n)
{
  if (k->dead)
    return SEND_NOTHING_SENT;
  size_t written = 0;
  if (k->out_off == k->out_len) {
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    ssize_t w;
    do
      w = sendmsg(k->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (w < 0 && errno == EINTR);
    if (w < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        conn_lost_code(c, k, QBSYNC_UNAVAILABLE, "connection to the server was lost: %s",
                       strerror(errno));
        return SEND_NOTHING_SENT;
      }
    } else {
      written = (size_t)w;
    }
  }
  int queued = 0;
  for (int i = 0; i < n; i++) {
    if (written >= iov[i].iov_len) {
      written -= iov[i].iov_len;
      continue;
    }
    if (out_append(k, (const uint8_t *)iov[i].iov_base + written, iov[i].iov_len - written) != 0) {
      conn_lost_code(c, k, QBSYNC_RESOURCE_EXHAUSTED, "out of memory queueing a frame");
      return SEND_FAILED;
    }
    written = 0;
    queued = 1;
  }
  if (queued) {
    set_epollout(c, k, 1);
    wake_driver(c);
  }
  return SEND_OK;
}

static int send_frame(qbsync_client *c, conn *k, uint32_t stream_id, uint8_t tag,
                      const uint8_t *sub, size_t sublen)
{
  uint8_t header[FRAME_HEADER_MAX];
  struct iovec iov[2] = {{header, frame_header(header, stream_id, tag, sublen)},
                         {(void *)sub, sublen}};
  return conn_send(c, k, iov, sublen ? 2 : 1);
}

static void conn_flush(qbsync_client *c, conn *k)
{
  while (!k->dead && k->out_off < k->out_len) {
    ssize_t w = send(k->fd, k->out + k->out_off, k->out_len - k->out_off,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      conn_lost_code(c, k, QBSYNC_UNAVAILABLE, "connection to the server was lost: %s",
                     strerror(errno));
      return;
    }
    k->out_off += (size_t)w;
  }
  k->out_off = k->out_len = 0;
  set_epollout(c, k, 0);
}

static void send_cancel(qbsync_client *c, conn *k, uint32_t stream_id, const char *reason)
{
  buf b = {0};
  buf_bytes_field(&b, 0x0a, reason, strlen(reason));
  if (!b.oom)
    send_frame(c, k, stream_id, FRAME_CANCEL, b.p, b.len);
  free(b.p);
}

/* Ends a call locally and tells the server to stop it. */
static void cancel_call(qbsync_client *c, call *k, const char *reason, int code, const char *fmt,
                        ...) __attribute__((format(printf, 5, 6)));

static void cancel_call(qbsync_client *c, call *k, const char *reason, int code, const char *fmt,
                        ...)
{
  int was_registered = k->registered;
  conn *link = k->conn;
  qbsync_status status = QBSYNC_STATUS_INIT;
  va_list ap;
  va_start(ap, fmt);
  qbsync__status_setv(&status, code, fmt, ap);
  va_end(ap);
  if (finish_move(c, k, &status) && was_registered && link != NULL && !link->dead &&
      k->kind != KIND_PING)
    send_cancel(c, link, k->stream_id, reason);
}

/* ------------------------------------------------------------------------ */
/* Inbound frames                                                            */

static void received_goaway(qbsync_client *c, conn *k, const Qbsync__Rpc__V1__GoAway *goaway)
{
  const char *reason = qbsync_goaway_reason_name(goaway->reason);
  if (goaway->reason != QBSYNC__RPC__V1__GO_AWAY_REASON__GO_AWAY_REASON_SHUTDOWN) {
    qbsync_status status = QBSYNC_STATUS_INIT;
    if (goaway->message != NULL && goaway->message[0] != 0)
      qbsync__status_set(&status, goaway->code ? (int)goaway->code : QBSYNC_UNAVAILABLE, "%s",
                         goaway->message);
    else
      qbsync__status_set(&status, goaway->code ? (int)goaway->code : QBSYNC_UNAVAILABLE,
                         "the server closed the connection (%s)", reason);
    status.goaway_reason = goaway->reason;
    status.goaway_last_stream_id = goaway->last_stream_id;
    conn_lost(c, k, &status);
    qbsync_status_clear(&status);
    return;
  }
  /* Graceful: calls up to last_stream_id finish here; later ones were never
   * processed, so they fail UNAVAILABLE and may be retried elsewhere. */
  k->refusing = 1;
  if (c->current == k)
    c->current = NULL;
  for (size_t i = 0; i < k->n_buckets; i++) {
    call *x = k->buckets[i];
    while (x != NULL) {
      call *next = x->hnext;
      if (x->stream_id > goaway->last_stream_id) {
        qbsync_status status = QBSYNC_STATUS_INIT;
        qbsync__status_set(&status, QBSYNC_UNAVAILABLE,
                           "not processed: the server is shutting down (stream %u > last "
                           "accepted %u); safe to retry",
                           x->stream_id, goaway->last_stream_id);
        status.goaway_reason = goaway->reason;
        status.goaway_last_stream_id = goaway->last_stream_id;
        finish_move(c, x, &status);
      }
      x = next;
    }
  }
}

static void dispatch(qbsync_client *c, conn *k, Qbsync__Rpc__V1__Frame *frame)
{
  call *x;
  switch (frame->kind_case) {
  case QBSYNC__RPC__V1__FRAME__KIND_MESSAGE:
    x = map_find(k, frame->stream_id);
    if (x != NULL && !x->done && frame->message != NULL) {
      msgnode *node = malloc(sizeof *node);
      if (node == NULL) {
        cancel_call(c, x, "out of memory", QBSYNC_RESOURCE_EXHAUSTED,
                    "out of memory receiving a response");
        return;
      }
      /* Take the payload protobuf-c allocated instead of copying it. */
      node->data = frame->message->payload.data;
      node->len = frame->message->payload.len;
      frame->message->payload.data = NULL;
      frame->message->payload.len = 0;
      node->next = NULL;
      if (x->tail != NULL)
        x->tail->next = node;
      else
        x->head = node;
      x->tail = node;
      x->n_messages++;
      if (x->kind == KIND_STREAM) {
        if (x->waiting)
          pthread_cond_signal(&x->cv);
        else
          notify(c);
        if (c->driver_call == x)
          wake_driver(c);
      }
    }
    return;
  case QBSYNC__RPC__V1__FRAME__KIND_STATUS:
    x = map_find(k, frame->stream_id);
    if (x != NULL && frame->status != NULL) {
      qbsync_status status = QBSYNC_STATUS_INIT;
      qbsync__status_from_frame(&status, frame->status);
      finish_move(c, x, &status);
    }
    return;
  case QBSYNC__RPC__V1__FRAME__KIND_PING: {
    uint8_t sub[11];
    size_t n = 0;
    if (frame->ping->opaque != 0) {
      sub[n++] = 0x08;
      n += put_varint(sub + n, frame->ping->opaque);
    }
    send_frame(c, k, 0, FRAME_PONG, sub, n);
    return;
  }
  case QBSYNC__RPC__V1__FRAME__KIND_PONG:
    for (x = k->pings; x != NULL; x = x->hnext)
      if (x->opaque == frame->pong->opaque) {
        finish_code(c, x, QBSYNC_OK, "%s", "");
        return;
      }
    return;
  case QBSYNC__RPC__V1__FRAME__KIND_GOAWAY:
    received_goaway(c, k, frame->goaway);
    return;
  case QBSYNC__RPC__V1__FRAME__KIND__NOT_SET:
    conn_lost_code(c, k, QBSYNC_INTERNAL, "the server broke the protocol: frame with no kind");
    return;
  default:
    conn_lost_code(c, k, QBSYNC_INTERNAL,
                   "the server broke the protocol: it sent a %s frame, which only clients send",
                   frame_kind_name(frame->kind_case));
    return;
  }
}

/* Makes room for `need` more bytes after what is buffered. */
static int in_reserve(conn *k, size_t need)
{
  if (k->in_cap - k->in_len >= need)
    return 0;
  if (k->in_off > 0) {
    memmove(k->in, k->in + k->in_off, k->in_len - k->in_off);
    k->in_len -= k->in_off;
    k->in_off = 0;
    if (k->in_cap - k->in_len >= need)
      return 0;
  }
  size_t cap = k->in_cap ? k->in_cap : READ_CHUNK;
  while (cap - k->in_len < need)
    cap *= 2;
  uint8_t *in = realloc(k->in, cap);
  if (in == NULL)
    return -1;
  k->in = in;
  k->in_cap = cap;
  return 0;
}

/* Takes the next whole frame out of the buffer. 1: *frame set; 0: need more
 * bytes (*want is how many); -1: the stream is broken (err says why). */
static int next_frame(qbsync_client *c, conn *k, Qbsync__Rpc__V1__Frame **frame, size_t *want,
                      qbsync_status *err)
{
  size_t avail = k->in_len - k->in_off;
  *want = 4;
  if (avail < 4)
    return 0;
  const uint8_t *p = k->in + k->in_off;
  uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  if (len > c->max_frame_size) {
    qbsync__status_set(err, QBSYNC_INTERNAL,
                       "the server broke the protocol: incoming frame of %u bytes exceeds the "
                       "limit of %u bytes",
                       len, c->max_frame_size);
    return -1;
  }
  *want = 4 + (size_t)len;
  if (avail < 4 + (size_t)len)
    return 0;
  *frame = qbsync__rpc__v1__frame__unpack(NULL, len, p + 4);
  k->in_off += 4 + (size_t)len;
  if (k->in_off == k->in_len)
    k->in_off = k->in_len = 0;
  if (*frame == NULL) {
    qbsync__status_set(err, QBSYNC_INTERNAL,
                       "the server broke the protocol: undecodable frame of %u bytes", len);
    return -1;
  }
  return 1;
}

/* Dispatches the whole frames buffered; -1 once the connection is over. */
static int conn_parse(qbsync_client *c, conn *k, size_t *want)
{
  Qbsync__Rpc__V1__Frame *frame;
  qbsync_status err = QBSYNC_STATUS_INIT;
  int got;
  while ((got = next_frame(c, k, &frame, want, &err)) == 1) {
    dispatch(c, k, frame);
    qbsync__rpc__v1__frame__free_unpacked(frame, NULL);
    if (k->dead)
      return -1;
  }
  if (got < 0) {
    conn_lost(c, k, &err);
    qbsync_status_clear(&err);
    return -1;
  }
  return 0;
}

/* Reads what the socket has (without blocking) and dispatches whole frames. */
static void conn_read(qbsync_client *c, conn *k)
{
  size_t want = 4;
  for (int rounds = 0; rounds < 16 && !k->dead; rounds++) {
    size_t have = k->in_len - k->in_off;
    size_t room = want > have + READ_CHUNK ? want - have : READ_CHUNK;
    if (in_reserve(k, room) != 0) {
      conn_lost_code(c, k, QBSYNC_RESOURCE_EXHAUSTED, "out of memory reading a frame");
      return;
    }
    ssize_t r = recv(k->fd, k->in + k->in_len, k->in_cap - k->in_len, MSG_DONTWAIT);
    if (r == 0) {
      conn_lost_code(c, k, QBSYNC_UNAVAILABLE, "connection to the server was lost");
      return;
    }
    if (r < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        conn_lost_code(c, k, QBSYNC_UNAVAILABLE, "connection to the server was lost: %s",
                       strerror(errno));
      return;
    }
    k->in_len += (size_t)r;
    if (conn_parse(c, k, &want) != 0)
      return;
  }
}

/* One round of I/O as the driver: poll every socket (without the mutex) for
 * at most timeout_ns (< 0: no limit), then read, dispatch and flush. */
static void drive_once(qbsync_client *c, int64_t timeout_ns)
{
  reap(c);
  size_t n = 1;
  for (conn *k = c->conns; k != NULL; k = k->next) {
    if (!k->dead && k->out_off < k->out_len)
      conn_flush(c, k);
    n++;
  }
  struct pollfd small_fds[8];
  conn *small_conns[8];
  struct pollfd *fds = small_fds;
  conn **conns = small_conns;
  if (n > 8) {
    struct pollfd *big_fds = malloc(n * sizeof *big_fds);
    conn **big_conns = malloc(n * sizeof *big_conns);
    if (big_fds != NULL && big_conns != NULL) {
      fds = big_fds;
      conns = big_conns;
    } else {
      free(big_fds);
      free(big_conns);
      n = 8;
    }
  }
  fds[0].fd = c->wake_fd;
  fds[0].events = POLLIN;
  fds[0].revents = 0;
  size_t used = 1;
  for (conn *k = c->conns; k != NULL && used < n; k = k->next) {
    if (k->dead)
      continue;
    fds[used].fd = k->fd;
    fds[used].events = (short)(POLLIN | (k->out_off < k->out_len ? POLLOUT : 0));
    fds[used].revents = 0;
    conns[used] = k;
    used++;
  }
  struct timespec ts, *tsp = NULL;
  if (timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1000000000LL;
    ts.tv_nsec = timeout_ns % 1000000000LL;
    tsp = &ts;
  }
  pthread_mutex_unlock(&c->mu);
  int ready = ppoll(fds, used, tsp, NULL);
  pthread_mutex_lock(&c->mu);
  if (ready > 0) {
    if (fds[0].revents & POLLIN) {
      uint64_t value;
      ssize_t ignored = read(c->wake_fd, &value, sizeof value);
      (void)ignored;
    }
    for (size_t i = 1; i < used; i++) {
      conn *k = conns[i];
      if (k->dead || fds[i].revents == 0)
        continue;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
        conn_read(c, k);
      if (!k->dead && k->out_off < k->out_len)
        conn_flush(c, k);
    }
  }
  if (fds != small_fds) {
    free(fds);
    free(conns);
  }
  reap(c);
}

static void handoff(qbsync_client *c)
{
  if (!c->driving && c->waiters != NULL)
    pthread_cond_signal(&c->waiters->cv);
}

static int call_ready(const call *k, int need_done)
{
  return k->done || (!need_done && k->head != NULL);
}

/* Waits (mutex held) until the call is done, or has a message unless
 * need_done, driving the I/O when nobody else does. 0 when `deadline`
 * (monotonic ns, 0 = none) passed first. */
static int wait_ready(qbsync_client *c, call *k, int64_t deadline, int need_done)
{
  int result = 1;
  while (!call_ready(k, need_done)) {
    int64_t now = now_ns();
    if (deadline != 0 && now >= deadline) {
      result = 0;
      break;
    }
    if (!c->driving) {
      c->driving = 1;
      c->driver = pthread_self();
      c->driver_call = k;
      drive_once(c, deadline != 0 ? deadline - now : -1);
      c->driving = 0;
      c->driver_call = NULL;
      continue;
    }
    k->waiting = 1;
    k->wprev = NULL;
    k->wnext = c->waiters;
    if (c->waiters != NULL)
      c->waiters->wprev = k;
    c->waiters = k;
    if (deadline != 0) {
      struct timespec ts = {.tv_sec = deadline / 1000000000LL, .tv_nsec = deadline % 1000000000LL};
      pthread_cond_timedwait(&k->cv, &c->mu, &ts);
    } else {
      pthread_cond_wait(&k->cv, &c->mu);
    }
    if (k->wprev != NULL)
      k->wprev->wnext = k->wnext;
    else
      c->waiters = k->wnext;
    if (k->wnext != NULL)
      k->wnext->wprev = k->wprev;
    k->waiting = 0;
  }
  handoff(c);
  return result;
}

/* Reads, without blocking, what arrived while nobody drove. */
static void pump(qbsync_client *c)
{
  if (c->driving)
    return;
  c->driving = 1;
  c->driver = pthread_self();
  c->driver_call = NULL;
  drive_once(c, 0);
  c->driving = 0;
  handoff(c);
}

/* ------------------------------------------------------------------------ */
/* Connecting                                                                */

static conn *conn_new(int fd)
{
  conn *k = calloc(1, sizeof *k);
  if (k == NULL)
    return NULL;
  k->fd = fd;
  k->refs = 1;
  k->next_stream_id = 1;
  k->next_opaque = 1;
  k->send_limit = QBSYNC_DEFAULT_MAX_FRAME_SIZE;
  return k;
}

static int wait_fd(int fd, short events, int64_t deadline)
{
  for (;;) {
    int64_t left = deadline - now_ns();
    if (left <= 0)
      return 0;
    struct pollfd p = {.fd = fd, .events = events};
    struct timespec ts = {.tv_sec = left / 1000000000LL, .tv_nsec = left % 1000000000LL};
    int r = ppoll(&p, 1, &ts, NULL);
    if (r > 0)
      return 1;
    if (r < 0 && errno != EINTR)
      return -1;
  }
}

/* Writes everything (blocking up to deadline); 0, or -1 with errno. */
static int write_all(int fd, const uint8_t *data, size_t len, int64_t deadline)
{
  while (len > 0) {
    ssize_t w = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) {
      data += w;
      len -= (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return -1;
    int r = wait_fd(fd, POLLOUT, deadline);
    if (r <= 0) {
      errno = r == 0 ? ETIMEDOUT : errno;
      return -1;
    }
  }
  return 0;
}

/* Reads frames until the server's Hello (docs/protocol.md §3). 1 on success. */
static int await_hello(qbsync_client *c, conn *k, int64_t deadline, int send_errno,
                       qbsync_status *st)
{
  for (;;) {
    Qbsync__Rpc__V1__Frame *frame = NULL;
    size_t want;
    int got;
    while ((got = next_frame(c, k, &frame, &want, st)) == 1) {
      int done = 0;
      switch (frame->kind_case) {
      case QBSYNC__RPC__V1__FRAME__KIND_GOAWAY: {
        const Qbsync__Rpc__V1__GoAway *g = frame->goaway;
        int code = g->code ? (int)g->code : QBSYNC_UNAVAILABLE;
        if (g->message != NULL && g->message[0] != 0)
          qbsync__status_set(st, code, "%s", g->message);
        else
          qbsync__status_set(st, code, "the server closed the connection (%s)",
                             qbsync_goaway_reason_name(g->reason));
        st->goaway_reason = g->reason;
        st->goaway_last_stream_id = g->last_stream_id;
        done = -1;
        break;
      }
      case QBSYNC__RPC__V1__FRAME__KIND_PING: {
        uint8_t out[32];
        uint8_t sub[11];
        size_t n = 0;
        if (frame->ping->opaque != 0) {
          sub[n++] = 0x08;
          n += put_varint(sub + n, frame->ping->opaque);
        }
        size_t h = frame_header(out, 0, FRAME_PONG, n);
        memcpy(out + h, sub, n);
        (void)write_all(k->fd, out, h + n, deadline);
        break;
      }
      case QBSYNC__RPC__V1__FRAME__KIND_HELLO:
        if (frame->stream_id == 0) {
          const Qbsync__Rpc__V1__Hello *hello = frame->hello;
          if (hello->protocol_version != QBSYNC_PROTOCOL_VERSION) {
            qbsync__status_set(st, QBSYNC_FAILED_PRECONDITION,
                               "the server speaks protocol version %u; this client speaks %d",
                               hello->protocol_version, QBSYNC_PROTOCOL_VERSION);
            done = -1;
          } else {
            k->send_limit = hello->max_frame_size ? hello->max_frame_size
                                                  : QBSYNC_DEFAULT_MAX_FRAME_SIZE;
            k->max_streams = hello->max_concurrent_streams;
            done = 1;
          }
          break;
        }
        /* fall through */
      default:
        qbsync__status_set(st, QBSYNC_INTERNAL,
                           "the server answered the Hello with a %s frame on stream %u",
                           frame_kind_name(frame->kind_case), frame->stream_id);
        done = -1;
        break;
      }
      qbsync__rpc__v1__frame__free_unpacked(frame, NULL);
      if (done != 0)
        return done > 0;
    }
    if (got < 0)
      return 0;
    if (in_reserve(k, want > READ_CHUNK ? want : READ_CHUNK) != 0) {
      qbsync__status_set(st, QBSYNC_RESOURCE_EXHAUSTED, "out of memory during the handshake");
      return 0;
    }
    ssize_t r = recv(k->fd, k->in + k->in_len, k->in_cap - k->in_len, MSG_DONTWAIT);
    if (r > 0) {
      k->in_len += (size_t)r;
      continue;
    }
    if (r == 0) {
      if (send_errno != 0)
        qbsync__status_set(st, QBSYNC_UNAVAILABLE, "cannot connect to %s: %s", c->socket_path,
                           strerror(send_errno));
      else
        qbsync__status_set(st, QBSYNC_UNAVAILABLE,
                           "the server closed the connection during the handshake");
      return 0;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      qbsync__status_set(st, QBSYNC_UNAVAILABLE, "cannot connect to %s: %s", c->socket_path,
                         strerror(errno));
      return 0;
    }
    int w = wait_fd(k->fd, POLLIN, deadline);
    if (w == 0) {
      qbsync__status_set(st, QBSYNC_UNAVAILABLE, "no Hello from %s within %lld ms",
                         c->socket_path, (long long)c->connect_timeout_ms);
      return 0;
    }
    if (w < 0) {
      qbsync__status_set(st, QBSYNC_UNAVAILABLE, "cannot connect to %s: %s", c->socket_path,
                         strerror(errno));
      return 0;
    }
  }
}

/* Connects and exchanges Hellos; runs without the mutex (touches only the
 * client's immutable configuration and the new connection). */
static conn *dial(qbsync_client *c, qbsync_status *st)
{
  int64_t deadline = now_ns() + c->connect_timeout_ms * 1000000LL;
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(c->socket_path) >= sizeof addr.sun_path) {
    qbsync__status_set(st, QBSYNC_UNAVAILABLE, "cannot connect to %s: the path is too long",
                       c->socket_path);
    return NULL;
  }
  strcpy(addr.sun_path, c->socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    qbsync__status_set(st, QBSYNC_UNAVAILABLE, "cannot connect to %s: %s", c->socket_path,
                       strerror(errno));
    return NULL;
  }
  struct timeval tv = {.tv_sec = c->connect_timeout_ms / 1000,
                       .tv_usec = (c->connect_timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int r;
  do
    r = connect(fd, (struct sockaddr *)&addr, sizeof addr);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    qbsync__status_set(st, QBSYNC_UNAVAILABLE, "cannot connect to %s: %s", c->socket_path,
                       strerror(errno));
    close(fd);
    return NULL;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  conn *k = conn_new(fd);
  if (k == NULL) {
    qbsync__status_set(st, QBSYNC_RESOURCE_EXHAUSTED, "out of memory");
    close(fd);
    return NULL;
  }
  buf hello = {0};
  buf_varint(&hello, 0x08);
  buf_varint(&hello, QBSYNC_PROTOCOL_VERSION);
  buf_varint(&hello, 0x10);
  buf_varint(&hello, c->max_frame_size);
  buf_bytes_field(&hello, 0x22, c->agent, strlen(c->agent));
  uint8_t frame[FRAME_HEADER_MAX + 256];
  int send_errno = 0;
  if (hello.oom || hello.len > 256) {
    free(hello.p);
    qbsync__status_set(st, QBSYNC_INVALID_ARGUMENT, "the agent name is too long");
    conn_release(k);
    return NULL;
  }
  size_t h = frame_header(frame, 0, FRAME_HELLO, hello.len);
  memcpy(frame + h, hello.p, hello.len);
  free(hello.p);
  /* A refusing server may close right after its GoAway: read it even when
   * the Hello could not be written. */
  if (write_all(fd, frame, h + hello.len, deadline) != 0)
    send_errno = errno;
  if (!await_hello(c, k, deadline, send_errno, st)) {
    conn_release(k);
    return NULL;
  }
  return k;
}

/* The connection new calls go to, connecting when there is none (mutex
 * held; released while connecting). NULL with st set when that fails. */
static conn *current_conn(qbsync_client *c, qbsync_status *st)
{
  int pumped = 0;
  for (;;) {
    if (c->closed) {
      qbsync__status_set(st, QBSYNC_UNAVAILABLE, "the client is closed");
      return NULL;
    }
    conn *k = c->current;
    if (k != NULL && !k->refusing) {
      /* Pick up a GoAway or EOF that arrived while nobody was reading. */
      if (!c->driving && !pumped) {
        pumped = 1;
        pump(c);
        continue;
      }
      return k;
    }
    if (c->connecting) {
      pthread_cond_wait(&c->connect_cv, &c->mu);
      continue;
    }
    c->connecting = 1;
    pthread_mutex_unlock(&c->mu);
    conn *fresh = dial(c, st);
    pthread_mutex_lock(&c->mu);
    c->connecting = 0;
    pthread_cond_broadcast(&c->connect_cv);
    if (fresh == NULL)
      return NULL;
    if (c->closed) {
      conn_release(fresh);
      continue;
    }
    struct epoll_event event = {.events = EPOLLIN, .data = {.ptr = fresh}};
    epoll_ctl(c->epfd, EPOLL_CTL_ADD, fresh->fd, &event);
    fresh->next = c->conns;
    c->conns = fresh;
    c->current = fresh;
    wake_driver(c); /* so it polls the new socket too */
    if (fresh->in_off < fresh->in_len) { /* frames that came with the Hello */
      size_t want;
      conn_parse(c, fresh, &want);
    }
  }
}

/* ------------------------------------------------------------------------ */
/* The client                                                                */

void qbsync_client_config_init(qbsync_client_config *config, const char *socket_path)
{
  memset(config, 0, sizeof *config);
  config->socket_path = socket_path;
  config->timeout_ms = 30000;
  config->stream_timeout_ms = QBSYNC_NO_DEADLINE;
  config->connect_timeout_ms = 5000;
  config->max_frame_size = QBSYNC_DEFAULT_MAX_FRAME_SIZE;
  config->stream_window = QBSYNC_DEFAULT_WINDOW;
}

qbsync_client *qbsync_client_new(const qbsync_client_config *config)
{
  if (config == NULL || config->socket_path == NULL ||
      (config->max_frame_size != 0 && config->max_frame_size < 4096)) {
    errno = EINVAL;
    return NULL;
  }
  qbsync_client *c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->socket_path = strdup(config->socket_path);
  c->agent = strdup(config->agent != NULL ? config->agent
                                          : "qbsync-c-client/" QBSYNC_CLIENT_VERSION);
  c->timeout_ms = config->timeout_ms > 0 ? config->timeout_ms : QBSYNC_NO_DEADLINE;
  c->stream_timeout_ms =
      config->stream_timeout_ms > 0 ? config->stream_timeout_ms : QBSYNC_NO_DEADLINE;
  c->connect_timeout_ms = config->connect_timeout_ms > 0 ? config->connect_timeout_ms : 5000;
  c->max_frame_size = config->max_frame_size ? config->max_frame_size
                                             : QBSYNC_DEFAULT_MAX_FRAME_SIZE;
  c->stream_window = config->stream_window ? config->stream_window : QBSYNC_DEFAULT_WINDOW;
  c->refs = 1;
  c->epfd = epoll_create1(EPOLL_CLOEXEC);
  c->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  int cv_ok = pthread_cond_init(&c->connect_cv, &attr) == 0;
  pthread_condattr_destroy(&attr);
  int mu_ok = pthread_mutex_init(&c->mu, NULL) == 0;
  if (c->socket_path == NULL || c->agent == NULL || c->epfd < 0 || c->notify_fd < 0 ||
      c->wake_fd < 0 || !cv_ok || !mu_ok) {
    if (c->epfd >= 0)
      close(c->epfd);
    if (c->notify_fd >= 0)
      close(c->notify_fd);
    if (c->wake_fd >= 0)
      close(c->wake_fd);
    if (cv_ok)
      pthread_cond_destroy(&c->connect_cv);
    if (mu_ok)
      pthread_mutex_destroy(&c->mu);
    free(c->socket_path);
    free(c->agent);
    free(c);
    return NULL;
  }
  struct epoll_event event = {.events = EPOLLIN, .data = {.ptr = NULL}};
  epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->notify_fd, &event);
  return c;
}

qbsync_client *qbsync_client_open(const char *socket_path)
{
  qbsync_client_config config;
  qbsync_client_config_init(&config, socket_path);
  return qbsync_client_new(&config);
}

static void client_destroy(qbsync_client *c)
{
  for (conn *k = c->conns; k != NULL; k = k->next)
    k->dead = 1;
  c->driving = 0;
  reap(c);
  close(c->epfd);
  close(c->notify_fd);
  close(c->wake_fd);
  pthread_mutex_unlock(&c->mu);
  pthread_mutex_destroy(&c->mu);
  pthread_cond_destroy(&c->connect_cv);
  free(c->socket_path);
  free(c->agent);
  free(c);
}

/* Drops a reference with the mutex held; releases the mutex. */
static void client_unref_unlock(qbsync_client *c)
{
  if (--c->refs == 0) {
    client_destroy(c);
    return;
  }
  pthread_mutex_unlock(&c->mu);
}

void qbsync_client_close(qbsync_client *c)
{
  if (c == NULL)
    return;
  pthread_mutex_lock(&c->mu);
  c->closed = 1;
  qbsync_status why = QBSYNC_STATUS_INIT;
  qbsync__status_set(&why, QBSYNC_CANCELLED, "the client was closed");
  for (conn *k = c->conns; k != NULL; k = k->next)
    conn_lost(c, k, &why);
  qbsync_status_clear(&why);
  c->current = NULL;
  reap(c);
  wake_driver(c);
  pthread_cond_broadcast(&c->connect_cv);
  pthread_mutex_unlock(&c->mu);
}

static void run_callback(call *k)
{
  ProtobufCMessage *response = NULL;
  qbsync_status status;
  qbsync_status_copy(&status, &k->status);
  if (status.code == QBSYNC_OK && k->response_type != NULL) {
    if (k->n_messages != 1) {
      qbsync__status_set(&status, QBSYNC_INTERNAL,
                         "%s: the server ended a unary call OK with %zu response messages "
                         "instead of 1",
                         k->path, k->n_messages);
    } else {
      response = protobuf_c_message_unpack(k->response_type, NULL, k->head->len, k->head->data);
      if (response == NULL)
        qbsync__status_set(&status, QBSYNC_INTERNAL, "%s: undecodable response", k->path);
    }
  }
  k->callback(k->user, response, &status);
  qbsync_status_clear(&status);
}

/* Runs the callbacks of finished async calls (mutex not held). */
static int run_completed(qbsync_client *c)
{
  pthread_mutex_lock(&c->mu);
  call *list = c->done_head;
  c->done_head = c->done_tail = NULL;
  pthread_mutex_unlock(&c->mu);
  int ran = 0;
  while (list != NULL) {
    call *k = list;
    list = k->anext;
    k->anext = NULL;
    run_callback(k); /* the call is done: nothing else touches it */
    ran++;
    pthread_mutex_lock(&c->mu);
    k->in_completed = 0;
    call_release(k);
    c->refs--; /* the call's; the caller of run_completed holds another */
    pthread_mutex_unlock(&c->mu);
  }
  return ran;
}

void qbsync_client_free(qbsync_client *c)
{
  if (c == NULL)
    return;
  qbsync_client_close(c);
  run_completed(c);
  pthread_mutex_lock(&c->mu);
  client_unref_unlock(c);
}

int qbsync_client_connect(qbsync_client *c, qbsync_status *status)
{
  qbsync_status st = QBSYNC_STATUS_INIT;
  pthread_mutex_lock(&c->mu);
  conn *k = current_conn(c, &st);
  pthread_mutex_unlock(&c->mu);
  if (k != NULL)
    qbsync__status_set(&st, QBSYNC_OK, "%s", "");
  int code = st.code;
  if (status != NULL)
    *status = st;
  else
    qbsync_status_clear(&st);
  return code;
}

static int64_t deadline_after_ms(int64_t timeout_ms)
{
  if (timeout_ms <= 0)
    return 0;
  return now_ns() + timeout_ms * 1000000LL;
}

static int hand_back(qbsync_status *st, qbsync_status *out)
{
  int code = st->code;
  if (st->message == NULL)
    st->message = strdup("");
  if (out != NULL)
    *out = *st;
  else
    qbsync_status_clear(st);
  return code;
}

int qbsync_client_ping(qbsync_client *c, int64_t timeout_ms, int64_t *rtt_us,
                       qbsync_status *status)
{
  qbsync_status st = QBSYNC_STATUS_INIT;
  int64_t timeout = timeout_ms != 0 ? timeout_ms : c->timeout_ms;
  int64_t deadline = deadline_after_ms(timeout);
  call *k = call_new(KIND_PING, "ping");
  if (k == NULL) {
    qbsync__status_set(&st, QBSYNC_RESOURCE_EXHAUSTED, "out of memory");
    return hand_back(&st, status);
  }
  pthread_mutex_lock(&c->mu);
  conn *link = NULL;
  for (int attempt = 0; attempt < 2 && link == NULL; attempt++) {
    qbsync_status_clear(&st);
    link = current_conn(c, &st);
    if (link == NULL)
      break;
    uint8_t sub[11];
    k->opaque = link->next_opaque++;
    sub[0] = 0x08;
    size_t n = 1 + put_varint(sub + 1, k->opaque);
    k->started = now_ns();
    if (send_frame(c, link, 0, FRAME_PING, sub, n) != SEND_OK) {
      qbsync__status_set(&st, QBSYNC_UNAVAILABLE, "connection to the server was lost");
      link = NULL;
    }
  }
  if (link != NULL) {
    k->conn = link;
    link->refs++;
    k->registered = 1;
    k->refs++;
    k->hnext = link->pings;
    link->pings = k;
    if (!wait_ready(c, k, deadline, 1))
      finish_code(c, k, QBSYNC_DEADLINE_EXCEEDED, "no pong within %lld ms", (long long)timeout);
    if (k->status.code == QBSYNC_OK && rtt_us != NULL)
      *rtt_us = (now_ns() - k->started) / 1000;
    qbsync_status_clear(&st);
    qbsync_status_copy(&st, &k->status);
  }
  call_release(k);
  pthread_mutex_unlock(&c->mu);
  return hand_back(&st, status);
}

/* ------------------------------------------------------------------------ */
/* Starting calls                                                            */

typedef struct call_setup {
  enum call_kind kind;
  int64_t default_timeout_ms;
  uint32_t window;
  qbsync_unary_callback callback;
  void *user;
  const ProtobufCMessageDescriptor *response_type;
} call_setup;

static int start_call(qbsync_client *c, const char *path, const ProtobufCMessage *request,
                      const ProtobufCMessageDescriptor *request_type,
                      const qbsync_call_options *opts, const call_setup *setup, call **out,
                      qbsync_status *st)
{
  *out = NULL;
  if (c == NULL || path == NULL) {
    qbsync__status_set(st, QBSYNC_INVALID_ARGUMENT, "no client or no method path");
    return st->code;
  }
  if (request != NULL && request_type != NULL && request->descriptor != request_type) {
    qbsync__status_set(st, QBSYNC_INVALID_ARGUMENT, "%s takes a %s, not a %s", path,
                       request_type->name, request->descriptor->name);
    return st->code;
  }
  if (request != NULL && !qbsync__check_message(request, st))
    return st->code;
  const qbsync_metadata *metadata = opts != NULL ? opts->metadata : NULL;
  size_t n_metadata = opts != NULL && metadata != NULL ? opts->n_metadata : 0;
  if (!qbsync__check_metadata(metadata, n_metadata, st))
    return st->code;
  int64_t timeout_ms = opts != NULL && opts->timeout_ms != 0 ? opts->timeout_ms
                                                             : setup->default_timeout_ms;
  if (timeout_ms < 0)
    timeout_ms = 0;

  /* Everything but the stream id is encoded before taking the mutex. */
  size_t payload_len = request != NULL ? protobuf_c_message_get_packed_size(request) : 0;
  uint8_t *payload = malloc(payload_len ? payload_len : 1);
  buf open = {0};
  buf_bytes_field(&open, 0x0a, path, strlen(path));
  if (timeout_ms > 0) {
    buf_varint(&open, 0x10);
    buf_varint(&open, (uint64_t)timeout_ms * 1000u);
  }
  for (size_t i = 0; i < n_metadata; i++) {
    const char *value = metadata[i].value != NULL ? metadata[i].value : "";
    size_t value_len = metadata[i].value_len ? metadata[i].value_len : strlen(value);
    size_t key_len = strlen(metadata[i].key);
    size_t entry = 1 + varint_len(key_len) + key_len + 1 + varint_len(value_len) + value_len;
    buf_varint(&open, 0x1a);
    buf_varint(&open, entry);
    buf_bytes_field(&open, 0x0a, metadata[i].key, key_len);
    buf_bytes_field(&open, 0x12, value, value_len);
  }
  if (setup->window) {
    buf_varint(&open, 0x20);
    buf_varint(&open, setup->window);
  }
  call *k = call_new(setup->kind, path);
  if (payload == NULL || open.oom || k == NULL) {
    free(payload);
    free(open.p);
    if (k != NULL)
      call_release(k);
    qbsync__status_set(st, QBSYNC_RESOURCE_EXHAUSTED, "out of memory");
    return st->code;
  }
  if (request != NULL)
    protobuf_c_message_pack(request, payload);
  /* Message{payload, end_of_stream: true} */
  uint8_t message_head[12];
  size_t message_head_len = 0;
  if (payload_len > 0) {
    message_head[message_head_len++] = 0x0a;
    message_head_len += put_varint(message_head + message_head_len, payload_len);
  }
  static const uint8_t end_of_stream[2] = {0x10, 0x01};
  size_t message_len = message_head_len + payload_len + sizeof end_of_stream;
  k->window = setup->window;
  k->callback = setup->callback;
  k->user = setup->user;
  k->response_type = setup->response_type;
  k->started = now_ns();
  if (timeout_ms > 0)
    k->deadline = k->started + timeout_ms * 1000000LL + QBSYNC_LOCAL_DEADLINE_GRACE_NS;

  pthread_mutex_lock(&c->mu);
  conn *link = NULL;
  for (int attempt = 0; attempt < 2; attempt++) {
    link = current_conn(c, st);
    if (link == NULL)
      break;
    /* The larger of the two frames is the message: prefix, id, tag, length. */
    size_t body = 1 + 5 + 1 + varint_len(message_len) + message_len;
    if (body > link->send_limit) {
      qbsync__status_set(st, QBSYNC_RESOURCE_EXHAUSTED,
                         "request not sent: outgoing frame of %zu bytes exceeds the limit of %u "
                         "bytes",
                         body, link->send_limit);
      link = NULL;
      break;
    }
    if (link->next_stream_id == UINT32_MAX) {
      link->refusing = 1;
      c->current = NULL;
      qbsync__status_set(st, QBSYNC_UNAVAILABLE, "stream ids exhausted on this connection");
      link = NULL;
      continue;
    }
    uint32_t id = link->next_stream_id;
    uint8_t open_header[FRAME_HEADER_MAX], message_header[FRAME_HEADER_MAX];
    struct iovec iov[5] = {
        {open_header, frame_header(open_header, id, FRAME_OPEN, open.len)},
        {open.p, open.len},
        {message_header, frame_header(message_header, id, FRAME_MESSAGE, message_len)},
        {message_head, message_head_len},
        {payload, payload_len},
    };
    struct iovec all[6];
    int n = 0;
    for (int i = 0; i < 5; i++)
      if (iov[i].iov_len > 0)
        all[n++] = iov[i];
    all[n].iov_base = (void *)end_of_stream;
    all[n].iov_len = sizeof end_of_stream;
    n++;
    int sent = conn_send(c, link, all, n);
    if (sent == SEND_OK) {
      link->next_stream_id = id + 1;
      k->stream_id = id;
      break;
    }
    /* Nothing of this call reached the server: one retry on a fresh connection. */
    qbsync__status_set(st, QBSYNC_UNAVAILABLE, "connection to the server was lost");
    link = NULL;
  }
  free(payload);
  free(open.p);
  if (link == NULL) {
    call_release(k);
    pthread_mutex_unlock(&c->mu);
    return st->code;
  }
  k->conn = link;
  link->refs++;
  if (map_insert(link, k) != 0) {
    k->done = 1;
    qbsync__status_set(&k->status, QBSYNC_RESOURCE_EXHAUSTED, "out of memory");
    send_cancel(c, link, k->stream_id, "out of memory");
  } else {
    k->registered = 1;
    k->refs++;
  }
  if (k->callback != NULL) {
    c->refs++; /* async calls keep the client until their callback ran */
    if (k->done) {
      k->in_completed = 1;
      if (c->done_tail != NULL)
        c->done_tail->anext = k;
      else
        c->done_head = k;
      c->done_tail = k;
      notify(c);
    } else {
      k->in_async = 1;
      k->anext = c->async_head;
      if (c->async_head != NULL)
        c->async_head->aprev = k;
      c->async_head = k;
    }
  }
  pthread_mutex_unlock(&c->mu);
  *out = k;
  qbsync__status_set(st, QBSYNC_OK, "%s", "");
  return QBSYNC_OK;
}

int qbsync_call_unary(qbsync_client *c, const char *path, const ProtobufCMessage *request,
                      const ProtobufCMessageDescriptor *request_type,
                      const ProtobufCMessageDescriptor *response_type,
                      const qbsync_call_options *opts, ProtobufCMessage **response,
                      qbsync_status *status)
{
  qbsync_status st = QBSYNC_STATUS_INIT;
  if (response != NULL)
    *response = NULL;
  call_setup setup = {KIND_UNARY, c != NULL ? c->timeout_ms : 0, 1, NULL, NULL, NULL};
  call *k;
  if (start_call(c, path, request, request_type, opts, &setup, &k, &st) != QBSYNC_OK)
    return hand_back(&st, status);
  pthread_mutex_lock(&c->mu);
  if (!wait_ready(c, k, k->deadline, 1))
    cancel_call(c, k, "deadline exceeded", QBSYNC_DEADLINE_EXCEEDED,
                "%s: deadline exceeded (no answer from the server)", path);
  pthread_mutex_unlock(&c->mu);
  /* Done: the driver no longer touches the call's messages or status. */
  qbsync_status_clear(&st);
  qbsync_status_copy(&st, &k->status);
  if (st.code == QBSYNC_OK && response_type != NULL) {
    if (k->n_messages != 1) {
      qbsync__status_set(&st, QBSYNC_INTERNAL,
                         "%s: the server ended a unary call OK with %zu response messages "
                         "instead of 1",
                         path, k->n_messages);
    } else {
      ProtobufCMessage *decoded =
          protobuf_c_message_unpack(response_type, NULL, k->head->len, k->head->data);
      if (decoded == NULL)
        qbsync__status_set(&st, QBSYNC_INTERNAL, "%s: undecodable response", path);
      else if (response != NULL)
        *response = decoded;
      else
        protobuf_c_message_free_unpacked(decoded, NULL);
    }
  }
  pthread_mutex_lock(&c->mu);
  call_release(k);
  pthread_mutex_unlock(&c->mu);
  return hand_back(&st, status);
}

int qbsync_call_unary_async(qbsync_client *c, const char *path, const ProtobufCMessage *request,
                            const ProtobufCMessageDescriptor *request_type,
                            const ProtobufCMessageDescriptor *response_type,
                            const qbsync_call_options *opts, qbsync_unary_callback callback,
                            void *user, qbsync_status *status)
{
  qbsync_status st = QBSYNC_STATUS_INIT;
  if (callback == NULL) {
    qbsync__status_set(&st, QBSYNC_INVALID_ARGUMENT, "no callback");
    return hand_back(&st, status);
  }
  call_setup setup = {KIND_UNARY, c != NULL ? c->timeout_ms : 0, 1, callback, user,
                      response_type};
  call *k;
  start_call(c, path, request, request_type, opts, &setup, &k, &st);
  return hand_back(&st, status);
}

int qbsync_call_server_streaming(qbsync_client *c, const char *path,
                                 const ProtobufCMessage *request,
                                 const ProtobufCMessageDescriptor *request_type,
                                 const ProtobufCMessageDescriptor *response_type,
                                 const qbsync_call_options *opts, qbsync_stream **stream,
                                 qbsync_status *status)
{
  qbsync_status st = QBSYNC_STATUS_INIT;
  *stream = NULL;
  qbsync_stream *s = calloc(1, sizeof *s);
  if (s == NULL) {
    qbsync__status_set(&st, QBSYNC_RESOURCE_EXHAUSTED, "out of memory");
    return hand_back(&st, status);
  }
  call_setup setup = {KIND_STREAM, c != NULL ? c->stream_timeout_ms : 0,
                      c != NULL ? c->stream_window : 0, NULL, NULL, NULL};
  call *k;
  if (start_call(c, path, request, request_type, opts, &setup, &k, &st) != QBSYNC_OK) {
    free(s);
    return hand_back(&st, status);
  }
  pthread_mutex_lock(&c->mu);
  c->refs++;
  pthread_mutex_unlock(&c->mu);
  s->client = c;
  s->call = k;
  s->response_type = response_type;
  s->grant_every = c->stream_window / 2 ? c->stream_window / 2 : 1;
  *stream = s;
  return hand_back(&st, status);
}

/* ------------------------------------------------------------------------ */
/* Streams                                                                   */

int qbsync_stream_next_timeout(qbsync_stream *s, int64_t wait_ms, ProtobufCMessage **message,
                               qbsync_status *status)
{
  qbsync_client *c = s->client;
  call *k = s->call;
  *message = NULL;
  int64_t wait_deadline = wait_ms > 0 ? now_ns() + wait_ms * 1000000LL : 0;
  int pumped = 0;
  pthread_mutex_lock(&c->mu);
  for (;;) {
    if (k->head != NULL) {
      msgnode *node = k->head;
      k->head = node->next;
      if (k->head == NULL)
        k->tail = NULL;
      k->n_messages--;
      if (++k->consumed >= s->grant_every && !k->done && k->registered && !k->conn->dead) {
        uint8_t sub[11];
        sub[0] = 0x08;
        size_t n = 1 + put_varint(sub + 1, k->consumed);
        send_frame(c, k->conn, k->stream_id, FRAME_WINDOW_UPDATE, sub, n);
        k->consumed = 0;
      }
      pthread_mutex_unlock(&c->mu);
      ProtobufCMessage *decoded = NULL;
      if (s->response_type != NULL)
        decoded = protobuf_c_message_unpack(s->response_type, NULL, node->len, node->data);
      free(node->data);
      free(node);
      if (decoded != NULL || s->response_type == NULL) {
        *message = decoded;
        if (status != NULL)
          qbsync_status_init(status);
        return QBSYNC_STREAM_MESSAGE;
      }
      pthread_mutex_lock(&c->mu);
      cancel_call(c, k, "undecodable response", QBSYNC_INTERNAL, "%s: undecodable response",
                  k->path);
      continue;
    }
    if (k->done) {
      if (status != NULL)
        qbsync_status_copy(status, &k->status);
      pthread_mutex_unlock(&c->mu);
      return QBSYNC_STREAM_END;
    }
    int64_t now = now_ns();
    if (k->deadline != 0 && now >= k->deadline) {
      cancel_call(c, k, "deadline exceeded", QBSYNC_DEADLINE_EXCEEDED,
                  "%s: deadline exceeded (no answer from the server)", k->path);
      continue;
    }
    if (wait_ms == 0) {
      if (!pumped && !c->driving) {
        pumped = 1;
        pump(c);
        continue;
      }
      pthread_mutex_unlock(&c->mu);
      if (status != NULL)
        qbsync_status_init(status);
      return QBSYNC_STREAM_TIMEOUT;
    }
    if (wait_deadline != 0 && now >= wait_deadline) {
      pthread_mutex_unlock(&c->mu);
      if (status != NULL)
        qbsync_status_init(status);
      return QBSYNC_STREAM_TIMEOUT;
    }
    int64_t deadline = k->deadline;
    if (wait_deadline != 0 && (deadline == 0 || wait_deadline < deadline))
      deadline = wait_deadline;
    wait_ready(c, k, deadline, 0);
  }
}

int qbsync_stream_next(qbsync_stream *s, ProtobufCMessage **message, qbsync_status *status)
{
  return qbsync_stream_next_timeout(s, -1, message, status);
}

void qbsync_stream_cancel(qbsync_stream *s)
{
  if (s == NULL)
    return;
  qbsync_client *c = s->client;
  pthread_mutex_lock(&c->mu);
  if (!s->call->done)
    cancel_call(c, s->call, "closed by the caller", QBSYNC_CANCELLED, "call cancelled");
  pthread_mutex_unlock(&c->mu);
}

void qbsync_stream_free(qbsync_stream *s)
{
  if (s == NULL)
    return;
  qbsync_client *c = s->client;
  pthread_mutex_lock(&c->mu);
  if (!s->call->done)
    cancel_call(c, s->call, "closed by the caller", QBSYNC_CANCELLED, "call cancelled");
  call_release(s->call);
  free(s);
  client_unref_unlock(c);
}

uint32_t qbsync_stream_id(const qbsync_stream *s)
{
  return s->call->stream_id;
}

/* ------------------------------------------------------------------------ */
/* Event loops                                                               */

int qbsync_client_fd(qbsync_client *c)
{
  return c->epfd;
}

int qbsync_client_process(qbsync_client *c)
{
  pthread_mutex_lock(&c->mu);
  int closed = c->closed;
  if (!closed)
    pump(c);
  int64_t now = now_ns();
  call *k = c->async_head;
  while (k != NULL) {
    call *next = k->anext;
    if (k->deadline != 0 && now >= k->deadline)
      cancel_call(c, k, "deadline exceeded", QBSYNC_DEADLINE_EXCEEDED,
                  "%s: deadline exceeded (no answer from the server)", k->path);
    k = next;
  }
  /* What arrived so far is handled below or readable from the streams now;
   * anything later notifies again. */
  if (c->notified) {
    uint64_t value;
    ssize_t ignored = read(c->notify_fd, &value, sizeof value);
    (void)ignored;
    c->notified = 0;
  }
  pthread_mutex_unlock(&c->mu);
  int ran = run_completed(c);
  return closed && ran == 0 ? -1 : ran;
}

int qbsync_client_timeout_ms(qbsync_client *c)
{
  pthread_mutex_lock(&c->mu);
  int64_t earliest = 0;
  for (call *k = c->async_head; k != NULL; k = k->anext)
    if (k->deadline != 0 && (earliest == 0 || k->deadline < earliest))
      earliest = k->deadline;
  int result = -1;
  if (c->done_head != NULL)
    result = 0;
  else if (earliest != 0) {
    int64_t left = earliest - now_ns();
    result = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
  }
  pthread_mutex_unlock(&c->mu);
  return result;
}
