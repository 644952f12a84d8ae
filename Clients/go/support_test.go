package qbsync_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"qbsync"
	"qbsync/pb/rpcv1"
)

// The real server: `qbsync serve` from $QBSYNC_BIN (default
// ../../.build/debug/qbsync, relative to this package), on a temporary socket
// and database, with its built-in QuickBooks simulator.

func serverBinary() string {
	if bin := os.Getenv("QBSYNC_BIN"); bin != "" {
		return bin
	}
	return filepath.Join("..", "..", ".build", "debug", "qbsync")
}

type serverProcess struct {
	dir    string
	socket string
	cmd    *exec.Cmd
	log    bytes.Buffer
	logMu  sync.Mutex
	exited chan struct{}
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func startServer(args ...string) (*serverProcess, error) {
	bin := serverBinary()
	if info, err := os.Stat(bin); err != nil || info.IsDir() {
		return nil, fmt.Errorf("no qbsync binary at %s: build it (swift build --product qbsync) or set QBSYNC_BIN", bin)
	}
	dir, err := os.MkdirTemp("", "qbsync-go-")
	if err != nil {
		return nil, err
	}
	s := &serverProcess{dir: dir, socket: filepath.Join(dir, "s.sock"), exited: make(chan struct{})}
	s.cmd = exec.Command(bin, append([]string{"serve", "--socket", s.socket,
		"--database", filepath.Join(dir, "db.sqlite3"), "--log-level", "error"}, args...)...)
	s.cmd.Stdout = lockedWriter{&s.logMu, &s.log}
	s.cmd.Stderr = lockedWriter{&s.logMu, &s.log}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-s.exited:
			os.RemoveAll(dir)
			return nil, fmt.Errorf("qbsync serve exited at start:\n%s", s.output())
		default:
		}
		if _, err := os.Stat(s.socket); err == nil && bytes.Contains([]byte(s.output()), []byte("socket:")) {
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("qbsync serve did not start within 60 s:\n%s", s.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *serverProcess) output() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// terminate sends SIGTERM (graceful shutdown) without waiting.
func (s *serverProcess) terminate() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
}

func (s *serverProcess) stop() {
	s.terminate()
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

// sharedServer is one server for the tests that do not need their own.
var sharedServer *serverProcess

func TestMain(m *testing.M) {
	var err error
	sharedServer, err = startServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot start the server:", err)
		os.Exit(1)
	}
	code := m.Run()
	sharedServer.stop()
	os.Exit(code)
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func newClient(t *testing.T, socket string, opts ...qbsync.Option) *qbsync.Client {
	c := qbsync.New(socket, opts...)
	t.Cleanup(func() { c.Close() })
	return c
}

func unique(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1e12)
}

// MARK: a scripted server, for behaviour the real one cannot be made to show

type fakeConn struct {
	t  *testing.T
	nc net.Conn
}

func (f *fakeConn) read() (*rpcv1.Frame, error) {
	var prefix [4]byte
	if _, err := io.ReadFull(f.nc, prefix[:]); err != nil {
		return nil, err
	}
	body := make([]byte, binary.BigEndian.Uint32(prefix[:]))
	if _, err := io.ReadFull(f.nc, body); err != nil {
		return nil, err
	}
	frame := new(rpcv1.Frame)
	return frame, proto.Unmarshal(body, frame)
}

// expect reads until a frame of the kind (skipping others).
func (f *fakeConn) expect(kind string) (*rpcv1.Frame, error) {
	for {
		frame, err := f.read()
		if err != nil {
			return nil, fmt.Errorf("waiting for a %s frame: %w", kind, err)
		}
		if whichKind(frame) == kind {
			return frame, nil
		}
	}
}

func whichKind(f *rpcv1.Frame) string {
	fd := f.ProtoReflect().WhichOneof(f.ProtoReflect().Descriptor().Oneofs().ByName("kind"))
	if fd == nil {
		return ""
	}
	return string(fd.Name())
}

func (f *fakeConn) send(frame *rpcv1.Frame) {
	body, err := proto.Marshal(frame)
	if err != nil {
		panic(err)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	_, _ = f.nc.Write(append(out, body...))
}

func (f *fakeConn) handshake(hello *rpcv1.Hello) (*rpcv1.Hello, error) {
	frame, err := f.expect("hello")
	if err != nil {
		return nil, err
	}
	if hello == nil {
		hello = &rpcv1.Hello{}
	}
	hello.ProtocolVersion = 1
	hello.Agent = "fake"
	f.send(&rpcv1.Frame{Kind: &rpcv1.Frame_Hello{Hello: hello}})
	return frame.GetHello(), nil
}

func (f *fakeConn) respond(id uint32, response proto.Message, code uint32, message string) {
	if response != nil {
		payload, _ := proto.Marshal(response)
		f.send(&rpcv1.Frame{StreamId: id, Kind: &rpcv1.Frame_Message{Message: &rpcv1.Message{Payload: payload}}})
	}
	f.send(&rpcv1.Frame{StreamId: id, Kind: &rpcv1.Frame_Status{Status: &rpcv1.Status{Code: code, Message: message}}})
}

// fakeServer accepts connections and runs script(conn, index) for each on a
// goroutine; a script's error fails the test at cleanup.
type fakeServer struct {
	socket string
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
	count  int
}

func newFakeServer(t *testing.T, script func(c *fakeConn, index int) error) *fakeServer {
	dir := t.TempDir()
	fs := &fakeServer{socket: filepath.Join(dir, "fake.sock")}
	ln, err := net.Listen("unix", fs.socket)
	if err != nil {
		t.Fatal(err)
	}
	fs.ln = ln
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			fs.mu.Lock()
			index := fs.count
			fs.count++
			fs.mu.Unlock()
			fs.wg.Add(1)
			go func() {
				defer fs.wg.Done()
				defer nc.Close()
				_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
				if err := script(&fakeConn{t: t, nc: nc}, index); err != nil {
					fs.mu.Lock()
					fs.errs = append(fs.errs, fmt.Errorf("connection %d: %w", index, err))
					fs.mu.Unlock()
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		fs.wg.Wait()
		for _, err := range fs.errs {
			t.Errorf("fake server: %v", err)
		}
	})
	return fs
}

// wait returns when every script has returned (so what they recorded may be read).
func (fs *fakeServer) wait() { fs.wg.Wait() }

func (fs *fakeServer) connections() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.count
}
