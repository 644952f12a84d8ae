// Command qbsync-conformance runs one case of the client conformance suite
// (Clients/conformance/README.md) with the Go client:
//
//	QBSYNC_SOCKET=/path/to/socket qbsync-conformance CASE.json
//
// It exits 0 when the case passed; otherwise it prints the failing step (its
// index, expected and actual) on stderr and exits 1. It uses only the public
// API: the generated qbsyncv1 package (its method table and messages, with
// protojson for the JSON mapping) and Client.Invoke / Client.NewStream.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	"qbsync"
	qbsyncv1 "qbsync/pb/v1"
)

type testCase struct {
	Name  string            `json:"name"`
	Steps []json.RawMessage `json:"steps"`
}

type step struct {
	Call      *string           `json:"call"`
	Open      *string           `json:"open"`
	Read      *string           `json:"read"`
	End       *string           `json:"end"`
	Cancel    *string           `json:"cancel"`
	SleepMS   *int64            `json:"sleep_ms"`
	Driver    *string           `json:"driver"`
	Request   any               `json:"request"`
	TimeoutMS *int64            `json:"timeout_ms"`
	WithinMS  *int64            `json:"within_ms"`
	Metadata  map[string]string `json:"metadata"`
	Expect    any               `json:"expect"`
	Until     any               `json:"until"`
	Next      any               `json:"next"`
	Capture   map[string]string `json:"capture"`
}

type expectation struct {
	Code            string `json:"code"`
	Response        any    `json:"response"`
	MessageContains string `json:"message_contains"`
	Details         []struct {
		Type  string `json:"type"`
		Value any    `json:"value"`
	} `json:"details"`
}

type runner struct {
	client  *qbsync.Client
	methods map[string]qbsync.MethodDesc
	vars    map[string]any
	streams map[string]*openStream
	stdin   *bufio.Reader
}

// openStream is a stream opened by an "open" step. Recv runs on a goroutine
// started when a step needs a message; a step that times out leaves it
// running, and the next step takes its result.
type openStream struct {
	stream  *qbsync.RawStream
	newResp func() proto.Message
	openErr error
	pending chan recvResult
	ended   *recvResult
}

type recvResult struct {
	payload []byte
	err     error
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: QBSYNC_SOCKET=PATH qbsync-conformance CASE.json")
		os.Exit(2)
	}
	socket := os.Getenv("QBSYNC_SOCKET")
	if socket == "" {
		fmt.Fprintln(os.Stderr, "QBSYNC_SOCKET is not set")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var tc testCase
	if err := json.Unmarshal(data, &tc); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	r := &runner{
		client:  qbsync.New(socket),
		methods: make(map[string]qbsync.MethodDesc),
		vars:    make(map[string]any),
		streams: make(map[string]*openStream),
		stdin:   bufio.NewReader(os.Stdin),
	}
	defer r.client.Close()
	for _, m := range qbsyncv1.QuickBooksSync_Methods {
		r.methods[m.Name] = m
	}
	for i, raw := range tc.Steps {
		if err := r.run(raw); err != nil {
			fmt.Fprintf(os.Stderr, "%s: step %d %s: %v\n", tc.Name, i, compact(raw), err)
			os.Exit(1)
		}
	}
}

func compact(raw json.RawMessage) string {
	s := string(raw)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func (r *runner) run(raw json.RawMessage) error {
	generic, err := decodeJSON(raw)
	if err != nil {
		return err
	}
	substituted, err := r.substitute(generic)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(substituted)
	var s step
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return err
	}
	switch {
	case s.Open != nil:
		return r.open(&s)
	case s.Read != nil:
		return r.read(&s)
	case s.End != nil:
		return r.end(&s)
	case s.Cancel != nil:
		st, ok := r.streams[*s.Cancel]
		if !ok {
			return fmt.Errorf("no stream named %q", *s.Cancel)
		}
		if st.stream != nil {
			st.stream.Close()
		}
		return nil
	case s.Call != nil:
		return r.unary(&s)
	case s.SleepMS != nil:
		time.Sleep(time.Duration(*s.SleepMS) * time.Millisecond)
		return nil
	case s.Driver != nil:
		fmt.Fprintf(os.Stdout, "driver: %s\n", *s.Driver)
		line, err := r.stdin.ReadString('\n')
		if err != nil {
			return fmt.Errorf("driver did not answer %q: %v", *s.Driver, err)
		}
		if strings.TrimSpace(line) != "ok" {
			return fmt.Errorf("driver answered %q to %q", strings.TrimSpace(line), *s.Driver)
		}
		return nil
	}
	return errors.New("unknown step")
}

// method returns the path, request and response of a call by name; a name
// the client does not know is called by path with an empty request.
func (r *runner) method(name string, request any) (qbsync.MethodDesc, proto.Message, error) {
	m, ok := r.methods[name]
	if !ok {
		m = qbsync.MethodDesc{
			Name: name, Path: "/" + qbsyncv1.QuickBooksSync_ServiceName + "/" + name,
			NewRequest:  func() proto.Message { return new(emptypb.Empty) },
			NewResponse: func() proto.Message { return new(emptypb.Empty) },
		}
		return m, new(emptypb.Empty), nil
	}
	req := m.NewRequest()
	if request != nil {
		data, err := json.Marshal(request)
		if err != nil {
			return m, nil, err
		}
		if err := protojson.Unmarshal(data, req); err != nil {
			return m, nil, fmt.Errorf("request is not a valid %s in the JSON mapping: %v", req.ProtoReflect().Descriptor().FullName(), err)
		}
	}
	return m, req, nil
}

func callOptions(s *step, defaultTimeout time.Duration) []qbsync.CallOption {
	var opts []qbsync.CallOption
	if s.TimeoutMS != nil {
		opts = append(opts, qbsync.CallTimeout(time.Duration(*s.TimeoutMS)*time.Millisecond))
	} else {
		opts = append(opts, qbsync.CallTimeout(defaultTimeout))
	}
	if len(s.Metadata) > 0 {
		opts = append(opts, qbsync.CallMetadata(s.Metadata))
	}
	return opts
}

func (r *runner) unary(s *step) error {
	m, req, err := r.method(*s.Call, s.Request)
	if err != nil {
		return err
	}
	resp := m.NewResponse()
	callErr := r.client.Invoke(context.Background(), m.Path, req, resp, callOptions(s, 30*time.Second)...)
	var actual any
	if callErr == nil {
		if actual, err = toJSON(resp); err != nil {
			return err
		}
	}
	if err := r.check(s.Expect, callErr, actual); err != nil {
		return err
	}
	return r.capture(s.Capture, actual)
}

func (r *runner) open(s *step) error {
	m, req, err := r.method(*s.Call, s.Request)
	if err != nil {
		return err
	}
	opts := callOptions(s, 0)
	st := &openStream{newResp: m.NewResponse}
	st.stream, st.openErr = r.client.NewStream(context.Background(), m.Path, req, opts...)
	r.streams[*s.Open] = st
	return nil
}

// recv returns the stream's next result, or ok=false when none came before deadline.
func (st *openStream) recv(deadline time.Time) (recvResult, bool) {
	if st.ended != nil {
		return *st.ended, true
	}
	if st.openErr != nil {
		st.ended = &recvResult{err: st.openErr}
		return *st.ended, true
	}
	if st.pending == nil {
		ch := make(chan recvResult, 1)
		st.pending = ch
		go func() {
			payload, err := st.stream.Recv()
			ch <- recvResult{payload, err}
		}()
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case res := <-st.pending:
		st.pending = nil
		if res.err != nil {
			st.ended = &res
		}
		return res, true
	case <-timer.C:
		return recvResult{}, false
	}
}

func within(s *step) time.Time {
	ms := int64(10000)
	if s.WithinMS != nil {
		ms = *s.WithinMS
	}
	return time.Now().Add(time.Duration(ms) * time.Millisecond)
}

func (r *runner) read(s *step) error {
	st, ok := r.streams[*s.Read]
	if !ok {
		return fmt.Errorf("no stream named %q", *s.Read)
	}
	pattern, onlyNext := s.Until, false
	if s.Next != nil {
		pattern, onlyNext = s.Next, true
	}
	deadline := within(s)
	var last any
	for {
		res, ok := st.recv(deadline)
		if !ok {
			return fmt.Errorf("no matching message within the time limit\n  expected: %s\n  last seen: %s", show(pattern), show(last))
		}
		if res.err != nil {
			return fmt.Errorf("the stream ended before a matching message: %s\n  expected: %s\n  last seen: %s", describeError(res.err), show(pattern), show(last))
		}
		msg := st.newResp()
		if err := proto.Unmarshal(res.payload, msg); err != nil {
			return fmt.Errorf("undecodable stream message: %v", err)
		}
		actual, err := toJSON(msg)
		if err != nil {
			return err
		}
		last = actual
		if err := match(pattern, actual, "message"); err == nil {
			return r.capture(s.Capture, actual)
		} else if onlyNext {
			return fmt.Errorf("the next message does not match: %v\n  expected: %s\n  actual:   %s", err, show(pattern), show(actual))
		}
	}
}

func (r *runner) end(s *step) error {
	st, ok := r.streams[*s.End]
	if !ok {
		return fmt.Errorf("no stream named %q", *s.End)
	}
	deadline := within(s)
	for {
		res, ok := st.recv(deadline)
		if !ok {
			return errors.New("the stream is still open after the time limit")
		}
		if res.err == nil {
			continue
		}
		var callErr error
		if res.err != io.EOF {
			callErr = res.err
		}
		return r.check(s.Expect, callErr, nil)
	}
}

// check matches a call's outcome against an "expect" object.
func (r *runner) check(raw any, callErr error, response any) error {
	var exp expectation
	if raw != nil {
		data, _ := json.Marshal(raw)
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		if err := dec.Decode(&exp); err != nil {
			return fmt.Errorf("bad expect: %v", err)
		}
	}
	want := exp.Code
	if want == "" {
		want = "OK"
	}
	got := qbsync.CodeOf(callErr)
	if got.String() != want {
		return fmt.Errorf("expected code %s, got %s", want, describeError(callErr))
	}
	var e *qbsync.Error
	errors.As(callErr, &e)
	if exp.MessageContains != "" {
		message := ""
		if e != nil {
			message = e.Message
		}
		if !strings.Contains(message, exp.MessageContains) {
			return fmt.Errorf("expected the message to contain %q, got %q", exp.MessageContains, message)
		}
	}
	if exp.Response != nil {
		if err := match(exp.Response, response, "response"); err != nil {
			return fmt.Errorf("%v\n  expected: %s\n  actual:   %s", err, show(exp.Response), show(response))
		}
	}
	for i, want := range exp.Details {
		if err := matchDetail(e, want.Type, want.Value); err != nil {
			return fmt.Errorf("details[%d]: %v (status: %s)", i, err, describeError(callErr))
		}
	}
	return nil
}

func matchDetail(e *qbsync.Error, typeName string, value any) error {
	if e == nil {
		return fmt.Errorf("no status details")
	}
	var seen []string
	for _, d := range e.Details {
		name := string(d.ProtoReflect().Descriptor().FullName())
		if name != typeName {
			seen = append(seen, name)
			continue
		}
		actual, err := toJSON(d)
		if err != nil {
			return err
		}
		seen = append(seen, name+" "+show(actual))
		if value == nil || match(value, actual, "value") == nil {
			return nil
		}
	}
	return fmt.Errorf("no %s detail matching %s; details: [%s]", typeName, show(value), strings.Join(seen, ", "))
}

func describeError(err error) string {
	if err == nil {
		return "OK"
	}
	var e *qbsync.Error
	if !errors.As(err, &e) {
		return "non-status error: " + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q", e.Code, e.Message)
	for _, d := range e.Details {
		j, _ := toJSON(d)
		fmt.Fprintf(&b, " [%s %s]", d.ProtoReflect().Descriptor().FullName(), show(j))
	}
	return b.String()
}

func (r *runner) capture(paths map[string]string, actual any) error {
	for name, path := range paths {
		v, ok := lookup(actual, path)
		if !ok {
			return fmt.Errorf("capture %q: no %q in %s", name, path, show(actual))
		}
		r.vars[name] = v
	}
	return nil
}

func toJSON(m proto.Message) (any, error) {
	data, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	return decodeJSON(data)
}

func show(v any) string {
	if v == nil {
		return "null"
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
