package qbsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"qbsync/pb/rpcv1"
)

// maxControlFrame is the server's limit on a frame that carries no message
// (docs/protocol.md §6): an open over it would end the whole connection.
const maxControlFrame = 64 * 1024

// conn is one handshaken socket and the calls running on it. Two goroutines
// serve it: the reader routes inbound frames to their calls, the writer sends
// what the calls queue (batched into as few writes as possible). Stream ids
// are taken and their frames queued under one lock, so they reach the socket
// in strictly increasing order however many goroutines call at once.
type conn struct {
	nc          net.Conn
	serverHello *rpcv1.Hello
	sendLimit   int

	mu       sync.Mutex
	calls    map[uint32]*call
	nextID   uint32
	pings    map[uint64]chan *Error
	nextPing uint64
	refusal  *Error      // set once no new call may start here
	refused  atomic.Bool // refusal != nil, readable without the lock

	wmu    sync.Mutex
	wbuf   []byte
	wstop  bool
	wsig   chan struct{}
	closed chan struct{} // closed when the writer has closed the socket

	onShut func(*conn)
}

// notSent wraps the refusal of a connection that could not take a call:
// nothing was sent, so the client may retry on a new connection.
type notSent struct{ err *Error }

func (n notSent) Error() string { return n.err.Error() }

// dial connects to path and exchanges Hellos (docs/protocol.md §3).
func dial(ctx context.Context, path string, o *clientOptions, onShut func(*conn)) (*conn, error) {
	deadline := time.Now().Add(o.connectTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := net.Dialer{Deadline: deadline}
	nc, err := dialer.DialContext(ctx, "unix", path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, contextError(ctx, "connect")
		}
		return nil, &Error{Code: Unavailable, Message: fmt.Sprintf("cannot connect to %s: %v", path, err), cause: err}
	}
	_ = nc.SetDeadline(deadline)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() { // a cancelled context interrupts the handshake
		defer close(stopped)
		select {
		case <-ctx.Done():
			_ = nc.SetDeadline(time.Unix(1, 0))
		case <-stop:
		}
	}()
	endWatch := func() { close(stop); <-stopped }

	hello, err := appendFrame(nil, &rpcv1.Frame{Kind: &rpcv1.Frame_Hello{Hello: &rpcv1.Hello{
		ProtocolVersion: o.protocolVersion,
		MaxFrameSize:    o.maxFrameSize,
		Agent:           o.agent,
	}}})
	if err != nil {
		endWatch()
		nc.Close()
		return nil, errorf(InvalidArgument, "cannot encode the Hello: %v", err)
	}
	_, writeErr := nc.Write(hello)
	// Even when the write failed, the server may have said why (a GoAway
	// sent at accept, e.g. PERMISSION_DENIED): read it before giving up.
	reader := newFrameReader(nc, o.maxFrameSize)
	serverHello, err := awaitHello(nc, reader)
	endWatch() // after this, clearing the deadline below cannot be undone by the watcher
	if err != nil {
		nc.Close()
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		if ctx.Err() != nil {
			return nil, contextError(ctx, "connect")
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, &Error{Code: Unavailable, Message: fmt.Sprintf("no Hello from %s within %v", path, o.connectTimeout), cause: err}
		}
		if writeErr != nil {
			err = writeErr
		}
		if errors.Is(err, io.EOF) {
			return nil, &Error{Code: Unavailable, Message: "the server closed the connection during the handshake", cause: err}
		}
		return nil, &Error{Code: Unavailable, Message: fmt.Sprintf("cannot connect to %s: %v", path, err), cause: err}
	}
	_ = nc.SetDeadline(time.Time{})

	c := &conn{
		nc:          nc,
		serverHello: serverHello,
		sendLimit:   effectiveLimit(serverHello.MaxFrameSize),
		calls:       make(map[uint32]*call),
		nextID:      1,
		pings:       make(map[uint64]chan *Error),
		nextPing:    1,
		wsig:        make(chan struct{}, 1),
		closed:      make(chan struct{}),
		onShut:      onShut,
	}
	go c.readLoop(reader)
	go c.writeLoop()
	return c, nil
}

func awaitHello(nc net.Conn, reader *frameReader) (*rpcv1.Hello, error) {
	for {
		frame, err := reader.read()
		if err != nil {
			var tooLarge errFrameTooLarge
			var proto errProtocol
			if errors.As(err, &tooLarge) || errors.As(err, &proto) {
				return nil, &Error{Code: Internal, Message: err.Error(), cause: err}
			}
			return nil, err
		}
		switch k := frame.Kind.(type) {
		case *rpcv1.Frame_Goaway:
			return nil, goAwayError(k.Goaway)
		case *rpcv1.Frame_Ping:
			pong, _ := appendFrame(nil, &rpcv1.Frame{Kind: &rpcv1.Frame_Pong{Pong: k.Ping}})
			_, _ = nc.Write(pong)
		case *rpcv1.Frame_Hello:
			if frame.StreamId != 0 {
				return nil, errorf(Internal, "the server sent its Hello on stream %d", frame.StreamId)
			}
			if k.Hello.ProtocolVersion != ProtocolVersion {
				return nil, errorf(FailedPrecondition, "the server speaks protocol version %d; this client speaks %d", k.Hello.ProtocolVersion, ProtocolVersion)
			}
			return k.Hello, nil
		default:
			return nil, errorf(Internal, "the server answered the Hello with a %s frame on stream %d", kindName(frame), frame.StreamId)
		}
	}
}

func kindName(f *rpcv1.Frame) string {
	if f.Kind == nil {
		return "empty"
	}
	return string(f.ProtoReflect().WhichOneof(f.ProtoReflect().Descriptor().Oneofs().ByName("kind")).Name())
}

// usable is false once the connection refuses new calls; the client then dials anew.
func (c *conn) usable() bool { return !c.refused.Load() }

// open starts a call: its open and message frames are queued in one batch.
// The error is a notSent when the connection was no longer usable.
func (c *conn) open(open, message encodedFrame) (*call, error) {
	c.mu.Lock()
	if c.refusal != nil {
		err := c.refusal
		c.mu.Unlock()
		return nil, notSent{err}
	}
	id := c.nextID
	if id == math.MaxUint32 {
		c.refuse(errorf(Unavailable, "stream ids exhausted on this connection"))
		err := c.refusal
		c.mu.Unlock()
		return nil, notSent{err}
	}
	if size := open.bodySize(id); size > maxControlFrame || size > c.sendLimit {
		c.mu.Unlock()
		return nil, errorf(ResourceExhausted, "call not sent: its open frame is %d bytes, above the server's limit of %d bytes (metadata too large?)", size, minInt(maxControlFrame, c.sendLimit))
	}
	if size := message.bodySize(id); size > c.sendLimit {
		c.mu.Unlock()
		return nil, errorf(ResourceExhausted, "request not sent: its frame is %d bytes, above the server's limit of %d bytes", size, c.sendLimit)
	}
	c.nextID = id + 1
	cl := newCall(id)
	c.calls[id] = cl
	c.wmu.Lock()
	c.wbuf = open.appendTo(c.wbuf, id)
	c.wbuf = message.appendTo(c.wbuf, id)
	c.wmu.Unlock()
	c.mu.Unlock()
	c.kick()
	return cl, nil
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// refuse marks the connection as taking no new calls; c.mu is held.
func (c *conn) refuse(err *Error) {
	if c.refusal == nil {
		c.refusal = err
		c.refused.Store(true)
	}
}

// cancel ends a call locally with err and tells the server to stop it.
func (c *conn) cancel(cl *call, reason string, err *Error) {
	c.mu.Lock()
	registered := c.calls[cl.id] == cl
	if registered {
		delete(c.calls, cl.id)
	}
	c.mu.Unlock()
	if cl.finish(err) && registered {
		c.send(&rpcv1.Frame{StreamId: cl.id, Kind: &rpcv1.Frame_Cancel{Cancel: &rpcv1.Cancel{Reason: reason}}})
	}
}

// grant lets the server send n more responses on a stream.
func (c *conn) grant(cl *call, n int) {
	if n > 0 && !cl.isDone() {
		c.send(&rpcv1.Frame{StreamId: cl.id, Kind: &rpcv1.Frame_WindowUpdate{WindowUpdate: &rpcv1.WindowUpdate{Messages: uint32(n)}}})
	}
}

// ping sends a ping and waits for its pong.
func (c *conn) ping(ctx context.Context) (time.Duration, error) {
	done := make(chan *Error, 1)
	c.mu.Lock()
	if c.refusal != nil {
		err := c.refusal
		c.mu.Unlock()
		return 0, notSent{err}
	}
	opaque := c.nextPing
	c.nextPing++
	c.pings[opaque] = done
	c.mu.Unlock()
	started := time.Now()
	c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Ping{Ping: &rpcv1.Ping{Opaque: opaque}}})
	select {
	case err := <-done:
		if err != nil {
			return 0, err
		}
		return time.Since(started), nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pings, opaque)
		c.mu.Unlock()
		return 0, contextError(ctx, "ping")
	}
}

// send queues one frame (any stream) for the writer.
func (c *conn) send(f *rpcv1.Frame) {
	c.wmu.Lock()
	if c.wstop {
		c.wmu.Unlock()
		return
	}
	var err error
	c.wbuf, err = appendFrame(c.wbuf, f)
	c.wmu.Unlock()
	if err == nil {
		c.kick()
	}
}

func (c *conn) kick() {
	select {
	case c.wsig <- struct{}{}:
	default:
	}
}

// shut refuses new calls, ends the open ones and pending pings with outcome,
// and has the writer flush what is queued (cancels) and close the socket.
func (c *conn) shut(outcome *Error) {
	c.mu.Lock()
	c.refuse(outcome)
	calls := c.calls
	c.calls = make(map[uint32]*call)
	pings := c.pings
	c.pings = make(map[uint64]chan *Error)
	c.mu.Unlock()
	for _, cl := range calls {
		cl.finish(outcome)
	}
	for _, done := range pings {
		done <- &Error{Code: outcome.Code, Message: "no pong: " + outcome.Message}
	}
	c.wmu.Lock()
	first := !c.wstop
	c.wstop = true
	c.wmu.Unlock()
	if first {
		_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second)) // a peer that does not read cannot hold us
		c.kick()
		if c.onShut != nil {
			c.onShut(c)
		}
	}
}

func (c *conn) writeLoop() {
	var spare []byte
	defer func() {
		c.nc.Close() // wakes the reader if it still waits
		close(c.closed)
	}()
	for range c.wsig {
		c.wmu.Lock()
		buf, stop := c.wbuf, c.wstop
		c.wbuf = spare[:0]
		c.wmu.Unlock()
		if len(buf) > 0 {
			if _, err := c.nc.Write(buf); err != nil {
				c.shut(&Error{Code: Unavailable, Message: "connection to the server was lost: " + err.Error(), cause: err})
				return
			}
		}
		if cap(buf) <= 1<<20 {
			spare = buf
		}
		if stop {
			return
		}
	}
}

func (c *conn) readLoop(reader *frameReader) {
	for {
		frame, err := reader.read()
		if err != nil {
			c.shut(readFailure(err))
			return
		}
		if !c.dispatch(frame) {
			return
		}
	}
}

func readFailure(err error) *Error {
	var tooLarge errFrameTooLarge
	var proto errProtocol
	switch {
	case errors.As(err, &tooLarge), errors.As(err, &proto):
		return &Error{Code: Internal, Message: err.Error(), cause: err}
	case errors.Is(err, io.EOF):
		return &Error{Code: Unavailable, Message: "connection to the server was lost (closed by the server)", cause: err}
	}
	return &Error{Code: Unavailable, Message: "connection to the server was lost: " + err.Error(), cause: err}
}

// dispatch routes one inbound frame; false when the connection is over.
func (c *conn) dispatch(f *rpcv1.Frame) bool {
	switch k := f.Kind.(type) {
	case *rpcv1.Frame_Message:
		c.mu.Lock()
		cl := c.calls[f.StreamId]
		c.mu.Unlock()
		if cl != nil {
			cl.deliver(k.Message.Payload)
		}
	case *rpcv1.Frame_Status:
		c.mu.Lock()
		cl := c.calls[f.StreamId]
		delete(c.calls, f.StreamId)
		c.mu.Unlock()
		if cl != nil {
			var err *Error
			if k.Status.Code != 0 {
				err = statusError(k.Status)
			}
			cl.finish(err)
		}
	case *rpcv1.Frame_Ping:
		c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Pong{Pong: k.Ping}})
	case *rpcv1.Frame_Pong:
		c.mu.Lock()
		done := c.pings[k.Pong.Opaque]
		delete(c.pings, k.Pong.Opaque)
		c.mu.Unlock()
		if done != nil {
			done <- nil
		}
	case *rpcv1.Frame_Goaway:
		return c.receivedGoAway(k.Goaway)
	default:
		c.shut(errorf(Internal, "the server broke the protocol: it sent a %s frame on stream %d", kindName(f), f.StreamId))
		return false
	}
	return true
}

func (c *conn) receivedGoAway(g *rpcv1.GoAway) bool {
	if g.Reason != rpcv1.GoAwayReason_GO_AWAY_REASON_SHUTDOWN {
		c.shut(goAwayError(g))
		return false
	}
	// Graceful: calls up to last_stream_id finish here; later ones were never
	// processed, so they fail UNAVAILABLE and may be retried elsewhere.
	c.mu.Lock()
	c.refuse(&Error{Code: Unavailable, Message: "the server is shutting down: " + g.Message, GoAway: g})
	var unprocessed []*call
	for id, cl := range c.calls {
		if id > g.LastStreamId {
			unprocessed = append(unprocessed, cl)
			delete(c.calls, id)
		}
	}
	c.mu.Unlock()
	for _, cl := range unprocessed {
		cl.finish(&Error{
			Code: Unavailable,
			Message: fmt.Sprintf("not processed: the server is shutting down (stream %d > last accepted %d); safe to retry",
				cl.id, g.LastStreamId),
			GoAway: g,
		})
	}
	return true
}
