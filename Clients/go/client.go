// Package qbsync is the Go client transport of qbsync, the QuickBooks Online
// sync service: length-prefixed protobuf frames over a Unix domain socket
// (docs/protocol.md), many calls multiplexed on one connection.
//
// The typed API is generated: package qbsync/pb/v1 (qbsyncv1) holds the
// messages and QuickBooksSyncClient, one method per RPC:
//
//	client := qbsync.New("/tmp/qbsync/qbsync.sock")
//	defer client.Close()
//	svc := qbsyncv1.NewQuickBooksSyncClient(client)
//	health, err := svc.GetHealth(ctx, &qbsyncv1.GetHealthRequest{CompanyId: "demo"})
//
// Failed calls return an *Error (Code, Message, Details).
package qbsync

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"qbsync/pb/rpcv1"
)

// Agent is what this client announces in its Hello.
const Agent = "qbsync-go-client/0.1.0"

// LocalDeadlineGrace is how much longer than a call's deadline the client
// waits for the server's own DEADLINE_EXCEEDED before giving up by itself
// (and sending Cancel): the server's answer carries its message, so it wins
// whenever the server is alive.
const LocalDeadlineGrace = 100 * time.Millisecond

// Client is a client of the qbsync service on a Unix domain socket.
//
// One connection carries every call, from any number of goroutines. It is
// opened by the first call (or Connect); after the server goes away or the
// socket breaks, calls in flight fail UNAVAILABLE and the next call opens a
// new connection. Close the client when done.
type Client struct {
	socketPath string
	opts       clientOptions

	cur     atomic.Pointer[conn]
	dialing chan struct{} // a one-slot lock around dialing that honours contexts

	mu     sync.Mutex
	closed bool
	live   map[*conn]struct{} // connections not yet shut (the current one and draining ones)
}

// New returns a client of the server at socketPath; nothing is connected
// until the first call (or Connect).
func New(socketPath string, opts ...Option) *Client {
	o := defaultClientOptions()
	for _, opt := range opts {
		opt(&o)
	}
	return &Client{socketPath: socketPath, opts: o, dialing: make(chan struct{}, 1), live: make(map[*conn]struct{})}
}

// Dial returns a client connected to the server at socketPath (New, then Connect).
func Dial(ctx context.Context, socketPath string, opts ...Option) (*Client, error) {
	c := New(socketPath, opts...)
	if _, err := c.Connect(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// SocketPath is the server's socket this client connects to.
func (c *Client) SocketPath() string { return c.socketPath }

// Connect connects now if not connected and returns the server's Hello. A
// server that refuses the handshake gives an *Error with its GoAway (e.g.
// PERMISSION_DENIED, VERSION_MISMATCH) and the server's message.
func (c *Client) Connect(ctx context.Context) (*rpcv1.Hello, error) {
	cn, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	return proto.Clone(cn.serverHello).(*rpcv1.Hello), nil
}

func (c *Client) current(ctx context.Context) (*conn, error) {
	if cn := c.cur.Load(); cn != nil && cn.usable() {
		return cn, nil
	}
	select {
	case c.dialing <- struct{}{}:
	case <-ctx.Done():
		return nil, contextError(ctx, "connect")
	}
	defer func() { <-c.dialing }()
	if cn := c.cur.Load(); cn != nil && cn.usable() {
		return cn, nil
	}
	if c.isClosed() {
		return nil, newError(Unavailable, "the client is closed")
	}
	cn, err := dial(ctx, c.socketPath, &c.opts, c.forget)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cn.shut(newError(Unavailable, "the client is closed"))
		return nil, newError(Unavailable, "the client is closed")
	}
	c.live[cn] = struct{}{}
	c.mu.Unlock()
	c.cur.Store(cn)
	return cn, nil
}

func (c *Client) forget(cn *conn) {
	c.mu.Lock()
	delete(c.live, cn)
	c.mu.Unlock()
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Close closes the connection(s): open calls end CANCELLED and later calls
// fail UNAVAILABLE. It does not wait for the server.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	conns := make([]*conn, 0, len(c.live))
	for cn := range c.live {
		conns = append(conns, cn)
	}
	c.mu.Unlock()
	for _, cn := range conns {
		cn.shut(newError(Canceled, "the client was closed"))
	}
	return nil
}

// Ping sends a ping on the connection (connecting first if needed) and
// returns the round trip.
func (c *Client) Ping(ctx context.Context) (time.Duration, error) {
	for attempt := 0; ; attempt++ {
		cn, err := c.current(ctx)
		if err != nil {
			return 0, err
		}
		rtt, err := cn.ping(ctx)
		var ns notSent
		if errors.As(err, &ns) {
			if attempt == 0 {
				continue
			}
			return 0, ns.err
		}
		return rtt, err
	}
}

// MethodDesc describes one RPC, for calling by name; the generated package
// lists them (qbsyncv1.QuickBooksSync_Methods).
type MethodDesc struct {
	Name            string // "GetHealth"
	Path            string // "/qbsync.v1.QuickBooksSync/GetHealth"
	ServerStreaming bool
	NewRequest      func() proto.Message
	NewResponse     func() proto.Message
}

// callSetup is what every call needs before it is sent.
type callSetup struct {
	open, message encodedFrame
	deadline      time.Time // zero: none
}

func (c *Client) prepare(ctx context.Context, method string, req proto.Message, o *callOptions, defaultTimeout time.Duration, window uint32) (*callSetup, error) {
	if err := ctx.Err(); err != nil {
		return nil, contextError(ctx, method)
	}
	if p := stringProblem(method); p != "" {
		return nil, errorf(Unimplemented, "the method path %s; no such method", p)
	}
	if req == nil {
		return nil, errorf(InvalidArgument, "%s: nil request", method)
	}
	if err := checkRequestStrings(req); err != nil {
		return nil, err
	}
	entries, merr := metadataEntries(o.metadata)
	if merr != nil {
		return nil, merr
	}
	payload, err := proto.MarshalOptions{}.Marshal(req)
	if err != nil {
		return nil, &Error{Code: InvalidArgument, Message: method + ": cannot encode the request: " + err.Error(), cause: err}
	}

	timeout := defaultTimeout
	if o.timeoutSet {
		timeout = o.timeout
	}
	if timeout < 0 {
		return nil, errorf(DeadlineExceeded, "%s: deadline exceeded before the call started", method)
	}
	deadline, has := ctx.Deadline()
	var left time.Duration
	if has {
		left = time.Until(deadline)
	}
	if timeout > 0 && (!has || timeout < left) {
		left, has = timeout, true
		deadline = time.Now().Add(timeout)
	}
	var micros uint64
	if has {
		if left <= 0 {
			return nil, &Error{Code: DeadlineExceeded, Message: method + ": deadline exceeded before the call started", cause: context.DeadlineExceeded}
		}
		micros = uint64((left + time.Microsecond - 1) / time.Microsecond)
	} else {
		deadline = time.Time{}
	}

	s := &callSetup{deadline: deadline}
	s.open, err = encodeFrame(&rpcv1.Frame{Kind: &rpcv1.Frame_Open{Open: &rpcv1.OpenCall{
		Method: method, TimeoutMicros: micros, Metadata: entries, InitialWindow: window,
	}}})
	if err != nil {
		return nil, &Error{Code: InvalidArgument, Message: method + ": cannot encode the open frame: " + err.Error(), cause: err}
	}
	s.message, err = encodeFrame(&rpcv1.Frame{Kind: &rpcv1.Frame_Message{Message: &rpcv1.Message{Payload: payload, EndOfStream: true}}})
	if err != nil {
		return nil, &Error{Code: InvalidArgument, Message: method + ": cannot encode the request frame: " + err.Error(), cause: err}
	}
	return s, nil
}

// start opens the call on the current connection; when that connection had
// just become unusable (nothing was sent), once more on a new one.
func (c *Client) start(ctx context.Context, s *callSetup) (*conn, *call, error) {
	for attempt := 0; ; attempt++ {
		cn, err := c.current(ctx)
		if err != nil {
			return nil, nil, err
		}
		cl, err := cn.open(s.open, s.message)
		var ns notSent
		if errors.As(err, &ns) {
			if attempt == 0 {
				continue
			}
			return nil, nil, ns.err
		}
		if err != nil {
			return nil, nil, err
		}
		return cn, cl, nil
	}
}

// Invoke calls any unary method by path ("/qbsync.v1.QuickBooksSync/GetHealth"),
// decoding the response into resp; the generated methods use it. It returns
// nil or an *Error.
//
// The deadline is the earliest of ctx's and the call's timeout (CallTimeout,
// else the client's default, WithDefaultTimeout). It goes to the server as
// OpenCall.timeout_micros; the client gives up by itself LocalDeadlineGrace
// later, sending Cancel. Cancelling ctx cancels the call on the server.
func (c *Client) Invoke(ctx context.Context, method string, req, resp proto.Message, opts ...CallOption) error {
	o := collectCallOptions(opts)
	s, err := c.prepare(ctx, method, req, &o, c.opts.timeout, 1)
	if err != nil {
		return err
	}
	cn, cl, err := c.start(ctx, s)
	if err != nil {
		return err
	}

	var expired <-chan time.Time
	if !s.deadline.IsZero() {
		timer := time.NewTimer(time.Until(s.deadline) + LocalDeadlineGrace)
		defer timer.Stop()
		expired = timer.C
	}
	done := ctx.Done()
wait:
	for {
		select {
		case <-cl.finished:
			break wait
		case <-expired:
			cn.cancel(cl, "deadline exceeded", &Error{
				Code:    DeadlineExceeded,
				Message: method + ": deadline exceeded (no answer from the server)",
				cause:   context.DeadlineExceeded,
			})
			break wait
		case <-done:
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && expired != nil {
				done = nil // the server's DEADLINE_EXCEEDED should come; the timer bounds the wait
				continue
			}
			cn.cancel(cl, "cancelled by the caller", contextError(ctx, method))
			break wait
		}
	}
	payload, ferr := cl.unaryResult(method)
	if ferr != nil {
		return ferr
	}
	if resp == nil {
		return nil
	}
	if err := proto.Unmarshal(payload, resp); err != nil {
		return &Error{Code: Internal, Message: method + ": undecodable response: " + err.Error(), cause: err}
	}
	return nil
}

// NewStream opens any server-streaming method by path and returns at once;
// the generated methods (and OpenStream) use it. Errors before sending (an
// invalid request, no connection) are returned here; everything after, from
// Recv.
//
// Streams have no deadline unless ctx has one or CallTimeout / the client's
// WithStreamTimeout gives one. Cancelling ctx cancels the call.
func (c *Client) NewStream(ctx context.Context, method string, req proto.Message, opts ...CallOption) (*RawStream, error) {
	o := collectCallOptions(opts)
	window := c.opts.window
	if o.window > 0 {
		window = o.window
	}
	s, err := c.prepare(ctx, method, req, &o, c.opts.streamTimeout, window)
	if err != nil {
		return nil, err
	}
	cn, cl, err := c.start(ctx, s)
	if err != nil {
		return nil, err
	}
	return newRawStream(ctx, cn, cl, method, int(window), s.deadline), nil
}

// clientOptions are a Client's settings.
type clientOptions struct {
	timeout         time.Duration
	streamTimeout   time.Duration
	connectTimeout  time.Duration
	maxFrameSize    uint32
	window          uint32
	agent           string
	protocolVersion uint32
}

func defaultClientOptions() clientOptions {
	return clientOptions{
		timeout:         30 * time.Second,
		connectTimeout:  5 * time.Second,
		maxFrameSize:    DefaultMaxFrameSize,
		window:          DefaultWindow,
		agent:           Agent,
		protocolVersion: ProtocolVersion,
	}
}

// Option configures a Client (New, Dial).
type Option func(*clientOptions)

// WithDefaultTimeout sets the deadline of unary calls whose context has none
// earlier (default 30 s; 0 means none).
func WithDefaultTimeout(d time.Duration) Option {
	return func(o *clientOptions) { o.timeout = maxDuration(d, 0) }
}

// WithStreamTimeout sets a default deadline for server-streaming calls
// (default none, since subscriptions are long-lived).
func WithStreamTimeout(d time.Duration) Option {
	return func(o *clientOptions) { o.streamTimeout = maxDuration(d, 0) }
}

// WithConnectTimeout bounds connecting plus the Hello exchange (default 5 s).
func WithConnectTimeout(d time.Duration) Option {
	return func(o *clientOptions) {
		if d > 0 {
			o.connectTimeout = d
		}
	}
}

// WithMaxFrameSize sets the largest frame body accepted from the server,
// announced in the Hello (default 4 MiB; the server refuses below 4096).
func WithMaxFrameSize(n uint32) Option {
	return func(o *clientOptions) {
		if n > 0 {
			o.maxFrameSize = n
		}
	}
}

// WithStreamWindow sets how many responses the server may send ahead on a
// stream (OpenCall.initial_window; default 64). The client grants half the
// window again each time half of it has been consumed.
func WithStreamWindow(n uint32) Option {
	return func(o *clientOptions) {
		if n > 0 {
			o.window = n
		}
	}
}

// WithAgent sets the agent string of the Hello.
func WithAgent(agent string) Option {
	return func(o *clientOptions) { o.agent = agent }
}

// WithProtocolVersion makes the Hello offer another protocol version. For
// tests of the server's VERSION_MISMATCH only.
func WithProtocolVersion(v uint32) Option {
	return func(o *clientOptions) { o.protocolVersion = v }
}

func maxDuration(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// callOptions are one call's settings.
type callOptions struct {
	timeout    time.Duration
	timeoutSet bool
	metadata   Metadata
	window     uint32
}

// CallOption configures one call.
type CallOption func(*callOptions)

func collectCallOptions(opts []CallOption) callOptions {
	var o callOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// CallTimeout sets this call's deadline, relative to now (the context's
// deadline still applies when earlier). 0 removes the client's default
// (leaving only the context's); a negative value fails the call at once with
// DEADLINE_EXCEEDED.
func CallTimeout(d time.Duration) CallOption {
	return func(o *callOptions) { o.timeout, o.timeoutSet = d, true }
}

// CallMetadata sends md with the call. Keys are 1-64 lower-case letters,
// digits, '-', '_' or '.'; values UTF-8 without NUL; other entries fail the
// call with INVALID_ARGUMENT before anything is sent.
func CallMetadata(md Metadata) CallOption {
	return func(o *callOptions) {
		if o.metadata == nil {
			o.metadata = make(Metadata, len(md))
		}
		for k, v := range md {
			o.metadata[k] = v
		}
	}
}

// CallWindow sets a stream's initial window (see WithStreamWindow).
func CallWindow(n uint32) CallOption {
	return func(o *callOptions) {
		if n > 0 {
			o.window = n
		}
	}
}
