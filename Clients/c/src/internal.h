/* Shared between the library's source files; not installed. */
#ifndef QBSYNC_INTERNAL_H
#define QBSYNC_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "qbsync/methods.h"

#define QBSYNC_DEFAULT_MAX_FRAME_SIZE (4u * 1024u * 1024u)
#define QBSYNC_DEFAULT_WINDOW 64u
#define QBSYNC_METADATA_LIMIT (16u * 1024u)
/* How much longer than the deadline the client waits for the server's own
 * DEADLINE_EXCEEDED (which carries its message) before giving up locally. */
#define QBSYNC_LOCAL_DEADLINE_GRACE_NS (100LL * 1000 * 1000)

#define QBSYNC_NUL_PROBLEM "contains a NUL character; strings must be UTF-8 without NUL characters"
#define QBSYNC_UTF8_PROBLEM "is not valid UTF-8; strings must be UTF-8 without NUL characters"

/* status.c */
void qbsync__status_set(qbsync_status *status, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qbsync__status_setv(qbsync_status *status, int code, const char *fmt, va_list ap);
/* Adds a detail (copies type and value); 0, or -1 without memory. */
int qbsync__status_add_detail(qbsync_status *status, const char *type, const uint8_t *value,
                              size_t len);
/* INVALID_ARGUMENT "<field>: <problem>" with a FieldViolation{field, problem}. */
void qbsync__status_field_violation(qbsync_status *status, const char *field, const char *problem);
/* Fills status from a Status frame (copies). */
void qbsync__status_from_frame(qbsync_status *status, const Qbsync__Rpc__V1__Status *frame);

/* validate.c */
/* 1 when s[0..len) is valid UTF-8 (NUL allowed: check separately). */
int qbsync__utf8_valid(const uint8_t *s, size_t len);
/* Checks every string of a message (recursively); 1 ok, else 0 with status set. */
int qbsync__check_message(const ProtobufCMessage *message, qbsync_status *status);
/* Checks call metadata; 1 ok, else 0 with status set (INVALID_ARGUMENT or RESOURCE_EXHAUSTED). */
int qbsync__check_metadata(const qbsync_metadata *metadata, size_t n, qbsync_status *status);

#endif
