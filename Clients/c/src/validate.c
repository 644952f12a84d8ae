/* What the client refuses before sending: strings that are not UTF-8 without
 * NUL, and metadata the server would refuse (docs/protocol.md §4, §7). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

int qbsync__utf8_valid(const uint8_t *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (len - i <= n)
      return 0;
    for (size_t k = 1; k <= n; k++) {
      uint8_t cc = s[i + k];
      if ((cc & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += n + 1;
  }
  return 1;
}

int qbsync_check_string(const char *field, const char *s, size_t len, qbsync_status *status)
{
  if (s == NULL)
    return 1;
  if (memchr(s, 0, len) != NULL) {
    qbsync__status_field_violation(status, field != NULL ? field : "", QBSYNC_NUL_PROBLEM);
    return 0;
  }
  if (!qbsync__utf8_valid((const uint8_t *)s, len)) {
    qbsync__status_field_violation(status, field != NULL ? field : "", QBSYNC_UTF8_PROBLEM);
    return 0;
  }
  return 1;
}

#define PATH_MAX_LEN 512

static int check_fields(const ProtobufCMessage *message, char *path, size_t path_len,
                        qbsync_status *status);

static int check_value(const ProtobufCFieldDescriptor *field, const void *value, char *path,
                       size_t path_len, qbsync_status *status)
{
  if (field->type == PROTOBUF_C_TYPE_STRING) {
    const char *s = *(char *const *)value;
    if (s == NULL)
      return 1;
    return qbsync_check_string(path, s, strlen(s), status);
  }
  if (field->type == PROTOBUF_C_TYPE_MESSAGE) {
    const ProtobufCMessage *sub = *(ProtobufCMessage *const *)value;
    if (sub == NULL)
      return 1;
    size_t len = strlen(path);
    if (len + 1 < PATH_MAX_LEN) {
      path[len] = '.';
      path[len + 1] = 0;
    }
    int ok = check_fields(sub, path, path_len, status);
    path[len] = 0;
    return ok;
  }
  return 1;
}

static int check_fields(const ProtobufCMessage *message, char *path, size_t path_len,
                        qbsync_status *status)
{
  const ProtobufCMessageDescriptor *descriptor = message->descriptor;
  size_t base = strlen(path);
  for (unsigned i = 0; i < descriptor->n_fields; i++) {
    const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
    if (field->type != PROTOBUF_C_TYPE_STRING && field->type != PROTOBUF_C_TYPE_MESSAGE)
      continue;
    const char *member = (const char *)message + field->offset;
    snprintf(path + base, path_len - base, "%s", field->name);
    if (field->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)((const char *)message + field->quantifier_offset);
      const void *const *items = *(const void *const *const *)member;
      for (size_t k = 0; k < n; k++) {
        snprintf(path + base, path_len - base, "%s[%zu]", field->name, k);
        if (!check_value(field, &items[k], path, path_len, status))
          return 0;
      }
      continue;
    }
    if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t which = *(const uint32_t *)((const char *)message + field->quantifier_offset);
      if (which != field->id)
        continue;
    }
    if (!check_value(field, member, path, path_len, status))
      return 0;
  }
  path[base] = 0;
  return 1;
}

int qbsync__check_message(const ProtobufCMessage *message, qbsync_status *status)
{
  char path[PATH_MAX_LEN];
  path[0] = 0;
  if (message == NULL)
    return 1;
  return check_fields(message, path, sizeof path, status);
}

static int key_ok(const char *key)
{
  size_t len = strlen(key);
  if (len == 0 || len > 64)
    return 0;
  for (size_t i = 0; i < len; i++) {
    char c = key[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return 0;
  }
  return 1;
}

int qbsync__check_metadata(const qbsync_metadata *metadata, size_t n, qbsync_status *status)
{
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    const char *key = metadata[i].key != NULL ? metadata[i].key : "";
    const char *value = metadata[i].value != NULL ? metadata[i].value : "";
    size_t len = metadata[i].value_len != 0 ? metadata[i].value_len : strlen(value);
    if (!key_ok(key)) {
      if (!qbsync__utf8_valid((const uint8_t *)key, strlen(key)))
        key = "(not UTF-8)";
      qbsync__status_set(status, QBSYNC_INVALID_ARGUMENT,
                         "metadata key \"%s\" must be 1-64 lower-case letters, digits, '-', '_' "
                         "or '.'",
                         key);
      return 0;
    }
    if (memchr(value, 0, len) != NULL) {
      qbsync__status_set(status, QBSYNC_INVALID_ARGUMENT,
                         "metadata \"%s\": value " QBSYNC_NUL_PROBLEM, key);
      return 0;
    }
    if (!qbsync__utf8_valid((const uint8_t *)value, len)) {
      qbsync__status_set(status, QBSYNC_INVALID_ARGUMENT,
                         "metadata \"%s\": value " QBSYNC_UTF8_PROBLEM, key);
      return 0;
    }
    total += strlen(key) + len;
  }
  if (total > QBSYNC_METADATA_LIMIT) {
    qbsync__status_set(status, QBSYNC_RESOURCE_EXHAUSTED,
                       "call metadata of %zu bytes exceeds the limit of %u bytes", total,
                       QBSYNC_METADATA_LIMIT);
    return 0;
  }
  return 1;
}
