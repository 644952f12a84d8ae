"""Bad bytes on the wire: the server ends that connection as docs/protocol.md §7 says and keeps serving."""

from __future__ import annotations

import socket

import pytest

from qbsync_client import Client, StatusCode
from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2
from support import DEMO, RawPeer, frame_bytes, hello_bytes, prefix

PROTOCOL_ERROR = frame_pb2.GO_AWAY_REASON_PROTOCOL_ERROR
FRAME_TOO_LARGE = frame_pb2.GO_AWAY_REASON_FRAME_TOO_LARGE

# (what is sent after a good Hello, GoAway reason, GoAway code)
AFTER_HELLO = {
    "length prefix above 4 MiB": (prefix(4 * 1024 * 1024 + 1), FRAME_TOO_LARGE, StatusCode.RESOURCE_EXHAUSTED),
    "length prefix of 4 GiB": (prefix(0xFFFFFFFF), FRAME_TOO_LARGE, StatusCode.RESOURCE_EXHAUSTED),
    "garbage body": (prefix(8) + b"\xff" * 8, PROTOCOL_ERROR, StatusCode.INTERNAL),
    "zero-length frame": (prefix(0), PROTOCOL_ERROR, StatusCode.INTERNAL),
    "second Hello": (hello_bytes(), PROTOCOL_ERROR, StatusCode.INTERNAL),
    "open on stream 0": (
        frame_bytes(frame_pb2.Frame(stream_id=0, open=frame_pb2.OpenCall(method="/qbsync.v1.QuickBooksSync/GetHealth"))),
        PROTOCOL_ERROR,
        StatusCode.INTERNAL,
    ),
    "status from a client": (frame_bytes(frame_pb2.Frame(stream_id=1, status=frame_pb2.Status())), PROTOCOL_ERROR, StatusCode.INTERNAL),
}


def assert_server_still_serves(socket_path: str) -> None:
    with Client(socket_path, timeout=10) as fresh:
        assert fresh.get_health().companies[0].company_id == DEMO


def read_goaway(peer: RawPeer) -> frame_pb2.GoAway:
    frame = peer.read()
    assert frame is not None, "the server closed without a GoAway"
    assert frame.WhichOneof("kind") == "goaway", frame
    assert peer.read() is None, "the server kept the connection open after its GoAway"
    return frame.goaway


@pytest.mark.parametrize("case", sorted(AFTER_HELLO))
def test_bad_frame_after_hello_ends_the_connection_with_goaway(socket_path, case):
    data, reason, code = AFTER_HELLO[case]
    with RawPeer(socket_path) as peer:
        peer.handshake()
        peer.send(data)
        goaway = read_goaway(peer)
    assert frame_pb2.GoAwayReason.Name(goaway.reason) == frame_pb2.GoAwayReason.Name(reason), goaway
    assert goaway.code == code, goaway
    assert goaway.message
    assert_server_still_serves(socket_path)


def test_first_frame_not_a_hello_is_a_protocol_error(socket_path):
    with RawPeer(socket_path) as peer:
        peer.send_frame(frame_pb2.Frame(stream_id=0, ping=frame_pb2.Ping(opaque=1)))
        goaway = read_goaway(peer)
    assert goaway.reason == PROTOCOL_ERROR
    assert_server_still_serves(socket_path)


def test_oversized_prefix_before_hello_is_frame_too_large(socket_path):
    with RawPeer(socket_path) as peer:
        peer.send(prefix(64 * 1024 * 1024))
        goaway = read_goaway(peer)
    assert goaway.reason == FRAME_TOO_LARGE
    assert_server_still_serves(socket_path)


def test_truncated_frame_then_eof_closes_quietly(socket_path):
    with RawPeer(socket_path) as peer:
        peer.handshake()
        peer.send(prefix(100) + b"\x08\x01" + b"\x00" * 8)  # 10 of the 100 bytes announced
        peer.sock.shutdown(socket.SHUT_WR)
        assert peer.read() is None  # "nothing: the client is gone"
    assert_server_still_serves(socket_path)


def test_message_on_a_stream_never_opened_is_failed_precondition(socket_path):
    with RawPeer(socket_path) as peer:
        peer.handshake()
        peer.send_frame(frame_pb2.Frame(stream_id=7, message=frame_pb2.Message(payload=b"", end_of_stream=True)))
        frame = peer.read()
        assert frame.WhichOneof("kind") == "status" and frame.stream_id == 7, frame
        assert frame.status.code == StatusCode.FAILED_PRECONDITION
        # The connection is kept: a call on it still works.
        peer.send_frame(frame_pb2.Frame(stream_id=8, open=frame_pb2.OpenCall(method="/qbsync.v1.QuickBooksSync/GetHealth")))
        peer.send_frame(frame_pb2.Frame(stream_id=8, message=frame_pb2.Message(payload=b"", end_of_stream=True)))
        kinds = []
        while not kinds or kinds[-1] != "status":
            frame = peer.read()
            assert frame.stream_id == 8
            kinds.append(frame.WhichOneof("kind"))
        assert kinds == ["message", "status"]
        assert frame.status.code == StatusCode.OK


def test_stream_id_not_increasing_is_a_protocol_error(socket_path):
    open_health = frame_pb2.OpenCall(method="/qbsync.v1.QuickBooksSync/GetHealth")
    with RawPeer(socket_path) as peer:
        peer.handshake()
        for stream_id in (5, 3):
            peer.send_frame(frame_pb2.Frame(stream_id=stream_id, open=open_health))
        frames = []
        while True:
            frame = peer.read()
            if frame is None:
                break
            frames.append(frame)
    assert frames and frames[-1].WhichOneof("kind") == "goaway", frames
    assert frames[-1].goaway.reason == PROTOCOL_ERROR
    assert frames[-1].goaway.last_stream_id == 5
    assert_server_still_serves(socket_path)


def test_client_refuses_a_nul_in_any_string_before_sending(client, socket_path):
    from qbsync_client import RpcError, messages as m

    request = m.SyncInvoiceRequest(company_id=DEMO)
    request.invoice.external_id = "INV-100"
    request.invoice.lines.add(description="tent\x00day")
    with pytest.raises(RpcError) as raised:
        client.sync_invoice(request)
    assert raised.value.code == StatusCode.INVALID_ARGUMENT
    assert raised.value.detail(m.FieldViolation).field == "invoice.lines[0].description"
    with pytest.raises(RpcError) as refused:
        client.get_health(metadata={"x-note": "a\x00b"})
    assert refused.value.code == StatusCode.INVALID_ARGUMENT
    with pytest.raises(RpcError) as refused:
        client.get_health(metadata={"x-note": "half a pair \ud800"})
    assert refused.value.code == StatusCode.INVALID_ARGUMENT
    assert_server_still_serves(socket_path)


@pytest.mark.parametrize(
    "bad, problem",
    [(b"INV-100\x00dup", "contains a NUL character"), (b"INV-\xff\xfe", "is not valid UTF-8")],
)
def test_server_refuses_ids_that_are_not_clean_utf8(socket_path, bad, problem):
    from qbsync_client import messages as m

    # Encoded by hand: what a careless peer in another language may send.
    placeholder = b"P" * len(bad)
    request = m.SyncInvoiceRequest(company_id=DEMO)
    request.invoice.external_id = placeholder.decode()
    payload = request.SerializeToString().replace(placeholder, bad)
    with RawPeer(socket_path) as peer:
        peer.handshake()
        peer.send_frame(frame_pb2.Frame(stream_id=1, open=frame_pb2.OpenCall(method="/qbsync.v1.QuickBooksSync/SyncInvoice")))
        peer.send_frame(frame_pb2.Frame(stream_id=1, message=frame_pb2.Message(payload=payload, end_of_stream=True)))
        frame = peer.read()
    assert frame.WhichOneof("kind") == "status", frame
    assert frame.status.code == StatusCode.INVALID_ARGUMENT
    assert frame.status.message.startswith(f"invoice.external_id: {problem}")
    assert_server_still_serves(socket_path)
