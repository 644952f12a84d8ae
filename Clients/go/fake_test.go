package qbsync_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"qbsync"
	"qbsync/pb/rpcv1"
	qbsyncv1 "qbsync/pb/v1"
)

// Client behaviour the real server cannot be made to show on demand, against
// a scripted peer that asserts what the client sends.

var fakeHealth = &qbsyncv1.GetHealthResponse{Version: "fake", LastSequence: 7}

const getHealthPath = "/qbsync.v1.QuickBooksSync/GetHealth"

func fakeSvc(t *testing.T, socket string, opts ...qbsync.Option) *qbsyncv1.QuickBooksSyncClient {
	return qbsyncv1.NewQuickBooksSyncClient(newClient(t, socket, opts...))
}

func TestHelloAnnouncesVersionLimitAgentAndPingWaitsForPong(t *testing.T) {
	var seen *rpcv1.Hello
	fake := newFakeServer(t, func(c *fakeConn, _ int) error {
		hello, err := c.handshake(&rpcv1.Hello{MaxConcurrentStreams: 5})
		if err != nil {
			return err
		}
		seen = hello
		ping, err := c.expect("ping")
		if err != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
		c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Pong{Pong: ping.GetPing()}})
		_, _ = c.read() // until the client closes
		return nil
	})
	client := newClient(t, fake.socket, qbsync.WithMaxFrameSize(123456))
	hello, err := client.Connect(ctxFor(t, 5*time.Second))
	if err != nil || hello.Agent != "fake" || hello.MaxConcurrentStreams != 5 {
		t.Fatalf("hello %v, %v", hello, err)
	}
	rtt, err := client.Ping(ctxFor(t, 5*time.Second))
	if err != nil || rtt < 100*time.Millisecond || rtt > 2*time.Second {
		t.Fatalf("ping %v, %v", rtt, err)
	}
	client.Close()
	fake.wait()
	if seen.ProtocolVersion != 1 || seen.MaxFrameSize != 123456 || !strings.HasPrefix(seen.Agent, "qbsync-go-client/") {
		t.Fatalf("client hello %v", seen)
	}
}

func TestLocalDeadlineSendsCancelWhenTheServerNeverAnswers(t *testing.T) {
	var open, cancel *rpcv1.Frame
	fake := newFakeServer(t, func(c *fakeConn, _ int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		var err error
		if open, err = c.expect("open"); err != nil {
			return err
		}
		cancel, err = c.expect("cancel") // never answers the call
		return err
	})
	c := fakeSvc(t, fake.socket)
	started := time.Now()
	_, err := c.GetHealth(context.Background(), nil, qbsync.CallTimeout(250*time.Millisecond))
	elapsed := time.Since(started)
	if qbsync.CodeOf(err) != qbsync.DeadlineExceeded || !strings.Contains(err.Error(), "no answer from the server") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a local DEADLINE_EXCEEDED, got %v", err)
	}
	if elapsed < 250*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("gave up after %v", elapsed)
	}
	c.Client().Close()
	fake.wait() // the script saw the Cancel
	if open.GetOpen().TimeoutMicros != 250000 || open.GetOpen().Method != getHealthPath || cancel.StreamId != open.StreamId {
		t.Fatalf("open %v, cancel %v", open, cancel)
	}
}

func TestStreamIDsIncreaseAndMetadataIsSentSorted(t *testing.T) {
	var mu sync.Mutex
	var opens []*rpcv1.Frame
	fake := newFakeServer(t, func(c *fakeConn, _ int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			open, err := c.expect("open")
			if err != nil {
				return err
			}
			msg, err := c.expect("message")
			if err != nil {
				return err
			}
			if msg.StreamId != open.StreamId || !msg.GetMessage().EndOfStream {
				return fmt.Errorf("message %v after open %v", msg, open)
			}
			mu.Lock()
			opens = append(opens, open)
			mu.Unlock()
			c.respond(open.StreamId, fakeHealth, 0, "")
		}
		return nil
	})
	c := fakeSvc(t, fake.socket)
	for i := 0; i < 3; i++ {
		health, err := c.GetHealth(context.Background(), nil, qbsync.CallMetadata(qbsync.Metadata{"request-id": fmt.Sprint("r", i), "caller": "tests"}))
		if err != nil || health.Version != "fake" || health.LastSequence != 7 {
			t.Fatalf("%v %v", health, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i, open := range opens {
		if open.StreamId != uint32(i+1) {
			t.Errorf("call %d on stream %d", i, open.StreamId)
		}
	}
	md := opens[0].GetOpen().Metadata
	if len(md) != 2 || md[0].Key != "caller" || md[1].Key != "request-id" || md[1].Value != "r0" {
		t.Errorf("metadata %v", md)
	}
	if opens[0].GetOpen().TimeoutMicros != 30_000_000 {
		t.Errorf("default timeout %d µs", opens[0].GetOpen().TimeoutMicros)
	}
}

func TestGoAwayShutdownFailsUnprocessedCallsAndFinishesTheRest(t *testing.T) {
	opened := make(chan struct{})
	fake := newFakeServer(t, func(c *fakeConn, index int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		if index == 1 { // the reconnect
			open, err := c.expect("open")
			if err != nil {
				return err
			}
			c.respond(open.StreamId, fakeHealth, 0, "")
			_, _ = c.read()
			return nil
		}
		var ids []uint32
		for len(ids) < 2 {
			open, err := c.expect("open")
			if err != nil {
				return err
			}
			ids = append(ids, open.StreamId)
		}
		close(opened)
		c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Goaway{Goaway: &rpcv1.GoAway{
			LastStreamId: ids[0], Reason: rpcv1.GoAwayReason_GO_AWAY_REASON_SHUTDOWN, Code: 14, Message: "draining"}}})
		time.Sleep(200 * time.Millisecond) // the second call fails now; the first is still served
		c.respond(ids[0], fakeHealth, 0, "")
		return nil
	})
	c := fakeSvc(t, fake.socket)
	if _, err := c.Client().Connect(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	results := make([]error, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, results[i] = c.GetHealth(context.Background(), nil)
		}(i)
		time.Sleep(50 * time.Millisecond) // the first takes stream 1
	}
	<-opened
	wg.Wait()
	if results[0] != nil {
		t.Fatalf("the accepted call failed: %v", results[0])
	}
	var e *qbsync.Error
	if !errors.As(results[1], &e) || e.Code != qbsync.Unavailable || !strings.Contains(e.Message, "not processed") || e.GoAway == nil {
		t.Fatalf("the unprocessed call: %v", results[1])
	}
	if _, err := c.GetHealth(ctxFor(t, 5*time.Second), nil); err != nil {
		t.Fatalf("the next call should reconnect: %v", err)
	}
	if n := fake.connections(); n != 2 {
		t.Fatalf("%d connections", n)
	}
}

func TestBrokenConnectionFailsInFlightCallsAndTheNextCallReconnects(t *testing.T) {
	fake := newFakeServer(t, func(c *fakeConn, index int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		open, err := c.expect("open")
		if err != nil {
			return err
		}
		if _, err := c.expect("message"); err != nil {
			return err
		}
		if index == 0 {
			return nil // closes the socket with the call in flight
		}
		c.respond(open.StreamId, fakeHealth, 0, "")
		_, _ = c.read()
		return nil
	})
	c := fakeSvc(t, fake.socket)
	if _, err := c.GetHealth(context.Background(), nil); qbsync.CodeOf(err) != qbsync.Unavailable {
		t.Fatalf("want UNAVAILABLE, got %v", err)
	}
	if _, err := c.GetHealth(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestNonShutdownGoAwayEndsOpenCallsWithItsCode(t *testing.T) {
	fake := newFakeServer(t, func(c *fakeConn, _ int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		if _, err := c.expect("open"); err != nil {
			return err
		}
		c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Goaway{Goaway: &rpcv1.GoAway{
			LastStreamId: 1, Reason: rpcv1.GoAwayReason_GO_AWAY_REASON_PROTOCOL_ERROR, Code: 13, Message: "you broke it"}}})
		return nil
	})
	c := fakeSvc(t, fake.socket)
	_, err := c.GetHealth(context.Background(), nil)
	var e *qbsync.Error
	if !errors.As(err, &e) || e.Code != qbsync.Internal || e.Message != "you broke it" ||
		e.GoAway.GetReason() != rpcv1.GoAwayReason_GO_AWAY_REASON_PROTOCOL_ERROR {
		t.Fatalf("got %v", err)
	}
}

func TestOversizedFrameFromTheServerFailsTheCallNotTheClient(t *testing.T) {
	fake := newFakeServer(t, func(c *fakeConn, index int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		open, err := c.expect("open")
		if err != nil {
			return err
		}
		if index == 0 {
			_, _ = c.nc.Write(binary.BigEndian.AppendUint32(nil, 5000)) // above the client's 4096
			time.Sleep(300 * time.Millisecond)
			return nil
		}
		c.respond(open.StreamId, fakeHealth, 0, "")
		_, _ = c.read()
		return nil
	})
	c := fakeSvc(t, fake.socket, qbsync.WithMaxFrameSize(4096))
	_, err := c.GetHealth(context.Background(), nil)
	if qbsync.CodeOf(err) != qbsync.Internal || !strings.Contains(err.Error(), "5000") {
		t.Fatalf("want INTERNAL naming the size, got %v", err)
	}
	if _, err := c.GetHealth(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestServerPingIsAnsweredAndStreamCreditIsGranted(t *testing.T) {
	var pong, update *rpcv1.Frame
	var open *rpcv1.Frame
	fake := newFakeServer(t, func(c *fakeConn, _ int) error {
		if _, err := c.handshake(nil); err != nil {
			return err
		}
		c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Ping{Ping: &rpcv1.Ping{Opaque: 42}}})
		for pong == nil || open == nil { // in either order
			frame, err := c.read()
			if err != nil {
				return err
			}
			switch whichKind(frame) {
			case "pong":
				pong = frame
			case "open":
				open = frame
			}
		}
		var err error
		window := int(open.GetOpen().InitialWindow)
		for i := 1; i <= window; i++ {
			payload := fmt.Sprintf("\x08%c", i) // SyncEventStreamMessage{event{sequence: i}} is 0a 02 08 i
			c.send(&rpcv1.Frame{StreamId: open.StreamId, Kind: &rpcv1.Frame_Message{Message: &rpcv1.Message{
				Payload: append([]byte{0x0a, 0x02}, payload...)}}})
		}
		if update, err = c.expect("window_update"); err != nil {
			return err
		}
		c.respond(open.StreamId, nil, 0, "")
		_, _ = c.read()
		return nil
	})
	c := fakeSvc(t, fake.socket, qbsync.WithStreamWindow(4))
	stream, err := c.StreamSyncEvents(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var got []uint64
	for {
		msg, err := stream.Recv()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("stream ended with %v", err)
			}
			break
		}
		got = append(got, msg.GetEvent().GetSequence())
	}
	c.Client().Close()
	fake.wait()
	if fmt.Sprint(got) != "[1 2 3 4]" {
		t.Fatalf("got %v", got)
	}
	if pong.GetPong().GetOpaque() != 42 || open.GetOpen().InitialWindow != 4 || update.StreamId != open.StreamId || update.GetWindowUpdate().Messages != 2 {
		t.Fatalf("pong %v open %v update %v", pong, open, update)
	}
}

func TestPermissionDeniedOnConnectCarriesTheServersMessage(t *testing.T) {
	fake := newFakeServer(t, func(c *fakeConn, _ int) error {
		c.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Goaway{Goaway: &rpcv1.GoAway{
			Reason: rpcv1.GoAwayReason_GO_AWAY_REASON_PERMISSION_DENIED, Code: 7, Message: "uid 0 is not allowed"}}})
		return nil // closes at once, maybe before reading the client's Hello
	})
	_, err := qbsync.Dial(ctxFor(t, 5*time.Second), fake.socket)
	var e *qbsync.Error
	if !errors.As(err, &e) || e.Code != qbsync.PermissionDenied || !strings.Contains(err.Error(), "uid 0 is not allowed") {
		t.Fatalf("got %v", err)
	}
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	c := qbsync.New(t.TempDir() + "/nothing.sock")
	defer c.Close()
	if _, err := c.Connect(ctxFor(t, 5*time.Second)); qbsync.CodeOf(err) != qbsync.Unavailable {
		t.Fatalf("got %v", err)
	}
	c.Close()
	if _, err := c.Ping(ctxFor(t, 5*time.Second)); qbsync.CodeOf(err) != qbsync.Unavailable {
		t.Fatalf("after Close: %v", err)
	}
}
