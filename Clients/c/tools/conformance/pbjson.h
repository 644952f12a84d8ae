/* Protobuf's JSON mapping for protobuf-c messages, driven by descriptors
 * (conformance runner only; not part of the library). */
#ifndef QBSYNC_PBJSON_H
#define QBSYNC_PBJSON_H

#include <jansson.h>
#include <qbsync/qbsync.h>

/* The message in the proto3 JSON mapping: lowerCamelCase names, enums by
 * name, 64-bit integers as strings, bytes as base64, defaults omitted. */
json_t *pbjson_print(const ProtobufCMessage *message);

/* Parses JSON into a new message of type descriptor (free it with
 * protobuf_c_message_free_unpacked(msg, NULL)). Accepts lowerCamelCase and
 * original field names, enum names or numbers, integers as numbers or
 * strings. Returns NULL on failure: when a string is one the server would
 * refuse (a NUL, invalid UTF-8), *refusal (if not NULL) holds the client's
 * INVALID_ARGUMENT status from qbsync_check_string(); otherwise error (size
 * bytes) says what is wrong with the JSON. */
ProtobufCMessage *pbjson_parse(const ProtobufCMessageDescriptor *descriptor, json_t *json,
                               qbsync_status *refusal, char *error, size_t size);

/* snake_case -> lowerCamelCase (protoc's ToJsonName). out must hold strlen(name)+1. */
void pbjson_json_name(const char *name, char *out);

#endif
