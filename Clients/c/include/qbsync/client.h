/*
 * libqbsync-client: a C client of qbsync, the QuickBooks Online sync service.
 *
 * It speaks the qbsync wire protocol (docs/protocol.md: length-prefixed
 * protobuf frames on a Unix domain socket) on top of libprotobuf-c. One
 * qbsync_client holds one connection that carries every call, from any
 * number of threads at once. The RPCs themselves (qbsync_get_health(),
 * qbsync_sync_invoice(), ...) are generated into <qbsync/methods.h>; include
 * <qbsync/qbsync.h> to get both.
 *
 * Conventions:
 * - Functions that make a call return its status code (QBSYNC_OK = 0, else a
 *   gRPC code) and fill a qbsync_status when one is passed (it may be NULL).
 *   Clear a filled status with qbsync_status_clear().
 * - Messages returned to you are unpacked by protobuf-c with the default
 *   allocator: free them with protobuf_c_message_free_unpacked(msg, NULL).
 */
#ifndef QBSYNC_CLIENT_H
#define QBSYNC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QBSYNC_CLIENT_VERSION "0.1.0"
/** The wire protocol version this client speaks. */
#define QBSYNC_PROTOCOL_VERSION 1

/* ------------------------------------------------------------------------ */
/* Status codes and statuses                                                 */

/** gRPC canonical status codes, as carried by Status.code on the wire. */
typedef enum qbsync_code {
  QBSYNC_OK = 0,
  QBSYNC_CANCELLED = 1,
  QBSYNC_UNKNOWN = 2,
  QBSYNC_INVALID_ARGUMENT = 3,
  QBSYNC_DEADLINE_EXCEEDED = 4,
  QBSYNC_NOT_FOUND = 5,
  QBSYNC_ALREADY_EXISTS = 6,
  QBSYNC_PERMISSION_DENIED = 7,
  QBSYNC_RESOURCE_EXHAUSTED = 8,
  QBSYNC_FAILED_PRECONDITION = 9,
  QBSYNC_ABORTED = 10,
  QBSYNC_OUT_OF_RANGE = 11,
  QBSYNC_UNIMPLEMENTED = 12,
  QBSYNC_INTERNAL = 13,
  QBSYNC_UNAVAILABLE = 14,
  QBSYNC_DATA_LOSS = 15,
  QBSYNC_UNAUTHENTICATED = 16
} qbsync_code;

/** The name of a code ("NOT_FOUND"); "UNKNOWN_CODE" for a number outside 0-16. */
const char *qbsync_code_name(int code);
/** The code of a name ("NOT_FOUND" -> 5), or -1. */
int qbsync_code_from_name(const char *name);

/** One typed attachment of a status: StatusDetail{type, value}. */
typedef struct qbsync_status_detail {
  /** Full protobuf message name of value, e.g. "qbsync.v1.FieldViolation". */
  char *type;
  /** The encoded message. */
  uint8_t *value;
  size_t len;
} qbsync_status_detail;

/**
 * How a call ended: the server's Status, or a failure the client detected
 * itself (a local deadline, a broken connection, a request refused before
 * sending). Initialize with QBSYNC_STATUS_INIT or qbsync_status_init();
 * after a call filled it, release it with qbsync_status_clear().
 */
typedef struct qbsync_status {
  /** QBSYNC_OK or an error code. */
  int code;
  /** Human-readable explanation; never NULL once filled ("" when none). */
  char *message;
  size_t n_details;
  qbsync_status_detail *details;
  /**
   * When the server's GoAway ended the call or refused the connection: its
   * GoAwayReason (Qbsync__Rpc__V1__GoAwayReason, see
   * qbsync_goaway_reason_name()); 0 otherwise.
   */
  int goaway_reason;
  /** With goaway_reason: the GoAway's last_stream_id. */
  uint32_t goaway_last_stream_id;
} qbsync_status;

#define QBSYNC_STATUS_INIT {0, NULL, 0, NULL, 0, 0}

/** Sets every field to zero (code OK, no message). */
void qbsync_status_init(qbsync_status *status);
/** Frees what a status holds and re-initializes it. NULL is ignored. */
void qbsync_status_clear(qbsync_status *status);
/** Copies src into dst (dst is overwritten, not cleared first). 0, or -1 without memory. */
int qbsync_status_copy(qbsync_status *dst, const qbsync_status *src);

/**
 * Decodes the first detail whose type is descriptor->name (e.g.
 * &qbsync__v1__field_violation__descriptor), or returns NULL when there is
 * none or it does not decode. Free the result with
 * protobuf_c_message_free_unpacked(msg, NULL).
 */
ProtobufCMessage *qbsync_status_detail_unpack(const qbsync_status *status,
                                              const ProtobufCMessageDescriptor *descriptor);

/**
 * Decodes one detail by its type name, looking the type up among the
 * generated descriptors (qbsync_message_descriptor()). NULL when the type is
 * unknown or the value does not decode.
 */
ProtobufCMessage *qbsync_detail_unpack(const qbsync_status_detail *detail);

/** The generated descriptor of a message by full name ("qbsync.v1.ErrorDetail"), or NULL. */
const ProtobufCMessageDescriptor *qbsync_message_descriptor(const char *full_name);
/** The generated descriptor of an enum by full name ("qbsync.v1.SyncStatus"), or NULL. */
const ProtobufCEnumDescriptor *qbsync_enum_descriptor(const char *full_name);

/** A GoAwayReason's short name ("SHUTDOWN", "PERMISSION_DENIED", ...). */
const char *qbsync_goaway_reason_name(int reason);

/* ------------------------------------------------------------------------ */
/* The client                                                                */

typedef struct qbsync_client qbsync_client;
typedef struct qbsync_stream qbsync_stream;

/** Deadline value meaning "no deadline". */
#define QBSYNC_NO_DEADLINE ((int64_t)-1)

/** How a client connects and its defaults. Fill with qbsync_client_config_init(). */
typedef struct qbsync_client_config {
  /** The server's Unix socket (copied). */
  const char *socket_path;
  /** Default deadline of unary calls and pings, ms (30000); QBSYNC_NO_DEADLINE for none. */
  int64_t timeout_ms;
  /** Default deadline of server-streaming calls, ms; QBSYNC_NO_DEADLINE (the default): none. */
  int64_t stream_timeout_ms;
  /** How long connecting plus the Hello exchange may take, ms (5000). */
  int64_t connect_timeout_ms;
  /** Largest frame body accepted from the server, bytes (4 MiB; at least 4096). */
  uint32_t max_frame_size;
  /** Response messages the server may send ahead on a stream (64). */
  uint32_t stream_window;
  /** Hello.agent; NULL means "qbsync-c-client/<version>" (copied). */
  const char *agent;
} qbsync_client_config;

/** Fills config with the defaults above for socket_path. */
void qbsync_client_config_init(qbsync_client_config *config, const char *socket_path);

/**
 * Creates a client; nothing is connected until the first call (or
 * qbsync_client_connect()). NULL when out of memory or the config is invalid
 * (errno EINVAL).
 */
qbsync_client *qbsync_client_new(const qbsync_client_config *config);
/** qbsync_client_new() with the defaults for socket_path. */
qbsync_client *qbsync_client_open(const char *socket_path);

/**
 * Closes the connection (open calls end CANCELLED; later calls fail
 * UNAVAILABLE), runs the callbacks of async calls still pending, and frees
 * the client once every stream taken from it is freed too. Do not call it
 * while other threads are inside calls on this client.
 */
void qbsync_client_free(qbsync_client *client);

/**
 * Ends every open call with CANCELLED and closes the connection; later calls
 * fail UNAVAILABLE. Safe while other threads wait in calls (they return).
 */
void qbsync_client_close(qbsync_client *client);

/**
 * Connects now unless connected. A server that refuses the connection
 * (VERSION_MISMATCH, PERMISSION_DENIED, TOO_MANY_CONNECTIONS) answers with a
 * GoAway: its code and message are returned, with status->goaway_reason set.
 * Returns the code.
 */
int qbsync_client_connect(qbsync_client *client, qbsync_status *status);

/**
 * Sends a ping on the connection and waits for the pong. timeout_ms 0 uses
 * the client's timeout_ms. On OK *rtt_us (may be NULL) is the round trip.
 */
int qbsync_client_ping(qbsync_client *client, int64_t timeout_ms, int64_t *rtt_us,
                       qbsync_status *status);

/* ------------------------------------------------------------------------ */
/* Calls                                                                     */

/** One metadata entry of a call. */
typedef struct qbsync_metadata {
  /** 1-64 lower-case ASCII letters, digits, '-', '_' or '.'. */
  const char *key;
  /** UTF-8 without NUL characters. */
  const char *value;
  /**
   * 0: value is NUL-terminated. Otherwise value's exact length in bytes (a
   * NUL inside it is refused with INVALID_ARGUMENT before anything is sent).
   */
  size_t value_len;
} qbsync_metadata;

/** Per-call options; NULL everywhere means all defaults. Zero-initialize it. */
typedef struct qbsync_call_options {
  /**
   * Deadline, ms: 0 uses the client's default (timeout_ms or
   * stream_timeout_ms), QBSYNC_NO_DEADLINE means none. The server gets it as
   * OpenCall.timeout_micros; the client gives up by itself 100 ms later
   * (sending Cancel) if the server has not answered.
   */
  int64_t timeout_ms;
  const qbsync_metadata *metadata;
  size_t n_metadata;
} qbsync_call_options;

/** One RPC of the service (see qbsync_methods in <qbsync/methods.h>). */
typedef struct qbsync_method {
  /** "SyncInvoice" */
  const char *name;
  /** "/qbsync.v1.QuickBooksSync/SyncInvoice" */
  const char *path;
  const ProtobufCMessageDescriptor *request;
  const ProtobufCMessageDescriptor *response;
  /** 1 for server-streaming RPCs. */
  int server_streaming;
} qbsync_method;

/** The RPC named name ("GetHealth"), or NULL. */
const qbsync_method *qbsync_method_by_name(const char *name);

/**
 * Calls any unary method by path; the generated functions use this.
 *
 * request may be NULL (an empty request). request_type, when not NULL, is
 * checked against request->descriptor. response_type NULL means the response
 * is not decoded (*response stays NULL). Every string of the request must be
 * valid UTF-8 (checked before sending: INVALID_ARGUMENT naming the field, with
 * a qbsync.v1.FieldViolation detail, as the server would answer).
 * On OK *response is the decoded response (free with
 * protobuf_c_message_free_unpacked(msg, NULL)); otherwise NULL.
 */
int qbsync_call_unary(qbsync_client *client, const char *path, const ProtobufCMessage *request,
                      const ProtobufCMessageDescriptor *request_type,
                      const ProtobufCMessageDescriptor *response_type,
                      const qbsync_call_options *opts, ProtobufCMessage **response,
                      qbsync_status *status);

/**
 * Opens any server-streaming method by path; the call is running when this
 * returns OK and *stream yields its messages (qbsync_stream_next()).
 */
int qbsync_call_server_streaming(qbsync_client *client, const char *path,
                                 const ProtobufCMessage *request,
                                 const ProtobufCMessageDescriptor *request_type,
                                 const ProtobufCMessageDescriptor *response_type,
                                 const qbsync_call_options *opts, qbsync_stream **stream,
                                 qbsync_status *status);

/**
 * Checks a string before it goes into a request field or metadata value:
 * valid UTF-8 without NUL in its len bytes. C strings cannot carry a NUL, so
 * code that builds requests from length-counted data (JSON, network input)
 * uses this to refuse what the server would refuse instead of letting the
 * string be cut. Returns 1 when the string is fine; otherwise 0 and fills
 * status (may be NULL) with INVALID_ARGUMENT naming field, with a
 * qbsync.v1.FieldViolation detail.
 */
int qbsync_check_string(const char *field, const char *s, size_t len, qbsync_status *status);

/* ------------------------------------------------------------------------ */
/* Server streams                                                            */

/** qbsync_stream_next() results. */
enum {
  /** The stream ended; status holds how (QBSYNC_OK for a clean end). */
  QBSYNC_STREAM_END = 0,
  /** *message holds the next response. */
  QBSYNC_STREAM_MESSAGE = 1,
  /** (qbsync_stream_next_timeout only) nothing arrived within the wait. */
  QBSYNC_STREAM_TIMEOUT = 2
};

/**
 * Waits for the next response of a stream. Returns QBSYNC_STREAM_MESSAGE
 * with *message set (free it with protobuf_c_message_free_unpacked), or
 * QBSYNC_STREAM_END with status (may be NULL) filled: QBSYNC_OK when the
 * server ended the stream OK, else the error (e.g. UNAVAILABLE with a
 * qbsync.v1.StreamResumePoint detail on server shutdown). Consuming messages
 * grants the server more credit (half the window at a time). A stream is for
 * one consumer thread; qbsync_stream_cancel() may come from any thread.
 */
int qbsync_stream_next(qbsync_stream *stream, ProtobufCMessage **message, qbsync_status *status);

/**
 * Like qbsync_stream_next() but waits at most wait_ms (0: does not block);
 * returns QBSYNC_STREAM_TIMEOUT when nothing arrived in time.
 */
int qbsync_stream_next_timeout(qbsync_stream *stream, int64_t wait_ms, ProtobufCMessage **message,
                               qbsync_status *status);

/** Cancels the call (the server is told; the stream then ends CANCELLED). */
void qbsync_stream_cancel(qbsync_stream *stream);

/** Cancels the call if still open and frees the stream. NULL is ignored. */
void qbsync_stream_free(qbsync_stream *stream);

/** The call's stream id on its connection. */
uint32_t qbsync_stream_id(const qbsync_stream *stream);

/* ------------------------------------------------------------------------ */
/* Event loops (non-blocking use)                                            */

/**
 * Called from qbsync_client_process() when an async unary call ends.
 * response (NULL unless status->code is OK, or when no response_type was
 * given) belongs to the callback; status is valid only during the call.
 */
typedef void (*qbsync_unary_callback)(void *user, ProtobufCMessage *response,
                                      const qbsync_status *status);

/**
 * Starts a unary call without waiting for it. Returns QBSYNC_OK when the
 * call was sent (the callback runs later from qbsync_client_process()),
 * otherwise the error code and the callback never runs. Connecting, when no
 * connection is up, blocks for the handshake (at most connect_timeout_ms).
 */
int qbsync_call_unary_async(qbsync_client *client, const char *path,
                            const ProtobufCMessage *request,
                            const ProtobufCMessageDescriptor *request_type,
                            const ProtobufCMessageDescriptor *response_type,
                            const qbsync_call_options *opts, qbsync_unary_callback callback,
                            void *user, qbsync_status *status);

/**
 * A file descriptor for poll/epoll/select: readable (POLLIN) whenever
 * qbsync_client_process() has work (frames arrived, output can be flushed,
 * callbacks are due). It stays the same for the client's lifetime, across
 * reconnections. Do not read it or close it.
 */
int qbsync_client_fd(qbsync_client *client);

/**
 * Does everything that is ready without blocking: reads and dispatches
 * frames, flushes queued output, expires local deadlines, and runs due async
 * callbacks (in this thread). Afterwards, qbsync_stream_next_timeout(s, 0,
 * ...) returns what arrived for streams. Returns the number of callbacks
 * run, or -1 once the client is closed.
 */
int qbsync_client_process(qbsync_client *client);

/**
 * How long an event loop may sleep before calling qbsync_client_process()
 * for the next local deadline of an async call, in ms; -1 when there is none.
 */
int qbsync_client_timeout_ms(qbsync_client *client);

#ifdef __cplusplus
}
#endif

#endif /* QBSYNC_CLIENT_H */
