package qbsync

import "sync"

// call is the client side of one stream: where the connection's reader
// leaves the responses and the final outcome. Only the first outcome counts
// (a local deadline or cancellation and the server's status may race).
type call struct {
	id uint32

	mu    sync.Mutex
	queue [][]byte // responses not yet taken
	done  bool
	err   *Error // the outcome once done; nil = OK

	signal   chan struct{} // cap 1: something arrived (a response or the end)
	finished chan struct{} // closed at the end
}

func newCall(id uint32) *call {
	return &call{id: id, signal: make(chan struct{}, 1), finished: make(chan struct{})}
}

func (c *call) wake() {
	select {
	case c.signal <- struct{}{}:
	default:
	}
}

// deliver queues a response; ignored once the call has ended.
func (c *call) deliver(payload []byte) {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return
	}
	c.queue = append(c.queue, payload)
	c.mu.Unlock()
	c.wake()
}

// finish records the outcome (nil = OK); false when the call had already ended.
func (c *call) finish(err *Error) bool {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return false
	}
	c.done = true
	c.err = err
	c.mu.Unlock()
	close(c.finished)
	c.wake()
	return true
}

func (c *call) isDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// next takes the next response, or reports the end; ok is false when
// neither is there yet.
func (c *call) next() (payload []byte, end bool, err *Error, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) > 0 {
		payload = c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		return payload, false, nil, true
	}
	if c.done {
		return nil, true, c.err, true
	}
	return nil, false, nil, false
}

// unaryResult is a finished unary call's single response, or its error.
func (c *call) unaryResult(method string) ([]byte, *Error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	if len(c.queue) != 1 {
		return nil, errorf(Internal, "%s: the server ended a unary call OK with %d response messages instead of 1", method, len(c.queue))
	}
	return c.queue[0], nil
}
