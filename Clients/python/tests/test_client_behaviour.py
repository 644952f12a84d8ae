"""Client behaviour the real server cannot be made to show on demand, against a scripted peer.

The scripts speak the same framing (docs/protocol.md) and assert what the
client sends; an assertion failing inside a script fails the test.
"""

from __future__ import annotations

import threading
import time

import pytest

from qbsync_client import Client, GoAwayError, RpcError, StatusCode, messages as m
from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2
from support import FakeConnection, FakeServer

HEALTH = m.GetHealthResponse(version="fake", last_sequence=7)
GET_HEALTH = "/qbsync.v1.QuickBooksSync/GetHealth"
STREAM_EVENTS = "/qbsync.v1.QuickBooksSync/StreamSyncEvents"


def event(sequence: int) -> m.SyncEventStreamMessage:
    return m.SyncEventStreamMessage(event=m.SyncEvent(sequence=sequence))


def test_hello_announces_version_limit_and_agent_and_ping_waits_for_its_pong():
    seen = {}

    def script(conn: FakeConnection, _: int) -> None:
        seen["hello"] = conn.handshake(max_concurrent_streams=5)
        ping = conn.expect("ping")
        time.sleep(0.1)
        conn.send(frame_pb2.Frame(stream_id=0, pong=ping.ping))

    with FakeServer(script) as fake, Client(fake.socket_path, max_frame_size=123456) as client:
        hello = client.connect()
        assert hello.agent == "fake" and hello.max_concurrent_streams == 5
        assert 0.1 <= client.ping() < 2
    assert seen["hello"].protocol_version == 1
    assert seen["hello"].max_frame_size == 123456
    assert seen["hello"].agent.startswith("qbsync-python-client/")


def test_local_deadline_when_the_server_never_answers_sends_cancel():
    seen = {}

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        seen["open"] = opened
        seen["cancel"] = conn.expect("cancel")  # never answers the call

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        started = time.monotonic()
        with pytest.raises(RpcError) as failure:
            client.get_health(timeout=0.25)
        elapsed = time.monotonic() - started
    assert failure.value.code == StatusCode.DEADLINE_EXCEEDED
    assert "no answer from the server" in failure.value.message
    assert 0.25 <= elapsed < 2
    assert seen["open"].open.timeout_micros == 250_000
    assert seen["open"].open.method == GET_HEALTH
    assert seen["cancel"].stream_id == seen["open"].stream_id


def test_stream_ids_increase_and_metadata_is_sent():
    seen = []

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        for _ in range(3):
            opened = conn.expect("open")
            request = conn.expect("message")
            assert request.stream_id == opened.stream_id and request.message.end_of_stream
            seen.append(opened)
            conn.respond(opened.stream_id, HEALTH)

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        for n in range(3):
            assert client.get_health(metadata={"request-id": f"r{n}", "caller": "tests"}) == HEALTH
    assert [f.stream_id for f in seen] == [1, 2, 3]
    assert [(e.key, e.value) for e in seen[0].open.metadata] == [("caller", "tests"), ("request-id", "r0")]
    assert seen[0].open.timeout_micros == 30_000_000  # the client's default timeout


def test_goaway_shutdown_fails_unprocessed_calls_and_finishes_the_rest():
    opened = threading.Event()

    def script(conn: FakeConnection, index: int) -> None:
        conn.handshake()
        if index == 1:  # the reconnect
            first = conn.expect("open")
            conn.expect("message")
            conn.respond(first.stream_id, HEALTH)
            return
        ids = [conn.expect("open").stream_id for _ in range(2)]
        opened.set()
        conn.send(frame_pb2.Frame(stream_id=0, goaway=frame_pb2.GoAway(
            last_stream_id=ids[0], reason=frame_pb2.GO_AWAY_REASON_SHUTDOWN, code=14, message="draining")))
        time.sleep(0.2)  # the second call fails now; the first is still served
        conn.respond(ids[0], HEALTH)

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        results = {}

        def call(name):
            try:
                results[name] = client.get_health()
            except RpcError as error:
                results[name] = error

        first = threading.Thread(target=call, args=("first",))
        first.start()
        while client._connection is None or client._connection._next_stream_id < 2:
            time.sleep(0.01)
        second = threading.Thread(target=call, args=("second",))
        second.start()
        assert opened.wait(5)
        first.join(5)
        second.join(5)
        assert results["first"] == HEALTH
        assert isinstance(results["second"], RpcError)
        assert results["second"].code == StatusCode.UNAVAILABLE
        assert "not processed" in results["second"].message
        # The next call opens a new connection.
        assert client.get_health() == HEALTH
        assert len(fake.connections) == 2


def test_broken_connection_fails_in_flight_calls_and_the_next_call_reconnects():
    def script(conn: FakeConnection, index: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        conn.expect("message")
        if index == 0:
            return  # closes the socket with the call in flight
        conn.respond(opened.stream_id, HEALTH)

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        with pytest.raises(RpcError) as failure:
            client.get_health()
        assert failure.value.code == StatusCode.UNAVAILABLE
        assert client.get_health() == HEALTH
        assert len(fake.connections) == 2


def test_non_shutdown_goaway_ends_open_calls_with_its_code():
    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        conn.expect("open")
        conn.send(frame_pb2.Frame(stream_id=0, goaway=frame_pb2.GoAway(
            last_stream_id=1, reason=frame_pb2.GO_AWAY_REASON_PROTOCOL_ERROR, code=13, message="you broke it")))

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        with pytest.raises(GoAwayError) as failure:
            client.get_health()
    assert failure.value.code == StatusCode.INTERNAL
    assert failure.value.reason_name == "PROTOCOL_ERROR"
    assert failure.value.message == "you broke it"


def test_permission_denied_on_connect_carries_the_servers_message():
    def script(conn: FakeConnection, _: int) -> None:
        conn.expect("hello")
        conn.send(frame_pb2.Frame(stream_id=0, goaway=frame_pb2.GoAway(
            reason=frame_pb2.GO_AWAY_REASON_PERMISSION_DENIED, code=7, message="uid 0 is not allowed")))

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        with pytest.raises(GoAwayError) as failure:
            client.connect()
    assert failure.value.code == StatusCode.PERMISSION_DENIED
    assert failure.value.reason_name == "PERMISSION_DENIED"
    assert "uid 0 is not allowed" in str(failure.value)


def test_oversized_frame_from_the_server_fails_the_call_not_the_process():
    def script(conn: FakeConnection, index: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        conn.expect("message")
        if index == 0:
            conn.sock.sendall((5000).to_bytes(4, "big"))  # above the client's 1000
            time.sleep(0.5)
        else:
            conn.respond(opened.stream_id, HEALTH)

    with FakeServer(script) as fake, Client(fake.socket_path, max_frame_size=1000) as client:
        with pytest.raises(RpcError) as failure:
            client.get_health()
        assert failure.value.code == StatusCode.INTERNAL
        assert "5000" in failure.value.message
        assert client.get_health() == HEALTH


def test_server_ping_is_answered():
    seen = {}

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        conn.send(frame_pb2.Frame(stream_id=0, ping=frame_pb2.Ping(opaque=424242)))
        seen["pong"] = conn.expect("pong")

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        client.connect()
        deadline = time.monotonic() + 5
        while "pong" not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
    assert seen["pong"].pong.opaque == 424242


def test_stream_flow_control_grants_half_the_window_as_messages_are_consumed():
    seen = {"updates": []}
    consumed_two = threading.Event()

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        conn.expect("message")
        seen["window"] = opened.open.initial_window
        sid = opened.stream_id
        for n in range(4):
            conn.send(frame_pb2.Frame(stream_id=sid, message=frame_pb2.Message(payload=event(n + 1).SerializeToString())))
        # The window is spent: nothing more until the client grants.
        update = conn.expect("window_update")
        assert consumed_two.is_set(), "granted before the messages were consumed"
        seen["updates"].append(update.window_update.messages)
        for n in range(4, 6):
            conn.send(frame_pb2.Frame(stream_id=sid, message=frame_pb2.Message(payload=event(n + 1).SerializeToString())))
        conn.send(frame_pb2.Frame(stream_id=sid, status=frame_pb2.Status(code=0)))
        # The client's next grant, if any, may still arrive; read until it closes.
        while conn.read() is not None:
            pass

    with FakeServer(script) as fake, Client(fake.socket_path, stream_window=4) as client:
        stream = client.stream_sync_events()
        assert next(stream).event.sequence == 1
        time.sleep(0.2)  # one consumed: no grant yet (the script would see it early)
        consumed_two.set()
        assert next(stream).event.sequence == 2
        assert [msg.event.sequence for msg in stream] == [3, 4, 5, 6]
    assert seen["window"] == 4
    assert seen["updates"] == [2]


def test_leaving_a_stream_loop_early_cancels_the_call():
    seen = {}

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        conn.expect("message")
        seen["open"] = opened
        conn.send(frame_pb2.Frame(stream_id=opened.stream_id, message=frame_pb2.Message(payload=event(1).SerializeToString())))
        seen["cancel"] = conn.expect("cancel")

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        for message in client.stream_sync_events(m.StreamSyncEventsRequest(include_health=True)):
            assert message.event.sequence == 1
            break
        # No gc.collect(): CPython frees the abandoned stream as the loop ends, and its finalizer cancels.
        deadline = time.monotonic() + 5
        while "cancel" not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
    assert seen["open"].open.method == STREAM_EVENTS
    assert seen["open"].open.timeout_micros == 0  # streams have no default deadline
    assert seen["cancel"].stream_id == seen["open"].stream_id


def test_closing_a_stream_cancels_and_ends_iteration():
    seen = {}

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        seen["cancel"] = conn.expect("cancel")
        assert seen["cancel"].stream_id == opened.stream_id

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        with client.stream_sync_events() as stream:
            closer = threading.Timer(0.2, stream.close)
            closer.start()
            assert list(stream) == []  # ends quietly when closed from another thread
    assert "cancel" in seen


def test_closing_the_client_cancels_in_flight_calls():
    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        conn.expect("open")
        while conn.read() is not None:
            pass

    with FakeServer(script) as fake:
        client = Client(fake.socket_path)
        threading.Timer(0.2, client.close).start()
        with pytest.raises(RpcError) as failure:
            client.get_health()
    assert failure.value.code == StatusCode.CANCELLED


def test_error_status_details_are_decodable():
    violation = m.FieldViolation(field="invoice.txn_date", description="not a date")
    resume = m.StreamResumePoint(last_delivered_sequence=41)

    def script(conn: FakeConnection, _: int) -> None:
        conn.handshake()
        opened = conn.expect("open")
        conn.send(frame_pb2.Frame(stream_id=opened.stream_id, status=frame_pb2.Status(
            code=3, message="bad", details=[
                frame_pb2.StatusDetail(type="qbsync.v1.FieldViolation", value=violation.SerializeToString()),
                frame_pb2.StatusDetail(type="qbsync.v1.StreamResumePoint", value=resume.SerializeToString()),
            ])))

    with FakeServer(script) as fake, Client(fake.socket_path) as client:
        with pytest.raises(RpcError) as failure:
            client.get_health()
    error = failure.value
    assert error.code == StatusCode.INVALID_ARGUMENT and error.message == "bad"
    assert error.detail(m.FieldViolation) == violation
    assert error.detail(m.StreamResumePoint) == resume
    assert error.detail(m.ErrorDetail) is None
    assert [t for t, _ in error.details] == ["qbsync.v1.FieldViolation", "qbsync.v1.StreamResumePoint"]


def test_a_server_that_refuses_before_reading_the_hello_is_heard(monkeypatch):
    # The server writes its GoAway and closes without reading: the client's
    # Hello write then fails (EPIPE). The GoAway is still in the socket, and
    # its reason is the error, not "broken pipe".
    import socket as socket_module

    refused = threading.Event()

    def script(conn: FakeConnection, _: int) -> None:
        conn.send(frame_pb2.Frame(stream_id=0, goaway=frame_pb2.GoAway(
            reason=frame_pb2.GO_AWAY_REASON_PERMISSION_DENIED, code=7, message="uid 1234 is not allowed")))
        refused.set()

    real_sendall = socket_module.socket.sendall

    def sendall(sock, data, *args):
        if threading.current_thread() is threading.main_thread():
            refused.wait(5)
            raise BrokenPipeError(32, "Broken pipe")
        return real_sendall(sock, data, *args)

    with FakeServer(script) as fake:
        monkeypatch.setattr(socket_module.socket, "sendall", sendall)
        with pytest.raises(GoAwayError) as failure:
            Client(fake.socket_path).connect()
        monkeypatch.undo()
    assert failure.value.reason_name == "PERMISSION_DENIED"
    assert "not allowed" in failure.value.message
