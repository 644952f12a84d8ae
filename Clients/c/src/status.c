/* Status codes, statuses and their typed details. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const CODE_NAMES[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

#define N_CODES (sizeof CODE_NAMES / sizeof CODE_NAMES[0])

const char *qbsync_code_name(int code)
{
  if (code < 0 || (size_t)code >= N_CODES)
    return "UNKNOWN_CODE";
  return CODE_NAMES[code];
}

int qbsync_code_from_name(const char *name)
{
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < N_CODES; i++)
    if (strcmp(CODE_NAMES[i], name) == 0)
      return (int)i;
  return -1;
}

const char *qbsync_goaway_reason_name(int reason)
{
  const ProtobufCEnumValue *value =
      protobuf_c_enum_descriptor_get_value(&qbsync__rpc__v1__go_away_reason__descriptor, reason);
  static const char prefix[] = "GO_AWAY_REASON_";
  if (value == NULL)
    return "UNKNOWN_REASON";
  if (strncmp(value->name, prefix, sizeof prefix - 1) == 0)
    return value->name + sizeof prefix - 1;
  return value->name;
}

void qbsync_status_init(qbsync_status *status)
{
  if (status != NULL)
    memset(status, 0, sizeof *status);
}

void qbsync_status_clear(qbsync_status *status)
{
  if (status == NULL)
    return;
  free(status->message);
  for (size_t i = 0; i < status->n_details; i++) {
    free(status->details[i].type);
    free(status->details[i].value);
  }
  free(status->details);
  memset(status, 0, sizeof *status);
}

static char *dup_or_empty(const char *s)
{
  char *copy = strdup(s != NULL ? s : "");
  return copy;
}

int qbsync__status_add_detail(qbsync_status *status, const char *type, const uint8_t *value,
                              size_t len)
{
  qbsync_status_detail *grown =
      realloc(status->details, (status->n_details + 1) * sizeof *status->details);
  if (grown == NULL)
    return -1;
  status->details = grown;
  qbsync_status_detail *detail = &grown[status->n_details];
  detail->type = dup_or_empty(type);
  detail->value = malloc(len > 0 ? len : 1);
  detail->len = len;
  if (detail->type == NULL || detail->value == NULL) {
    free(detail->type);
    free(detail->value);
    return -1;
  }
  if (len > 0)
    memcpy(detail->value, value, len);
  status->n_details++;
  return 0;
}

int qbsync_status_copy(qbsync_status *dst, const qbsync_status *src)
{
  memset(dst, 0, sizeof *dst);
  dst->code = src->code;
  dst->goaway_reason = src->goaway_reason;
  dst->goaway_last_stream_id = src->goaway_last_stream_id;
  dst->message = dup_or_empty(src->message);
  if (dst->message == NULL)
    return -1;
  for (size_t i = 0; i < src->n_details; i++)
    if (qbsync__status_add_detail(dst, src->details[i].type, src->details[i].value,
                                  src->details[i].len) != 0)
      return -1;
  return 0;
}

void qbsync__status_setv(qbsync_status *status, int code, const char *fmt, va_list ap)
{
  if (status == NULL)
    return;
  qbsync_status_clear(status);
  status->code = code;
  char *message = NULL;
  if (vasprintf(&message, fmt, ap) < 0)
    message = NULL;
  status->message = message != NULL ? message : dup_or_empty(NULL);
}

void qbsync__status_set(qbsync_status *status, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  qbsync__status_setv(status, code, fmt, ap);
  va_end(ap);
}

void qbsync__status_field_violation(qbsync_status *status, const char *field, const char *problem)
{
  if (status == NULL)
    return;
  qbsync__status_set(status, QBSYNC_INVALID_ARGUMENT, "%s: %s", field, problem);
  Qbsync__V1__FieldViolation violation = QBSYNC__V1__FIELD_VIOLATION__INIT;
  violation.field = (char *)field;
  violation.description = (char *)problem;
  size_t size = qbsync__v1__field_violation__get_packed_size(&violation);
  uint8_t *buffer = malloc(size > 0 ? size : 1);
  if (buffer == NULL)
    return;
  qbsync__v1__field_violation__pack(&violation, buffer);
  (void)qbsync__status_add_detail(status, qbsync__v1__field_violation__descriptor.name, buffer,
                                  size);
  free(buffer);
}

void qbsync__status_from_frame(qbsync_status *status, const Qbsync__Rpc__V1__Status *frame)
{
  qbsync_status_clear(status);
  status->code = (int)frame->code;
  status->message = dup_or_empty(frame->message);
  for (size_t i = 0; i < frame->n_details; i++) {
    const Qbsync__Rpc__V1__StatusDetail *detail = frame->details[i];
    (void)qbsync__status_add_detail(status, detail->type, detail->value.data, detail->value.len);
  }
}

ProtobufCMessage *qbsync_status_detail_unpack(const qbsync_status *status,
                                              const ProtobufCMessageDescriptor *descriptor)
{
  if (status == NULL || descriptor == NULL)
    return NULL;
  for (size_t i = 0; i < status->n_details; i++)
    if (strcmp(status->details[i].type, descriptor->name) == 0)
      return protobuf_c_message_unpack(descriptor, NULL, status->details[i].len,
                                       status->details[i].value);
  return NULL;
}

static int compare_message_name(const void *key, const void *element)
{
  const ProtobufCMessageDescriptor *const *descriptor = element;
  return strcmp(key, (*descriptor)->name);
}

static int compare_enum_name(const void *key, const void *element)
{
  const ProtobufCEnumDescriptor *const *descriptor = element;
  return strcmp(key, (*descriptor)->name);
}

const ProtobufCMessageDescriptor *qbsync_message_descriptor(const char *full_name)
{
  if (full_name == NULL)
    return NULL;
  const ProtobufCMessageDescriptor *const *found =
      bsearch(full_name, qbsync_message_descriptors, QBSYNC_N_MESSAGE_DESCRIPTORS,
              sizeof qbsync_message_descriptors[0], compare_message_name);
  return found != NULL ? *found : NULL;
}

const ProtobufCEnumDescriptor *qbsync_enum_descriptor(const char *full_name)
{
  if (full_name == NULL)
    return NULL;
  const ProtobufCEnumDescriptor *const *found =
      bsearch(full_name, qbsync_enum_descriptors, QBSYNC_N_ENUM_DESCRIPTORS,
              sizeof qbsync_enum_descriptors[0], compare_enum_name);
  return found != NULL ? *found : NULL;
}

ProtobufCMessage *qbsync_detail_unpack(const qbsync_status_detail *detail)
{
  if (detail == NULL)
    return NULL;
  const ProtobufCMessageDescriptor *descriptor = qbsync_message_descriptor(detail->type);
  if (descriptor == NULL)
    return NULL;
  return protobuf_c_message_unpack(descriptor, NULL, detail->len, detail->value);
}

const qbsync_method *qbsync_method_by_name(const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < QBSYNC_N_METHODS; i++)
    if (strcmp(qbsync_methods[i].name, name) == 0)
      return &qbsync_methods[i];
  return NULL;
}
