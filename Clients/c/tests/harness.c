#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int test_failures;

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void unique(char *out, size_t size, const char *prefix)
{
  static unsigned counter;
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&mu);
  unsigned n = ++counter;
  pthread_mutex_unlock(&mu);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  snprintf(out, size, "%s-%lx%05x%u", prefix, (unsigned long)ts.tv_sec % 0xfffff,
           (unsigned)(ts.tv_nsec / 10000) & 0xfffff, n);
}

static const char *server_binary(void)
{
  const char *bin = getenv("QBSYNC_BIN");
  return bin != NULL && bin[0] != 0 ? bin : "../../.build/debug/qbsync";
}

void server_start(test_server *server, const char *const *extra_args)
{
  const char *bin = server_binary();
  if (access(bin, X_OK) != 0) {
    fprintf(stderr, "no qbsync binary at %s: build it (swift build --product qbsync) or set "
                    "QBSYNC_BIN\n", bin);
    exit(2);
  }
  snprintf(server->dir, sizeof server->dir, "/tmp/qbsync-c-test-XXXXXX");
  if (mkdtemp(server->dir) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
  snprintf(server->socket_path, sizeof server->socket_path, "%s/s.sock", server->dir);
  char database[300], log[300];
  snprintf(database, sizeof database, "%s/db.sqlite3", server->dir);
  snprintf(log, sizeof log, "%s/stderr.log", server->dir);
  const char *argv[32];
  int n = 0;
  argv[n++] = bin;
  argv[n++] = "serve";
  argv[n++] = "--socket";
  argv[n++] = server->socket_path;
  argv[n++] = "--database";
  argv[n++] = database;
  argv[n++] = "--log-level";
  argv[n++] = "error";
  for (int i = 0; extra_args != NULL && extra_args[i] != NULL && n < 31; i++)
    argv[n++] = extra_args[i];
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(2);
  }
  if (pid == 0) {
    int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(out, 2);
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  server->pid = pid;
  int64_t deadline = now_ms() + 60000;
  for (;;) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      fprintf(stderr, "qbsync serve exited early (see %s)\n", log);
      exit(2);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, server->socket_path);
    int ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    if (ok)
      return;
    if (now_ms() > deadline) {
      fprintf(stderr, "qbsync serve did not listen within 60 s\n");
      kill(pid, SIGKILL);
      exit(2);
    }
    usleep(20000);
  }
}

void server_terminate(test_server *server)
{
  if (server->pid > 0)
    kill(server->pid, SIGTERM);
}

int server_wait(test_server *server, int timeout_ms)
{
  int64_t deadline = now_ms() + timeout_ms;
  while (server->pid > 0) {
    int status;
    pid_t r = waitpid(server->pid, &status, WNOHANG);
    if (r == server->pid) {
      server->pid = 0;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (now_ms() > deadline)
      return -1;
    usleep(20000);
  }
  return -1;
}

void server_stop(test_server *server)
{
  if (server->pid > 0) {
    server_terminate(server);
    if (server_wait(server, 15000) < 0 && server->pid > 0) {
      kill(server->pid, SIGKILL);
      waitpid(server->pid, NULL, 0);
      server->pid = 0;
    }
  }
  char command[400];
  snprintf(command, sizeof command, "rm -rf '%s'", server->dir);
  if (system(command) != 0)
    fprintf(stderr, "could not remove %s\n", server->dir);
}

/* ---- fake server ---- */

struct fake_server {
  char dir[256];
  char path[300];
  int listener;
  fake_script script;
  void *arg;
  pthread_t thread;
  int stop;
  int connections;
  pthread_mutex_t mu;
};

static void *fake_loop(void *p)
{
  fake_server *fake = p;
  for (;;) {
    struct pollfd pfd = {.fd = fake->listener, .events = POLLIN};
    int r = poll(&pfd, 1, 100);
    pthread_mutex_lock(&fake->mu);
    int stop = fake->stop;
    pthread_mutex_unlock(&fake->mu);
    if (stop)
      return NULL;
    if (r <= 0)
      continue;
    int fd = accept(fake->listener, NULL, NULL);
    if (fd < 0)
      continue;
    pthread_mutex_lock(&fake->mu);
    int index = fake->connections++;
    pthread_mutex_unlock(&fake->mu);
    fake->script(fd, index, fake->arg);
    shutdown(fd, SHUT_RDWR);
    close(fd);
  }
}

fake_server *fake_start(fake_script script, void *arg)
{
  fake_server *fake = calloc(1, sizeof *fake);
  snprintf(fake->dir, sizeof fake->dir, "/tmp/qbsync-c-fake-XXXXXX");
  if (mkdtemp(fake->dir) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
  snprintf(fake->path, sizeof fake->path, "%s/fake.sock", fake->dir);
  fake->listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strcpy(addr.sun_path, fake->path);
  if (bind(fake->listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      listen(fake->listener, 8) != 0) {
    perror("fake server");
    exit(2);
  }
  fake->script = script;
  fake->arg = arg;
  pthread_mutex_init(&fake->mu, NULL);
  pthread_create(&fake->thread, NULL, fake_loop, fake);
  return fake;
}

const char *fake_path(fake_server *fake) { return fake->path; }

int fake_connections(fake_server *fake)
{
  pthread_mutex_lock(&fake->mu);
  int n = fake->connections;
  pthread_mutex_unlock(&fake->mu);
  return n;
}

void fake_stop(fake_server *fake)
{
  pthread_mutex_lock(&fake->mu);
  fake->stop = 1;
  pthread_mutex_unlock(&fake->mu);
  pthread_join(fake->thread, NULL);
  close(fake->listener);
  unlink(fake->path);
  rmdir(fake->dir);
  pthread_mutex_destroy(&fake->mu);
  free(fake);
}

static int read_exact(int fd, void *data, size_t len)
{
  uint8_t *p = data;
  while (len > 0) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, 10000) <= 0)
      return -1;
    ssize_t r = read(fd, p, len);
    if (r <= 0)
      return -1;
    p += r;
    len -= (size_t)r;
  }
  return 0;
}

Qbsync__Rpc__V1__Frame *fake_read(int fd)
{
  uint8_t prefix[4];
  if (read_exact(fd, prefix, 4) != 0)
    return NULL;
  uint32_t len = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 |
                 (uint32_t)prefix[2] << 8 | prefix[3];
  uint8_t *body = malloc(len ? len : 1);
  if (read_exact(fd, body, len) != 0) {
    free(body);
    return NULL;
  }
  Qbsync__Rpc__V1__Frame *frame = qbsync__rpc__v1__frame__unpack(NULL, len, body);
  free(body);
  return frame;
}

Qbsync__Rpc__V1__Frame *fake_expect(int fd, Qbsync__Rpc__V1__Frame__KindCase kind)
{
  for (;;) {
    Qbsync__Rpc__V1__Frame *frame = fake_read(fd);
    if (frame == NULL || frame->kind_case == kind)
      return frame;
    qbsync__rpc__v1__frame__free_unpacked(frame, NULL);
  }
}

void fake_send_raw(int fd, const void *data, size_t len)
{
  const uint8_t *p = data;
  while (len > 0) {
    ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    p += w;
    len -= (size_t)w;
  }
}

void fake_send(int fd, const Qbsync__Rpc__V1__Frame *frame)
{
  size_t len = qbsync__rpc__v1__frame__get_packed_size(frame);
  uint8_t *data = malloc(len + 4);
  data[0] = (uint8_t)(len >> 24);
  data[1] = (uint8_t)(len >> 16);
  data[2] = (uint8_t)(len >> 8);
  data[3] = (uint8_t)len;
  qbsync__rpc__v1__frame__pack(frame, data + 4);
  fake_send_raw(fd, data, len + 4);
  free(data);
}

Qbsync__Rpc__V1__Frame *fake_handshake(int fd)
{
  Qbsync__Rpc__V1__Frame *hello = fake_expect(fd, QBSYNC__RPC__V1__FRAME__KIND_HELLO);
  Qbsync__Rpc__V1__Hello mine = QBSYNC__RPC__V1__HELLO__INIT;
  mine.protocol_version = 1;
  mine.max_concurrent_streams = 5;
  mine.agent = "fake";
  Qbsync__Rpc__V1__Frame frame = QBSYNC__RPC__V1__FRAME__INIT;
  frame.kind_case = QBSYNC__RPC__V1__FRAME__KIND_HELLO;
  frame.hello = &mine;
  fake_send(fd, &frame);
  return hello;
}

void fake_respond(int fd, uint32_t stream_id, const ProtobufCMessage *response, int code,
                  const char *message)
{
  Qbsync__Rpc__V1__Frame frame = QBSYNC__RPC__V1__FRAME__INIT;
  frame.stream_id = stream_id;
  if (response != NULL) {
    Qbsync__Rpc__V1__Message m = QBSYNC__RPC__V1__MESSAGE__INIT;
    size_t len = protobuf_c_message_get_packed_size(response);
    uint8_t *payload = malloc(len ? len : 1);
    protobuf_c_message_pack(response, payload);
    m.payload.data = payload;
    m.payload.len = len;
    frame.kind_case = QBSYNC__RPC__V1__FRAME__KIND_MESSAGE;
    frame.message = &m;
    fake_send(fd, &frame);
    free(payload);
  }
  Qbsync__Rpc__V1__Status s = QBSYNC__RPC__V1__STATUS__INIT;
  s.code = (uint32_t)code;
  s.message = (char *)(message ? message : "");
  frame.kind_case = QBSYNC__RPC__V1__FRAME__KIND_STATUS;
  frame.status = &s;
  fake_send(fd, &frame);
}
