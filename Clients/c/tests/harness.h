/* Test support: a tiny test runner, the real server as a process, and a
 * scripted fake server for behaviour the real one will not show on demand. */
#ifndef QBSYNC_TEST_HARNESS_H
#define QBSYNC_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <qbsync/qbsync.h>

extern int test_failures;

#define CHECK(cond, ...)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      test_failures++;                                                                         \
      fprintf(stderr, "    %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);             \
      fprintf(stderr, __VA_ARGS__);                                                            \
      fprintf(stderr, "\n");                                                                   \
    }                                                                                          \
  } while (0)

#define CHECK_CODE(got, want, st)                                                              \
  CHECK((got) == (want), "code %s, want %s (%s)", qbsync_code_name(got), qbsync_code_name(want), \
        (st).message ? (st).message : "")

/* A unique id for records of this run. */
void unique(char *out, size_t size, const char *prefix);

/* The real server: `$QBSYNC_BIN serve` on a temporary socket and database. */
typedef struct test_server {
  pid_t pid;
  char dir[256];
  char socket_path[300];
} test_server;

/* Starts a server with extra args (NULL-terminated list, may be NULL); waits
 * until its socket accepts connections. Exits the test program on failure. */
void server_start(test_server *server, const char *const *extra_args);
/* SIGTERM without waiting. */
void server_terminate(test_server *server);
/* Waits for the process to exit (up to timeout_ms); its exit status, or -1. */
int server_wait(test_server *server, int timeout_ms);
/* SIGTERM, wait (SIGKILL after 15 s), remove the directory. */
void server_stop(test_server *server);

/* A scripted fake server: script(fd, index, arg) runs on a thread for each
 * accepted connection (one at a time), and the socket is closed after it. */
typedef void (*fake_script)(int fd, int index, void *arg);
typedef struct fake_server fake_server;
fake_server *fake_start(fake_script script, void *arg);
const char *fake_path(fake_server *fake);
int fake_connections(fake_server *fake);
void fake_stop(fake_server *fake);

/* Frame I/O for fake scripts (blocking, 10 s timeout). */
Qbsync__Rpc__V1__Frame *fake_read(int fd);
/* Reads until a frame of that kind, skipping others; NULL on EOF/timeout. */
Qbsync__Rpc__V1__Frame *fake_expect(int fd, Qbsync__Rpc__V1__Frame__KindCase kind);
void fake_send(int fd, const Qbsync__Rpc__V1__Frame *frame);
void fake_send_raw(int fd, const void *data, size_t len);
/* Reads the client's Hello and answers with a Hello; returns the client's (free it). */
Qbsync__Rpc__V1__Frame *fake_handshake(int fd);
/* Answers a call: the message (if any) and a Status. */
void fake_respond(int fd, uint32_t stream_id, const ProtobufCMessage *response, int code,
                  const char *message);

#endif
