"""The transport against the real server: ping, unknown methods, deadlines, concurrency, limits."""

from __future__ import annotations

import threading
import time

import pytest

import qbsync_client._connection
import qbsync_client._wire as wire
from qbsync_client import Client, GoAwayError, RpcError, StatusCode, messages as m
from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2
from support import DEMO, RawPeer, hello_bytes, record_ref, unique


def test_ping_round_trip(client):
    rtt = client.ping()
    assert 0 < rtt < 5


def test_server_answers_raw_ping_with_the_same_opaque(socket_path):
    with RawPeer(socket_path) as peer:
        peer.handshake()
        peer.send_frame(frame_pb2.Frame(stream_id=0, ping=frame_pb2.Ping(opaque=0xDEADBEEF12)))
        frame = peer.read()
        assert frame.WhichOneof("kind") == "pong"
        assert frame.pong.opaque == 0xDEADBEEF12


def test_unknown_method_is_unimplemented_and_the_connection_survives(client):
    with pytest.raises(RpcError) as failure:
        client.call_unary("/qbsync.v1.QuickBooksSync/NoSuchMethod", b"", m.GetHealthResponse)
    assert failure.value.code == 12
    assert failure.value.code_name == "UNIMPLEMENTED"
    assert "NoSuchMethod" in failure.value.message
    # Same connection, next call fine.
    assert client.get_health().companies[0].company_id == DEMO


def test_request_that_is_not_the_request_type_is_invalid_argument(client):
    with pytest.raises(RpcError) as failure:
        client.call_unary("/qbsync.v1.QuickBooksSync/GetHealth", b"\xff\xff\xff", m.GetHealthResponse)
    assert failure.value.code == StatusCode.INVALID_ARGUMENT


def test_tiny_deadline_is_deadline_exceeded_by_the_server(client, monkeypatch):
    # Control: the same call with room succeeds, so the failure below is the deadline's.
    assert client.get_health(m.GetHealthRequest(), timeout=10).companies
    # The client's own timer would fire only 5 s late: within that, only the
    # server (told timeout_micros=1) can end the call.
    monkeypatch.setattr(qbsync_client._connection, "LOCAL_DEADLINE_GRACE", 5.0)
    connection = client._current()
    # Up to 5 tries: on a loaded machine the server now and then finishes a
    # fast handler before its 1 us timer fires and answers OK (a server race).
    for attempt in range(5):
        sent_before = connection._next_stream_id
        started = time.monotonic()
        try:
            client.get_health(m.GetHealthRequest(), timeout=0.000001)
        except RpcError as error:
            assert error.code == 4, error
            assert error.code_name == "DEADLINE_EXCEEDED"
            assert "no answer" not in error.message  # the server's status, not the local timer
            assert time.monotonic() - started < 5
            assert connection._next_stream_id == sent_before + 1  # the call was really sent
            break
    else:
        raise AssertionError("5 calls with a 1 us deadline all succeeded: the deadline never reached the server")
    # The connection is still good after the abandoned calls.
    assert client.get_health().companies


def test_server_enforces_timeout_micros(socket_path):
    # StreamSyncEvents never ends by itself, so only the deadline can end it.
    with RawPeer(socket_path) as peer:
        peer.handshake()
        started = time.monotonic()
        peer.send_frame(
            frame_pb2.Frame(
                stream_id=1,
                open=frame_pb2.OpenCall(method="/qbsync.v1.QuickBooksSync/StreamSyncEvents", timeout_micros=300_000),
            )
        )
        peer.send_frame(frame_pb2.Frame(stream_id=1, message=frame_pb2.Message(payload=b"", end_of_stream=True)))
        frame = peer.read()
        elapsed = time.monotonic() - started
    assert frame.WhichOneof("kind") == "status", frame
    assert frame.stream_id == 1
    assert frame.status.code == StatusCode.DEADLINE_EXCEEDED
    assert 0.29 <= elapsed < 5


def test_stream_deadline_comes_from_the_server(client, monkeypatch):
    monkeypatch.setattr(qbsync_client._connection, "LOCAL_DEADLINE_GRACE", 5.0)
    started = time.monotonic()
    stream = client.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO), timeout=0.3)
    with pytest.raises(RpcError) as failure:
        for _ in stream:
            pass
    assert failure.value.code == StatusCode.DEADLINE_EXCEEDED
    assert 0.29 <= time.monotonic() - started < 5
    # The client's own timer says "no answer from the server"; the server's status does not.
    assert "no answer" not in failure.value.message


def test_version_mismatch_from_a_raw_hello(socket_path):
    with RawPeer(socket_path) as peer:
        peer.send(hello_bytes(version=2))
        frame = peer.read()
        assert frame.WhichOneof("kind") == "goaway", frame
        assert frame.goaway.reason == frame_pb2.GO_AWAY_REASON_VERSION_MISMATCH
        assert frame.goaway.code == 9
        assert "offered 2" in frame.goaway.message
        assert peer.read() is None  # and the server closes


def test_version_mismatch_raises_the_servers_message(socket_path, monkeypatch):
    monkeypatch.setattr(wire, "PROTOCOL_VERSION", 2)
    with Client(socket_path) as client:
        with pytest.raises(GoAwayError) as failure:
            client.get_health()
    assert failure.value.reason_name == "VERSION_MISMATCH"
    assert failure.value.code == 9
    assert "this server speaks protocol version 1; the client offered 2" in failure.value.message
    assert "offered 2" in str(failure.value)


def test_many_concurrent_calls_share_one_connection(client):
    threads, calls_each = 12, 20
    connection = client._current()
    first_id = connection._next_stream_id
    errors = []
    barrier = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(calls_each):
                if n % 2:
                    assert client.get_health(m.GetHealthRequest(company_id=DEMO)).companies[0].company_id == DEMO
                else:
                    # Each failure names its own id: a mixed-up reply would show here.
                    missing = f"missing-{worker}-{n}"
                    try:
                        client.get_record(m.GetRecordRequest(ref=record_ref(m.ENTITY_TYPE_INVOICE, missing)))
                        raise AssertionError(f"{missing} was found")
                    except RpcError as error:
                        assert error.code == StatusCode.NOT_FOUND, error
                        assert missing in error.message, (missing, error.message)
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(60)
    assert not errors, errors[:3]
    assert client._current() is connection
    assert connection._next_stream_id - first_id == threads * calls_each


def test_invalid_argument_names_the_field(client):
    external_id = unique("inv-bad")
    request = m.SyncInvoiceRequest(
        company_id=DEMO,
        invoice=m.Invoice(
            external_id=external_id,
            customer_external_id="anyone",
            txn_date="2026-13-45",
            currency="USD",
            lines=[m.InvoiceLine(item_code="X", quantity="1", unit_rate="1.00", amount_minor=100)],
        ),
    )
    with pytest.raises(RpcError) as failure:
        client.sync_invoice(request)
    error = failure.value
    assert error.code == 3 and error.code_name == "INVALID_ARGUMENT"
    violation = error.detail(m.FieldViolation)
    assert violation is not None, error.details
    assert violation.field == "invoice.txn_date"
    assert "2026-13-45" in violation.description
    assert error.details[0][0] == "qbsync.v1.FieldViolation"
    assert error.detail(m.ErrorDetail) is None
    # "Nothing was stored."
    with pytest.raises(RpcError) as lookup:
        client.get_record(m.GetRecordRequest(ref=record_ref(m.ENTITY_TYPE_INVOICE, external_id)))
    assert lookup.value.code == StatusCode.NOT_FOUND


def test_request_over_the_servers_frame_limit_is_refused_locally(client):
    big = m.SyncInvoiceRequest(company_id=DEMO, invoice=m.Invoice(external_id=unique("inv-big"), private_note="x" * (4 * 1024 * 1024)))
    connection = client._current()
    with pytest.raises(RpcError) as failure:
        client.sync_invoice(big)
    assert failure.value.code == StatusCode.RESOURCE_EXHAUSTED
    assert "4194304" in failure.value.message
    assert client._current() is connection  # nothing was sent; the connection is intact
    assert client.get_health().companies


def test_server_respects_the_clients_frame_limit(socket_path):
    # The client announces 4096 bytes (the protocol's minimum). GetRecord
    # returns the accepted content, here over 4900 bytes, so the server must
    # end the call rather than send it.
    with Client(socket_path, max_frame_size=4096) as small:
        accepted = small.sync_invoice(
            m.SyncInvoiceRequest(
                company_id=DEMO,
                invoice=m.Invoice(
                    external_id=unique("inv-long"),
                    customer_external_id=unique("nobody"),
                    txn_date="2026-11-20",
                    currency="USD",
                    private_note="n" * 3900,
                    customer_memo="m" * 1000,
                    lines=[m.InvoiceLine(item_code="X", quantity="1", unit_rate="1.00", amount_minor=100)],
                ),
            )
        )
        with pytest.raises(RpcError) as failure:
            small.get_record(m.GetRecordRequest(ref=accepted.record.ref))
        assert failure.value.code == StatusCode.RESOURCE_EXHAUSTED
        assert "4096" in failure.value.message
        assert small.ping() > 0
    with Client(socket_path) as roomy:
        assert len(roomy.get_record(m.GetRecordRequest(ref=accepted.record.ref)).content_json) > 4900


def test_a_frame_limit_below_the_minimum_is_refused(socket_path):
    # Under 4096 bytes not even a status is guaranteed to fit: the server refuses the Hello.
    with pytest.raises(GoAwayError) as refused:
        Client(socket_path, max_frame_size=1000).connect()
    assert refused.value.reason_name == "PROTOCOL_ERROR"
    assert "minimum" in refused.value.message


def test_metadata_keys_must_be_lower_case(client):
    with pytest.raises(RpcError) as refused:
        client.get_health(metadata={"Request-Id": "1"})
    assert refused.value.code == StatusCode.INVALID_ARGUMENT
    assert client.get_health(metadata={"request-id": "abc"}).companies


def test_wrong_request_type_is_a_type_error(client):
    with pytest.raises(TypeError, match="GetHealthRequest"):
        client.get_health(m.GetRecordRequest())


def test_closed_client_refuses_calls(socket_path):
    client = Client(socket_path)
    client.ping()
    client.close()
    with pytest.raises(RpcError) as failure:
        client.get_health()
    assert failure.value.code == StatusCode.UNAVAILABLE


def test_nothing_listening_is_unavailable(tmp_path):
    with Client(str(tmp_path / "nobody.sock")) as client:
        with pytest.raises(RpcError) as failure:
            client.ping()
    assert failure.value.code == StatusCode.UNAVAILABLE
