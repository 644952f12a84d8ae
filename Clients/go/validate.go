package qbsync

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"qbsync/pb/rpcv1"
)

// Every string on the wire must be valid UTF-8 without NUL (docs/protocol.md
// §4): the server refuses others, naming the field. The client refuses them
// before sending, with the same code and the same field path, so nothing
// leaves the process.

const stringRule = "strings must be UTF-8 without NUL characters"

// stringProblem is "contains a NUL character" or "is not valid UTF-8"; "" if s is fine.
func stringProblem(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return "contains a NUL character"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	return ""
}

// checkRequestStrings returns INVALID_ARGUMENT with a FieldViolation detail
// when a string in m (at any depth) holds a NUL or invalid UTF-8.
func checkRequestStrings(m proto.Message) *Error {
	field, problem := badString(m.ProtoReflect(), "")
	if field == "" {
		return nil
	}
	description := problem + "; " + stringRule
	return &Error{
		Code:    InvalidArgument,
		Message: field + ": " + description,
		Details: []proto.Message{fieldViolation(field, description)},
	}
}

// fieldViolation is a qbsync.v1.FieldViolation{field, description}, decoded
// through the registry like a detail from the server (so it is a
// *qbsyncv1.FieldViolation when that package is linked, as it is with the
// generated client).
func fieldViolation(field, description string) proto.Message {
	var value []byte
	value = protowire.AppendTag(value, 1, protowire.BytesType)
	value = protowire.AppendString(value, field)
	value = protowire.AppendTag(value, 2, protowire.BytesType)
	value = protowire.AppendString(value, description)
	return decodeDetail(&rpcv1.StatusDetail{Type: "qbsync.v1.FieldViolation", Value: value})
}

// badString walks m's fields in declaration order and returns the path of the
// first bad string, as the server names fields: "invoice.lines[2].description".
func badString(m protoreflect.Message, prefix string) (field, problem string) {
	if !m.IsValid() {
		return "", ""
	}
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		name := prefix + string(fd.Name())
		v := m.Get(fd)
		switch {
		case fd.IsList():
			list := v.List()
			for j := 0; j < list.Len(); j++ {
				if f, p := badValue(fd, list.Get(j), name+"["+strconv.Itoa(j)+"]"); f != "" {
					return f, p
				}
			}
		case fd.IsMap():
			var keys []protoreflect.MapKey
			v.Map().Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				keys = append(keys, k)
				return true
			})
			sort.Slice(keys, func(a, b int) bool { return keys[a].String() < keys[b].String() })
			for _, k := range keys {
				path := name + "[" + strconv.Quote(k.String()) + "]"
				if fd.MapKey().Kind() == protoreflect.StringKind {
					if p := stringProblem(k.String()); p != "" {
						return path, p
					}
				}
				if f, p := badValue(fd.MapValue(), v.Map().Get(k), path); f != "" {
					return f, p
				}
			}
		default:
			if f, p := badValue(fd, v, name); f != "" {
				return f, p
			}
		}
	}
	return "", ""
}

func badValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string) (string, string) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		if p := stringProblem(v.String()); p != "" {
			return path, p
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return badString(v.Message(), path+".")
	}
	return "", ""
}

// Metadata is a call's metadata: keys of 1-64 lower-case letters, digits,
// '-', '_' and '.'; values any UTF-8 without NUL.
type Metadata map[string]string

const maxMetadataKey = 64

func metadataKeyProblem(key string) string {
	if key == "" {
		return "is empty"
	}
	if len(key) > maxMetadataKey {
		return "is longer than 64 bytes"
	}
	for i := 0; i < len(key); i++ {
		b := key[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.') {
			return "may contain only lower-case letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}

// metadataEntries checks md and returns its entries sorted by key (so that the
// wire order does not depend on map iteration). Refusals are INVALID_ARGUMENT,
// worded as the server's.
func metadataEntries(md Metadata) ([]*rpcv1.MetadataEntry, *Error) {
	if len(md) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	entries := make([]*rpcv1.MetadataEntry, 0, len(keys))
	for i, k := range keys {
		if p := metadataKeyProblem(k); p != "" {
			return nil, errorf(InvalidArgument, "metadata[%d].key %q %s", i, k, p)
		}
		if p := stringProblem(md[k]); p != "" {
			return nil, errorf(InvalidArgument, "metadata[%d].value (key %q) %s; metadata must be UTF-8 without NUL characters", i, k, p)
		}
		entries = append(entries, &rpcv1.MetadataEntry{Key: k, Value: md[k]})
	}
	return entries, nil
}
