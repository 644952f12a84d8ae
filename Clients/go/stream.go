package qbsync

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
)

// RawStream is the responses of one server-streaming call, undecoded. Most
// code uses the typed Stream the generated methods return.
//
// Recv is for one goroutine at a time; Close may be called from any
// goroutine, any number of times.
type RawStream struct {
	conn       *conn
	call       *call
	method     string
	grantEvery int
	consumed   int

	closeOnce sync.Once
	closed    chan struct{}
	timer     *time.Timer
}

func newRawStream(ctx context.Context, cn *conn, cl *call, method string, window int, deadline time.Time) *RawStream {
	s := &RawStream{conn: cn, call: cl, method: method, grantEvery: window / 2, closed: make(chan struct{})}
	if s.grantEvery < 1 {
		s.grantEvery = 1
	}
	// The closures below hold the call, not s, so that a stream dropped
	// without Close is still collected (and its finalizer cancels the call).
	if !deadline.IsZero() {
		s.timer = time.AfterFunc(time.Until(deadline)+LocalDeadlineGrace, func() {
			cn.cancel(cl, "deadline exceeded", &Error{
				Code: DeadlineExceeded, Message: method + ": deadline exceeded (no answer from the server)", cause: context.DeadlineExceeded,
			})
		})
	}
	if done := ctx.Done(); done != nil {
		hasDeadline := !deadline.IsZero()
		go func() {
			select {
			case <-done:
				if errors.Is(ctx.Err(), context.DeadlineExceeded) && hasDeadline {
					return // the server ends the call DEADLINE_EXCEEDED; the timer bounds the wait
				}
				cn.cancel(cl, "cancelled by the caller", contextError(ctx, method))
			case <-cl.finished:
			}
		}()
	}
	runtime.SetFinalizer(s, func(s *RawStream) {
		go s.conn.cancel(s.call, "the stream was dropped without Close", newError(Canceled, "stream dropped"))
	})
	return s
}

// StreamID is the call's stream id on its connection.
func (s *RawStream) StreamID() uint32 { return s.call.id }

// Recv returns the next response's encoded bytes. It returns io.EOF when the
// server ended the call OK, an *Error when it ended otherwise (the server's
// status, a deadline, a cancellation or a lost connection). Responses that
// arrived before the end are returned first.
func (s *RawStream) Recv() ([]byte, error) {
	for {
		select {
		case <-s.closed:
			return nil, newError(Canceled, s.method+": the stream was closed")
		default:
		}
		payload, end, err, ok := s.call.next()
		if ok {
			if end {
				s.stopTimer()
				if err != nil {
					return nil, err
				}
				return nil, io.EOF
			}
			s.consumed++
			if s.consumed >= s.grantEvery {
				s.conn.grant(s.call, s.consumed)
				s.consumed = 0
			}
			return payload, nil
		}
		select {
		case <-s.call.signal:
		case <-s.closed:
		}
	}
}

// Close stops the stream: if the call is still open it is cancelled on the
// server (the connection and other calls are unaffected). Later Recv calls
// return CANCELLED. Always Close a stream you stop reading (defer it).
func (s *RawStream) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.stopTimer()
		runtime.SetFinalizer(s, nil)
		s.conn.cancel(s.call, "closed by the caller", newError(Canceled, s.method+": call cancelled"))
	})
	return nil
}

func (s *RawStream) stopTimer() {
	if s.timer != nil {
		s.timer.Stop()
	}
}

// Stream is the typed responses of one server-streaming call, as returned by
// the generated methods (e.g. QuickBooksSyncClient.StreamSyncEvents):
//
//	stream, err := svc.StreamSyncEvents(ctx, req)
//	if err != nil { ... }
//	defer stream.Close()
//	for {
//		msg, err := stream.Recv()
//		if err == io.EOF { break }   // ended OK
//		if err != nil { ... }        // an *Error
//		...
//	}
type Stream[T proto.Message] struct {
	raw  *RawStream
	newT func() T
}

// OpenStream opens a server-streaming call whose responses are Ts; the
// generated methods use it.
func OpenStream[T proto.Message](ctx context.Context, c *Client, method string, req proto.Message, newT func() T, opts ...CallOption) (*Stream[T], error) {
	raw, err := c.NewStream(ctx, method, req, opts...)
	if err != nil {
		return nil, err
	}
	return &Stream[T]{raw: raw, newT: newT}, nil
}

// Recv returns the next response; io.EOF when the server ended the call OK,
// an *Error otherwise. The server may send more as they are consumed
// (flow-control credit is granted as Recv takes them).
func (s *Stream[T]) Recv() (T, error) {
	payload, err := s.raw.Recv()
	if err != nil {
		var zero T
		return zero, err
	}
	m := s.newT()
	if err := proto.Unmarshal(payload, m); err != nil {
		failure := &Error{Code: Internal, Message: s.raw.method + ": undecodable response: " + err.Error(), cause: err}
		s.raw.conn.cancel(s.raw.call, "undecodable response", failure)
		var zero T
		return zero, failure
	}
	return m, nil
}

// Close cancels the call if it is still open; see RawStream.Close.
func (s *Stream[T]) Close() error { return s.raw.Close() }

// StreamID is the call's stream id on its connection.
func (s *Stream[T]) StreamID() uint32 { return s.raw.StreamID() }

// Raw returns the untyped stream.
func (s *Stream[T]) Raw() *RawStream { return s.raw }
