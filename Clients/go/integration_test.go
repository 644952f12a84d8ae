package qbsync_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"qbsync"
	qbsyncv1 "qbsync/pb/v1"
)

// Against the real server (sharedServer, or a dedicated one).

func svc(t *testing.T, opts ...qbsync.Option) *qbsyncv1.QuickBooksSyncClient {
	return qbsyncv1.NewQuickBooksSyncClient(newClient(t, sharedServer.socket, opts...))
}

func TestUnaryOK(t *testing.T) {
	c := svc(t)
	health, err := c.GetHealth(ctxFor(t, 10*time.Second), &qbsyncv1.GetHealthRequest{CompanyId: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if len(health.Companies) != 1 || health.Companies[0].CompanyId != "demo" ||
		health.Companies[0].ConnectionState != qbsyncv1.ConnectionState_CONNECTION_STATE_ACTIVE {
		t.Fatalf("unexpected health: %v", health)
	}
	// A nil request sends an empty one (all companies).
	if _, err := c.GetHealth(ctxFor(t, 10*time.Second), nil); err != nil {
		t.Fatal(err)
	}
	hello, err := c.Client().Connect(ctxFor(t, 5*time.Second))
	if err != nil || hello.ProtocolVersion != 1 || hello.MaxConcurrentStreams == 0 {
		t.Fatalf("hello %v, %v", hello, err)
	}
	if rtt, err := c.Client().Ping(ctxFor(t, 5*time.Second)); err != nil || rtt <= 0 {
		t.Fatalf("ping %v, %v", rtt, err)
	}
}

func TestInvalidArgumentCarriesFieldViolation(t *testing.T) {
	c := svc(t)
	_, err := c.SyncInvoice(ctxFor(t, 10*time.Second), &qbsyncv1.SyncInvoiceRequest{
		CompanyId: "demo",
		Invoice:   &qbsyncv1.Invoice{CustomerExternalId: "c-1", Currency: "USD", TxnDate: "2026-11-02"},
	})
	var e *qbsync.Error
	if !errors.As(err, &e) || e.Code != qbsync.InvalidArgument {
		t.Fatalf("want INVALID_ARGUMENT, got %v", err)
	}
	if !strings.Contains(e.Message, "invoice.external_id") {
		t.Errorf("message does not name the field: %q", e.Message)
	}
	var violation qbsyncv1.FieldViolation
	if !e.Detail(&violation) || violation.Field != "invoice.external_id" {
		t.Errorf("no FieldViolation for invoice.external_id in %v", e.Details)
	}
	if v, ok := qbsync.DetailOf[*qbsyncv1.FieldViolation](err); !ok || v.Field != "invoice.external_id" {
		t.Errorf("DetailOf: %v %v", v, ok)
	}
	if qbsync.CodeOf(err) != qbsync.InvalidArgument || !errors.Is(err, &qbsync.Error{Code: qbsync.InvalidArgument}) {
		t.Errorf("CodeOf / errors.Is disagree for %v", err)
	}
}

func TestNotFound(t *testing.T) {
	c := svc(t)
	_, err := c.GetRecord(ctxFor(t, 10*time.Second), &qbsyncv1.GetRecordRequest{Ref: &qbsyncv1.RecordRef{
		CompanyId: "demo", Entity: qbsyncv1.EntityType_ENTITY_TYPE_INVOICE, ExternalId: "never-sent"}})
	if qbsync.CodeOf(err) != qbsync.NotFound || !strings.Contains(err.Error(), "never-sent") {
		t.Fatalf("want NOT_FOUND naming never-sent, got %v", err)
	}
	if _, err := c.GetHealth(ctxFor(t, 10*time.Second), &qbsyncv1.GetHealthRequest{CompanyId: "no-such"}); qbsync.CodeOf(err) != qbsync.NotFound {
		t.Fatalf("want NOT_FOUND, got %v", err)
	}
	// Call by path: a method the server does not have.
	err = c.Client().Invoke(ctxFor(t, 10*time.Second), "/qbsync.v1.QuickBooksSync/NoSuchMethod", &qbsyncv1.GetHealthRequest{}, nil)
	if qbsync.CodeOf(err) != qbsync.Unimplemented {
		t.Fatalf("want UNIMPLEMENTED, got %v", err)
	}
}

func TestNULRefusedBeforeSending(t *testing.T) {
	c := svc(t)
	ctx := ctxFor(t, 10*time.Second)
	external := unique("nul")
	_, err := c.SyncInvoice(ctx, &qbsyncv1.SyncInvoiceRequest{CompanyId: "demo", Invoice: &qbsyncv1.Invoice{
		ExternalId: external, CustomerExternalId: "c-1", Currency: "USD", TxnDate: "2026-11-02",
		Lines: []*qbsyncv1.InvoiceLine{{Kind: qbsyncv1.LineKind_LINE_KIND_SALE, ItemCode: "TENT-20", Description: "tent\x00pole", Quantity: "1", UnitRate: "1.00", AmountMinor: 100}},
	}})
	var e *qbsync.Error
	if !errors.As(err, &e) || e.Code != qbsync.InvalidArgument || !strings.HasPrefix(e.Message, "invoice.lines[0].description: contains a NUL character") {
		t.Fatalf("want INVALID_ARGUMENT naming invoice.lines[0].description, got %v", err)
	}
	if v, ok := qbsync.DetailOf[*qbsyncv1.FieldViolation](err); !ok || v.Field != "invoice.lines[0].description" {
		t.Fatalf("FieldViolation: %v %v", v, ok)
	}
	// Invalid UTF-8 too, and metadata.
	_, err = c.GetHealth(ctx, &qbsyncv1.GetHealthRequest{CompanyId: "de\xffmo"})
	if qbsync.CodeOf(err) != qbsync.InvalidArgument || !strings.Contains(err.Error(), "company_id: is not valid UTF-8") {
		t.Fatalf("invalid UTF-8: %v", err)
	}
	_, err = c.GetHealth(ctx, nil, qbsync.CallMetadata(qbsync.Metadata{"ok": "a\x00b"}))
	if qbsync.CodeOf(err) != qbsync.InvalidArgument {
		t.Fatalf("NUL in metadata: %v", err)
	}
	_, err = c.GetHealth(ctx, nil, qbsync.CallMetadata(qbsync.Metadata{"Bad Key": "v"}))
	if qbsync.CodeOf(err) != qbsync.InvalidArgument || !strings.Contains(err.Error(), "Bad Key") {
		t.Fatalf("bad metadata key: %v", err)
	}
	// Nothing was sent (no connection was even needed) and nothing stored.
	_, err = c.GetRecord(ctx, &qbsyncv1.GetRecordRequest{Ref: &qbsyncv1.RecordRef{CompanyId: "demo", Entity: qbsyncv1.EntityType_ENTITY_TYPE_INVOICE, ExternalId: external}})
	if qbsync.CodeOf(err) != qbsync.NotFound {
		t.Fatalf("want NOT_FOUND, got %v", err)
	}
	// Good metadata is accepted.
	if _, err := c.GetHealth(ctx, nil, qbsync.CallMetadata(qbsync.Metadata{"request-id": "r1", "x.trace_id": "abc"})); err != nil {
		t.Fatal(err)
	}
}

func TestStreamSeesInvoiceSynced(t *testing.T) {
	c := svc(t)
	ctx := ctxFor(t, 30*time.Second)
	stream, err := c.StreamSyncEvents(ctx, &qbsyncv1.StreamSyncEventsRequest{
		CompanyId: "demo", Statuses: []qbsyncv1.SyncStatus{qbsyncv1.SyncStatus_SYNC_STATUS_SYNCED}})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()

	code := unique("ITEM")
	mapped, err := c.AutoMap(ctx, &qbsyncv1.AutoMapRequest{CompanyId: "demo", Kind: qbsyncv1.MappingKind_MAPPING_KIND_ITEM,
		Entries: []*qbsyncv1.AutoMapEntry{{ExternalCode: code, Name: "Equipment Rental"}}})
	if err != nil || len(mapped.Mapped) != 1 {
		t.Fatalf("AutoMap: %v %v", mapped, err)
	}
	customer := unique("cust")
	linked, err := c.LinkCustomer(ctx, &qbsyncv1.LinkCustomerRequest{CompanyId: "demo", Mode: qbsyncv1.LinkMode_LINK_MODE_CREATE,
		Customer: &qbsyncv1.Customer{ExternalId: customer, GivenName: "Go", FamilyName: customer, Email: customer + "@example.com"}})
	if err != nil || linked.Outcome != qbsyncv1.LinkOutcome_LINK_OUTCOME_CREATED {
		t.Fatalf("LinkCustomer: %v %v", linked, err)
	}
	invoice := unique("inv")
	if _, err := c.SyncInvoice(ctx, &qbsyncv1.SyncInvoiceRequest{CompanyId: "demo", Invoice: &qbsyncv1.Invoice{
		ExternalId: invoice, CustomerExternalId: customer, DocNumber: invoice[len(invoice)-12:], TxnDate: "2026-11-20", Currency: "USD",
		Lines: []*qbsyncv1.InvoiceLine{{Kind: qbsyncv1.LineKind_LINE_KIND_SALE, ItemCode: code, Description: "Generator", Quantity: "2", UnitRate: "125.00", AmountMinor: 25000}},
	}}); err != nil {
		t.Fatal(err)
	}
	var sequence uint64
	for sequence == 0 {
		msg, err := stream.Recv()
		if err != nil {
			t.Fatalf("stream ended before the invoice synced: %v", err)
		}
		if ev := msg.GetEvent(); ev != nil && ev.Ref.GetExternalId() == invoice {
			if ev.ToStatus != qbsyncv1.SyncStatus_SYNC_STATUS_SYNCED || ev.QboId == "" {
				t.Fatalf("unexpected event %v", ev)
			}
			sequence = ev.Sequence
		}
	}
	stream.Close()
	if _, err := stream.Recv(); qbsync.CodeOf(err) != qbsync.Canceled {
		t.Fatalf("Recv after Close: %v", err)
	}
	record, err := c.GetRecord(ctx, &qbsyncv1.GetRecordRequest{Ref: &qbsyncv1.RecordRef{CompanyId: "demo", Entity: qbsyncv1.EntityType_ENTITY_TYPE_INVOICE, ExternalId: invoice}})
	if err != nil || record.Record.Status != qbsyncv1.SyncStatus_SYNC_STATUS_SYNCED {
		t.Fatalf("GetRecord: %v %v", record, err)
	}

	// Resume after the event: replaying from sequence-1 gives it again first.
	replay, err := c.StreamSyncEvents(ctx, &qbsyncv1.StreamSyncEventsRequest{CompanyId: "demo", AfterSequence: sequence - 1},
		qbsync.CallTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer replay.Close()
	msg, err := replay.Recv()
	if err != nil || msg.GetEvent().GetSequence() != sequence {
		t.Fatalf("replay: %v %v", msg, err)
	}
	for {
		if _, err = replay.Recv(); err != nil {
			break
		}
	}
	if qbsync.CodeOf(err) != qbsync.DeadlineExceeded {
		t.Fatalf("a stream with a deadline should end DEADLINE_EXCEEDED, got %v", err)
	}
}

func TestCancellation(t *testing.T) {
	c := svc(t)
	// A stream cancelled through its context ends CANCELLED; the connection keeps serving.
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := c.StreamSyncEvents(ctx, &qbsyncv1.StreamSyncEventsRequest{CompanyId: "demo", Entities: []qbsyncv1.EntityType{qbsyncv1.EntityType_ENTITY_TYPE_BILL}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := stream.Recv()
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if qbsync.CodeOf(err) != qbsync.Canceled || !errors.Is(err, context.Canceled) {
			t.Fatalf("want CANCELLED wrapping context.Canceled, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Recv did not return after the context was cancelled")
	}
	stream.Close()
	// Close from another goroutine ends a blocked Recv too.
	stream2, err := c.StreamSyncEvents(context.Background(), &qbsyncv1.StreamSyncEventsRequest{CompanyId: "demo", Entities: []qbsyncv1.EntityType{qbsyncv1.EntityType_ENTITY_TYPE_BILL}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(100 * time.Millisecond); stream2.Close() }()
	if _, err := stream2.Recv(); qbsync.CodeOf(err) != qbsync.Canceled {
		t.Fatalf("want CANCELLED, got %v", err)
	}
	// A unary call whose context is already cancelled is not sent.
	dead, kill := context.WithCancel(context.Background())
	kill()
	if _, err := c.GetHealth(dead, nil); qbsync.CodeOf(err) != qbsync.Canceled {
		t.Fatalf("want CANCELLED, got %v", err)
	}
	if _, err := c.GetHealth(ctxFor(t, 5*time.Second), nil); err != nil {
		t.Fatalf("the connection should still serve: %v", err)
	}
}

func TestDeadline(t *testing.T) {
	c := svc(t)
	// A stream with a deadline ends DEADLINE_EXCEEDED (the server's).
	started := time.Now()
	stream, err := c.StreamSyncEvents(context.Background(), &qbsyncv1.StreamSyncEventsRequest{CompanyId: "demo",
		Entities: []qbsyncv1.EntityType{qbsyncv1.EntityType_ENTITY_TYPE_BILL}}, qbsync.CallTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	_, err = stream.Recv()
	if elapsed := time.Since(started); qbsync.CodeOf(err) != qbsync.DeadlineExceeded || elapsed < 300*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("want DEADLINE_EXCEEDED after ~300 ms, got %v after %v", err, elapsed)
	}
	// The same through the context's deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	stream2, err := c.StreamSyncEvents(ctx, &qbsyncv1.StreamSyncEventsRequest{CompanyId: "demo",
		Entities: []qbsyncv1.EntityType{qbsyncv1.EntityType_ENTITY_TYPE_BILL}})
	if err != nil {
		t.Fatal(err)
	}
	defer stream2.Close()
	if _, err := stream2.Recv(); qbsync.CodeOf(err) != qbsync.DeadlineExceeded {
		t.Fatalf("want DEADLINE_EXCEEDED, got %v", err)
	}
	// A unary call within its deadline answers; one whose deadline has passed is not sent.
	if _, err := c.GetHealth(context.Background(), nil, qbsync.CallTimeout(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetHealth(ctx, nil); qbsync.CodeOf(err) != qbsync.DeadlineExceeded {
		t.Fatalf("want DEADLINE_EXCEEDED, got %v", err)
	}
}

func TestConcurrentCallsShareOneConnection(t *testing.T) {
	c := svc(t)
	ctx := ctxFor(t, 30*time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := c.GetHealth(ctx, &qbsyncv1.GetHealthRequest{CompanyId: "demo"}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestGoAwayOnServerShutdown(t *testing.T) {
	server, err := startServer()
	if err != nil {
		t.Fatal(err)
	}
	defer server.stop()
	c := qbsyncv1.NewQuickBooksSyncClient(newClient(t, server.socket))
	ctx := ctxFor(t, 30*time.Second)
	if _, err := c.GetHealth(ctx, nil); err != nil {
		t.Fatal(err)
	}
	stream, err := c.StreamSyncEvents(ctx, &qbsyncv1.StreamSyncEventsRequest{CompanyId: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	time.Sleep(200 * time.Millisecond)
	server.terminate()
	for {
		_, err = stream.Recv()
		if err != nil {
			break
		}
	}
	if err == io.EOF || qbsync.CodeOf(err) != qbsync.Unavailable {
		t.Fatalf("want UNAVAILABLE, got %v", err)
	}
	if _, ok := qbsync.DetailOf[*qbsyncv1.StreamResumePoint](err); !ok {
		t.Fatalf("no StreamResumePoint in %v", err)
	}
	<-server.exited
	if _, err := c.GetHealth(ctxFor(t, 5*time.Second), nil); qbsync.CodeOf(err) != qbsync.Unavailable {
		t.Fatalf("a call after the server left: want UNAVAILABLE, got %v", err)
	}
}

func TestRefusedHandshake(t *testing.T) {
	server, err := startServer("--allow-uid", "4242")
	if err != nil {
		t.Fatal(err)
	}
	defer server.stop()
	c := qbsyncv1.NewQuickBooksSyncClient(newClient(t, server.socket))
	_, err = c.GetHealth(ctxFor(t, 10*time.Second), nil)
	var e *qbsync.Error
	if !errors.As(err, &e) || e.Code != qbsync.PermissionDenied || e.GoAway == nil || !strings.Contains(e.Message, "not allowed") {
		t.Fatalf("want PERMISSION_DENIED from the server's GoAway, got %v", err)
	}
}

func TestVersionMismatch(t *testing.T) {
	c := qbsync.New(sharedServer.socket, qbsync.WithProtocolVersion(7))
	defer c.Close()
	_, err := c.Connect(ctxFor(t, 10*time.Second))
	var e *qbsync.Error
	if !errors.As(err, &e) || e.GoAway == nil || e.Code != qbsync.FailedPrecondition || !strings.Contains(e.Message, "offered 7") {
		t.Fatalf("want the server's VERSION_MISMATCH, got %v", err)
	}
}
