/* Protobuf's JSON mapping (proto3) over protobuf-c descriptors. */
#include "pbjson.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pbjson_json_name(const char *name, char *out)
{
  int upper = 0;
  for (; *name; name++) {
    if (*name == '_') {
      upper = 1;
      continue;
    }
    *out++ = upper && *name >= 'a' && *name <= 'z' ? (char)(*name - 'a' + 'A') : *name;
    upper = 0;
  }
  *out = 0;
}

static size_t element_size(ProtobufCType type)
{
  switch (type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
  case PROTOBUF_C_TYPE_FLOAT:
  case PROTOBUF_C_TYPE_ENUM:
    return 4;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
  case PROTOBUF_C_TYPE_DOUBLE:
    return 8;
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING:
    return sizeof(char *);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  case PROTOBUF_C_TYPE_MESSAGE:
    return sizeof(ProtobufCMessage *);
  }
  return 0;
}

/* ---- base64 ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64_encode(const uint8_t *data, size_t len)
{
  char *out = malloc(4 * ((len + 2) / 3) + 1);
  if (out == NULL)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16;
    if (i + 1 < len)
      v |= (uint32_t)data[i + 1] << 8;
    if (i + 2 < len)
      v |= data[i + 2];
    out[o++] = B64[(v >> 18) & 63];
    out[o++] = B64[(v >> 12) & 63];
    out[o++] = i + 1 < len ? B64[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? B64[v & 63] : '=';
  }
  out[o] = 0;
  return out;
}

static int b64_value(char ch)
{
  if (ch >= 'A' && ch <= 'Z')
    return ch - 'A';
  if (ch >= 'a' && ch <= 'z')
    return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9')
    return ch - '0' + 52;
  if (ch == '+' || ch == '-')
    return 62;
  if (ch == '/' || ch == '_')
    return 63;
  return -1;
}

static int base64_decode(const char *text, size_t len, ProtobufCBinaryData *out)
{
  uint8_t *data = malloc(len * 3 / 4 + 3);
  if (data == NULL)
    return -1;
  size_t n = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '=')
      break;
    int v = b64_value(text[i]);
    if (v < 0) {
      free(data);
      return -1;
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      data[n++] = (uint8_t)(acc >> bits);
    }
  }
  out->data = data;
  out->len = n;
  return 0;
}

/* ---- printing ---- */

static json_t *print_value(const ProtobufCFieldDescriptor *field, const void *p)
{
  char text[32];
  switch (field->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
    return json_integer(*(const int32_t *)p);
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    return json_integer(*(const uint32_t *)p);
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    snprintf(text, sizeof text, "%" PRId64, *(const int64_t *)p);
    return json_string(text);
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    snprintf(text, sizeof text, "%" PRIu64, *(const uint64_t *)p);
    return json_string(text);
  case PROTOBUF_C_TYPE_FLOAT:
  case PROTOBUF_C_TYPE_DOUBLE: {
    double v = field->type == PROTOBUF_C_TYPE_FLOAT ? *(const float *)p : *(const double *)p;
    if (isnan(v))
      return json_string("NaN");
    if (isinf(v))
      return json_string(v > 0 ? "Infinity" : "-Infinity");
    return json_real(v);
  }
  case PROTOBUF_C_TYPE_BOOL:
    return json_boolean(*(const protobuf_c_boolean *)p);
  case PROTOBUF_C_TYPE_ENUM: {
    int v = *(const int *)p;
    const ProtobufCEnumValue *value = protobuf_c_enum_descriptor_get_value(field->descriptor, v);
    return value != NULL ? json_string(value->name) : json_integer(v);
  }
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)p;
    return json_stringn_nocheck(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const ProtobufCBinaryData *b = p;
    char *encoded = base64_encode(b->data, b->len);
    json_t *j = json_string(encoded != NULL ? encoded : "");
    free(encoded);
    return j;
  }
  case PROTOBUF_C_TYPE_MESSAGE: {
    const ProtobufCMessage *sub = *(ProtobufCMessage *const *)p;
    return sub != NULL ? pbjson_print(sub) : json_object();
  }
  }
  return json_null();
}

static int is_default(const ProtobufCFieldDescriptor *field, const void *p)
{
  switch (field->type) {
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)p;
    return s == NULL || s[0] == 0;
  }
  case PROTOBUF_C_TYPE_BYTES:
    return ((const ProtobufCBinaryData *)p)->len == 0;
  case PROTOBUF_C_TYPE_MESSAGE:
    return *(ProtobufCMessage *const *)p == NULL;
  case PROTOBUF_C_TYPE_FLOAT:
    return *(const float *)p == 0;
  case PROTOBUF_C_TYPE_DOUBLE:
    return *(const double *)p == 0;
  case PROTOBUF_C_TYPE_BOOL:
    return !*(const protobuf_c_boolean *)p;
  default: {
    size_t size = element_size(field->type);
    static const uint8_t zero[8];
    return memcmp(p, zero, size) == 0;
  }
  }
}

json_t *pbjson_print(const ProtobufCMessage *message)
{
  json_t *object = json_object();
  const ProtobufCMessageDescriptor *d = message->descriptor;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *field = &d->fields[i];
    const char *base = (const char *)message;
    const void *member = base + field->offset;
    char name[256];
    pbjson_json_name(field->name, name);
    if (field->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)(base + field->quantifier_offset);
      if (n == 0)
        continue;
      const char *items = *(const char *const *)member;
      json_t *array = json_array();
      for (size_t k = 0; k < n; k++)
        json_array_append_new(array, print_value(field, items + k * element_size(field->type)));
      json_object_set_new(object, name, array);
      continue;
    }
    if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      if (*(const uint32_t *)(base + field->quantifier_offset) != field->id)
        continue;
    } else if (field->label == PROTOBUF_C_LABEL_OPTIONAL && field->type != PROTOBUF_C_TYPE_STRING &&
               field->type != PROTOBUF_C_TYPE_MESSAGE) {
      if (!*(const protobuf_c_boolean *)(base + field->quantifier_offset))
        continue;
    } else if (is_default(field, member)) {
      continue;
    }
    json_object_set_new(object, name, print_value(field, member));
  }
  return object;
}

/* ---- parsing ---- */

typedef struct parse_ctx {
  qbsync_status *refusal;
  char *error;
  size_t size;
  int refused;
} parse_ctx;

static int fail(parse_ctx *ctx, const char *path, const char *what)
{
  snprintf(ctx->error, ctx->size, "%s: %s", path[0] ? path : "(message)", what);
  return -1;
}

/* A JSON integer, or a string holding one. */
static int get_integer(json_t *j, int is_signed, int64_t *s, uint64_t *u)
{
  if (json_is_integer(j)) {
    json_int_t v = json_integer_value(j);
    *s = v;
    *u = (uint64_t)v;
    return is_signed || v >= 0 ? 0 : -1;
  }
  if (json_is_real(j)) {
    double v = json_real_value(j);
    if (v != floor(v))
      return -1;
    *s = (int64_t)v;
    *u = (uint64_t)v;
    return is_signed || v >= 0 ? 0 : -1;
  }
  if (!json_is_string(j))
    return -1;
  const char *text = json_string_value(j);
  char *end;
  errno = 0;
  if (is_signed) {
    *s = strtoll(text, &end, 10);
    *u = (uint64_t)*s;
  } else {
    if (text[0] == '-')
      return -1;
    *u = strtoull(text, &end, 10);
    *s = (int64_t)*u;
  }
  return errno != 0 || end == text || *end != 0 ? -1 : 0;
}

static int parse_message_into(ProtobufCMessage *message, json_t *json, char *path, size_t path_size,
                              parse_ctx *ctx);

static int parse_value(const ProtobufCFieldDescriptor *field, json_t *j, void *slot, char *path,
                       size_t path_size, parse_ctx *ctx)
{
  int64_t s;
  uint64_t u;
  switch (field->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
    if (get_integer(j, 1, &s, &u) != 0 || s < INT32_MIN || s > INT32_MAX)
      return fail(ctx, path, "not a 32-bit integer");
    *(int32_t *)slot = (int32_t)s;
    return 0;
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    if (get_integer(j, 0, &s, &u) != 0 || u > UINT32_MAX)
      return fail(ctx, path, "not an unsigned 32-bit integer");
    *(uint32_t *)slot = (uint32_t)u;
    return 0;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    if (get_integer(j, 1, &s, &u) != 0)
      return fail(ctx, path, "not a 64-bit integer");
    *(int64_t *)slot = s;
    return 0;
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    if (get_integer(j, 0, &s, &u) != 0)
      return fail(ctx, path, "not an unsigned 64-bit integer");
    *(uint64_t *)slot = u;
    return 0;
  case PROTOBUF_C_TYPE_FLOAT:
  case PROTOBUF_C_TYPE_DOUBLE: {
    double v;
    if (json_is_number(j))
      v = json_number_value(j);
    else if (json_is_string(j) && strcmp(json_string_value(j), "NaN") == 0)
      v = NAN;
    else if (json_is_string(j) && strcmp(json_string_value(j), "Infinity") == 0)
      v = INFINITY;
    else if (json_is_string(j) && strcmp(json_string_value(j), "-Infinity") == 0)
      v = -INFINITY;
    else if (json_is_string(j)) {
      char *end;
      v = strtod(json_string_value(j), &end);
      if (*end != 0)
        return fail(ctx, path, "not a number");
    } else
      return fail(ctx, path, "not a number");
    if (field->type == PROTOBUF_C_TYPE_FLOAT)
      *(float *)slot = (float)v;
    else
      *(double *)slot = v;
    return 0;
  }
  case PROTOBUF_C_TYPE_BOOL:
    if (!json_is_boolean(j))
      return fail(ctx, path, "not a boolean");
    *(protobuf_c_boolean *)slot = json_is_true(j);
    return 0;
  case PROTOBUF_C_TYPE_ENUM: {
    const ProtobufCEnumDescriptor *e = field->descriptor;
    if (json_is_string(j)) {
      const char *name = json_string_value(j);
      const ProtobufCEnumValue *value = protobuf_c_enum_descriptor_get_value_by_name(e, name);
      /* Also accept a name without the enum's prefix ("SYNCED"). */
      for (unsigned k = 0; value == NULL && k < e->n_values; k++) {
        size_t full = strlen(e->values[k].name), len = strlen(name);
        if (full > len && strcmp(e->values[k].name + full - len, name) == 0 &&
            e->values[k].name[full - len - 1] == '_')
          value = &e->values[k];
      }
      if (value == NULL)
        return fail(ctx, path, "unknown enum value name");
      *(int *)slot = value->value;
      return 0;
    }
    if (get_integer(j, 1, &s, &u) != 0 || s < INT32_MIN || s > INT32_MAX)
      return fail(ctx, path, "not an enum name or number");
    *(int *)slot = (int)s;
    return 0;
  }
  case PROTOBUF_C_TYPE_STRING: {
    if (!json_is_string(j))
      return fail(ctx, path, "not a string");
    const char *text = json_string_value(j);
    size_t len = json_string_length(j);
    /* A C string cannot carry a NUL: refuse as the server would. */
    if (!qbsync_check_string(path, text, len, ctx->refusal)) {
      ctx->refused = 1;
      return fail(ctx, path, "refused by the client");
    }
    char *copy = strdup(text);
    if (copy == NULL)
      return fail(ctx, path, "out of memory");
    *(char **)slot = copy;
    return 0;
  }
  case PROTOBUF_C_TYPE_BYTES:
    if (!json_is_string(j) ||
        base64_decode(json_string_value(j), json_string_length(j), slot) != 0)
      return fail(ctx, path, "not base64");
    return 0;
  case PROTOBUF_C_TYPE_MESSAGE: {
    if (!json_is_object(j))
      return fail(ctx, path, "not an object");
    const ProtobufCMessageDescriptor *d = field->descriptor;
    ProtobufCMessage *sub = malloc(d->sizeof_message);
    if (sub == NULL)
      return fail(ctx, path, "out of memory");
    protobuf_c_message_init(d, sub);
    *(ProtobufCMessage **)slot = sub;
    size_t len = strlen(path);
    if (len + 1 < path_size) {
      path[len] = '.';
      path[len + 1] = 0;
    }
    int r = parse_message_into(sub, j, path, path_size, ctx);
    path[len] = 0;
    return r;
  }
  }
  return fail(ctx, path, "unsupported field type");
}

static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *d,
                                                  const char *key)
{
  char name[256];
  for (unsigned i = 0; i < d->n_fields; i++) {
    if (strcmp(d->fields[i].name, key) == 0)
      return &d->fields[i];
    if (strlen(d->fields[i].name) < sizeof name) {
      pbjson_json_name(d->fields[i].name, name);
      if (strcmp(name, key) == 0)
        return &d->fields[i];
    }
  }
  return NULL;
}

static int parse_message_into(ProtobufCMessage *message, json_t *json, char *path, size_t path_size,
                              parse_ctx *ctx)
{
  if (!json_is_object(json))
    return fail(ctx, path, "not an object");
  const ProtobufCMessageDescriptor *d = message->descriptor;
  size_t base = strlen(path);
  const char *key;
  json_t *value;
  json_object_foreach(json, key, value)
  {
    const ProtobufCFieldDescriptor *field = find_field(d, key);
    path[base] = 0;
    if (field == NULL) {
      snprintf(path + base, path_size - base, "%s", key);
      return fail(ctx, path, "no such field");
    }
    snprintf(path + base, path_size - base, "%s", field->name);
    if (json_is_null(value))
      continue;
    char *m = (char *)message;
    if (field->label == PROTOBUF_C_LABEL_REPEATED) {
      if (!json_is_array(value))
        return fail(ctx, path, "not an array");
      size_t n = json_array_size(value);
      size_t size = element_size(field->type);
      char *items = calloc(n ? n : 1, size);
      if (items == NULL)
        return fail(ctx, path, "out of memory");
      /* Owned by the message at once, so a failure frees what was parsed. */
      *(void **)(m + field->offset) = items;
      size_t *count = (size_t *)(m + field->quantifier_offset);
      *count = 0;
      for (size_t k = 0; k < n; k++) {
        snprintf(path + base, path_size - base, "%s[%zu]", field->name, k);
        int r = parse_value(field, json_array_get(value, k), items + k * size, path, path_size, ctx);
        if (field->type == PROTOBUF_C_TYPE_MESSAGE || field->type == PROTOBUF_C_TYPE_STRING ||
            field->type == PROTOBUF_C_TYPE_BYTES || r == 0)
          *count = k + 1;
        if (r != 0)
          return r;
      }
      continue;
    }
    void *slot = m + field->offset;
    int r = parse_value(field, value, slot, path, path_size, ctx);
    if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
      *(uint32_t *)(m + field->quantifier_offset) = field->id;
    else if (field->label == PROTOBUF_C_LABEL_OPTIONAL && field->type != PROTOBUF_C_TYPE_STRING &&
             field->type != PROTOBUF_C_TYPE_MESSAGE)
      *(protobuf_c_boolean *)(m + field->quantifier_offset) = 1;
    if (r != 0)
      return r;
  }
  path[base] = 0;
  return 0;
}

ProtobufCMessage *pbjson_parse(const ProtobufCMessageDescriptor *descriptor, json_t *json,
                               qbsync_status *refusal, char *error, size_t size)
{
  parse_ctx ctx = {refusal, error, size, 0};
  ProtobufCMessage *message = malloc(descriptor->sizeof_message);
  if (message == NULL) {
    snprintf(error, size, "out of memory");
    return NULL;
  }
  protobuf_c_message_init(descriptor, message);
  char path[512];
  path[0] = 0;
  if (parse_message_into(message, json, path, sizeof path, &ctx) != 0) {
    protobuf_c_message_free_unpacked(message, NULL);
    return NULL;
  }
  return message;
}
