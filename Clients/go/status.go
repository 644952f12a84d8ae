package qbsync

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"qbsync/pb/rpcv1"
)

// Code is a gRPC canonical status code, as carried by Status.code on the wire.
type Code uint32

// The status codes (docs/protocol.md §8).
const (
	OK                 Code = 0
	Canceled           Code = 1
	Unknown            Code = 2
	InvalidArgument    Code = 3
	DeadlineExceeded   Code = 4
	NotFound           Code = 5
	AlreadyExists      Code = 6
	PermissionDenied   Code = 7
	ResourceExhausted  Code = 8
	FailedPrecondition Code = 9
	Aborted            Code = 10
	OutOfRange         Code = 11
	Unimplemented      Code = 12
	Internal           Code = 13
	Unavailable        Code = 14
	DataLoss           Code = 15
	Unauthenticated    Code = 16
)

var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// String returns the code's canonical name, e.g. "INVALID_ARGUMENT"
// ("CODE_17" for a code this client does not know).
func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "CODE_" + strconv.FormatUint(uint64(c), 10)
}

// ParseCode returns the code named name ("NOT_FOUND"); ok is false for an unknown name.
func ParseCode(name string) (code Code, ok bool) {
	for i, n := range codeNames {
		if n == name {
			return Code(i), true
		}
	}
	return Unknown, false
}

// Error is how every failed call ends: the server's Status (code, message,
// typed details), or a failure the client detected itself (a deadline with no
// answer, a broken connection, a request refused before sending). A server
// that refuses or ends the connection with a GoAway gives an Error whose
// GoAway field holds that frame.
//
// Use errors.As(err, &e) with e *Error, or CodeOf(err).
type Error struct {
	// Code is the gRPC status code.
	Code Code
	// Message is the human-readable explanation.
	Message string
	// Details are the status's typed attachments (StatusDetail{type, value}),
	// decoded by type name through protoregistry: e.g. a *qbsyncv1.FieldViolation
	// or *qbsyncv1.StreamResumePoint. A detail whose type is not linked into
	// the program (or does not decode) stays a *rpcv1.StatusDetail.
	Details []proto.Message
	// GoAway is set when the error stands for the server's GoAway (a refused
	// handshake such as PERMISSION_DENIED or VERSION_MISMATCH, or a connection
	// the server ended); nil otherwise.
	GoAway *rpcv1.GoAway

	cause error
}

// Error formats the error as "CODE: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code.String())
	if e.GoAway != nil {
		fmt.Fprintf(&b, " (server GoAway %s)", goAwayReasonName(e.GoAway.Reason))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the underlying cause, when there is one: context.Canceled or
// context.DeadlineExceeded for calls ended by their context, a socket error
// for a broken connection.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error with the same code (so
// errors.Is(err, &qbsync.Error{Code: qbsync.NotFound}) works).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == "" && t.Details == nil && t.GoAway == nil
}

// Detail finds the first detail with dst's message type and copies it into
// dst; false when the status has no such detail.
//
//	var violation qbsyncv1.FieldViolation
//	if e.Detail(&violation) { fmt.Println(violation.Field) }
func (e *Error) Detail(dst proto.Message) bool {
	want := dst.ProtoReflect().Descriptor().FullName()
	for _, d := range e.Details {
		if d.ProtoReflect().Descriptor().FullName() == want {
			proto.Reset(dst)
			proto.Merge(dst, d)
			return true
		}
	}
	return false
}

// RawDetails returns the details as sent: (type name, encoded value) pairs.
func (e *Error) RawDetails() []*rpcv1.StatusDetail {
	out := make([]*rpcv1.StatusDetail, 0, len(e.Details))
	for _, d := range e.Details {
		if raw, ok := d.(*rpcv1.StatusDetail); ok {
			out = append(out, raw)
			continue
		}
		value, _ := proto.MarshalOptions{Deterministic: true}.Marshal(d)
		out = append(out, &rpcv1.StatusDetail{Type: string(d.ProtoReflect().Descriptor().FullName()), Value: value})
	}
	return out
}

// DetailOf returns the first detail of type T in err (which must be or wrap an
// *Error): qbsync.DetailOf[*qbsyncv1.FieldViolation](err).
func DetailOf[T proto.Message](err error) (T, bool) {
	var zero T
	var e *Error
	if !errors.As(err, &e) {
		return zero, false
	}
	want := zero.ProtoReflect().Descriptor().FullName()
	for _, d := range e.Details {
		if t, ok := d.(T); ok && d.ProtoReflect().Descriptor().FullName() == want {
			return t, true
		}
	}
	return zero, false
}

// CodeOf returns err's status code: OK for nil, the Code of an *Error,
// Canceled / DeadlineExceeded for bare context errors, Unknown otherwise.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	}
	return Unknown
}

// newError builds a client-side error.
func newError(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// statusError is the error of a non-OK Status frame.
func statusError(s *rpcv1.Status) *Error {
	return &Error{Code: Code(s.Code), Message: s.Message, Details: decodeDetails(s.Details)}
}

// decodeDetails decodes each StatusDetail by its type name via protoregistry.
func decodeDetails(raw []*rpcv1.StatusDetail) []proto.Message {
	if len(raw) == 0 {
		return nil
	}
	out := make([]proto.Message, 0, len(raw))
	for _, d := range raw {
		out = append(out, decodeDetail(d))
	}
	return out
}

func decodeDetail(d *rpcv1.StatusDetail) proto.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(d.Type))
	if err != nil {
		return d
	}
	m := mt.New().Interface()
	if err := proto.Unmarshal(d.Value, m); err != nil {
		return d
	}
	return m
}

// goAwayError is the error a GoAway stands for, carrying the server's message.
func goAwayError(g *rpcv1.GoAway) *Error {
	code := Code(g.Code)
	if code == OK {
		code = Unavailable
	}
	message := g.Message
	if message == "" {
		message = "the server closed the connection (" + goAwayReasonName(g.Reason) + ")"
	}
	return &Error{Code: code, Message: message, GoAway: proto.Clone(g).(*rpcv1.GoAway)}
}

// goAwayReasonName is the reason's short name: "SHUTDOWN", "PERMISSION_DENIED", ...
func goAwayReasonName(r rpcv1.GoAwayReason) string {
	name, ok := rpcv1.GoAwayReason_name[int32(r)]
	if !ok {
		return "REASON_" + strconv.Itoa(int(r))
	}
	return strings.TrimPrefix(name, "GO_AWAY_REASON_")
}

// contextError is the error of a call whose context ended first.
func contextError(ctx context.Context, method string) *Error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: DeadlineExceeded, Message: method + ": deadline exceeded", cause: err}
	}
	return &Error{Code: Canceled, Message: method + ": call cancelled", cause: err}
}
