"""One socket to the server, shared by every call of a Client.

Two daemon threads serve the socket: the reader demultiplexes inbound frames
to the calls waiting for them, and the writer sends what the calls queue.
Stream ids are taken and frames queued under one lock, so they reach the
socket in strictly increasing order however many threads call at once.
The writer also performs cancellations requested from finalizers, which may
run on any thread at any time and so must not take locks themselves.
"""

from __future__ import annotations

import math
import queue
import socket
import threading
import time
from typing import Dict, Iterable, Optional, Tuple

from qbsync_client import _wire
from qbsync_client._calls import LOCAL_DEADLINE_GRACE, OK, Call
from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2
from qbsync_client.status import GoAwayError, RpcError, StatusCode

_MAX_STREAM_ID = 2**32 - 1
_STOP = object()


class NotSent(RpcError):
    """The call never left the client (the connection was already unusable): safe to retry."""


class _CancelRequest:
    __slots__ = ("stream_id", "reason")

    def __init__(self, stream_id: int, reason: str) -> None:
        self.stream_id = stream_id
        self.reason = reason


def goaway_error(goaway: frame_pb2.GoAway) -> GoAwayError:
    """The error a GoAway stands for, carrying the server's message."""
    try:
        name = frame_pb2.GoAwayReason.Name(goaway.reason)[len("GO_AWAY_REASON_") :]
    except ValueError:
        name = f"REASON_{goaway.reason}"
    return GoAwayError(
        goaway.code or StatusCode.UNAVAILABLE,
        goaway.message or f"the server closed the connection ({name})",
        goaway.reason,
        name,
        goaway.last_stream_id,
    )


class Connection:
    """A connected, handshaken socket and the calls running on it."""

    def __init__(
        self,
        sock: socket.socket,
        reader: _wire.FrameReader,
        server_hello: frame_pb2.Hello,
    ) -> None:
        self.server_hello = server_hello
        self._sock = sock
        self._reader = reader
        self._send_limit = _wire.effective_limit(server_hello.max_frame_size)
        self._lock = threading.Lock()
        self._calls: Dict[int, Call] = {}
        self._next_stream_id = 1
        self._pings: Dict[int, Tuple[threading.Event, list]] = {}
        self._next_ping = 1
        # Set once no new call may start here (GoAway, broken socket, close()).
        self._refusal: Optional[RpcError] = None
        self._outbox: "queue.SimpleQueue[object]" = queue.SimpleQueue()
        self._reader_thread = threading.Thread(target=self._read_loop, name="qbsync-reader", daemon=True)
        self._writer_thread = threading.Thread(target=self._write_loop, name="qbsync-writer", daemon=True)
        self._reader_thread.start()
        self._writer_thread.start()

    # MARK: Connecting

    @classmethod
    def connect(
        cls,
        socket_path: str,
        *,
        max_frame_size: int,
        connect_timeout: float,
        agent: str,
    ) -> "Connection":
        """Connects and exchanges Hellos (docs/protocol.md §3).

        Raises:
            GoAwayError: The server refused the connection (its message says why).
            RpcError: UNAVAILABLE when nothing answers in time.
        """
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(connect_timeout)
        try:
            sock.connect(socket_path)
            reader = _wire.FrameReader(sock, max_frame_size)
            try:
                sock.sendall(_wire.encode(_wire.hello_frame(max_frame_size, agent)))
            except (BrokenPipeError, ConnectionResetError):
                # The server refused the connection before reading our Hello
                # (too many connections, a peer it does not allow): its GoAway
                # saying why is still waiting to be read (docs/protocol.md §3).
                pass
            hello = cls._await_hello(sock, reader)
        except RpcError:
            sock.close()
            raise
        except socket.timeout as error:
            sock.close()
            raise RpcError(StatusCode.UNAVAILABLE, f"no Hello from {socket_path} within {connect_timeout} s") from error
        except (OSError, _wire.FrameError) as error:
            sock.close()
            raise RpcError(StatusCode.UNAVAILABLE, f"cannot connect to {socket_path}: {error}") from error
        sock.settimeout(None)
        return cls(sock, reader, hello)

    @staticmethod
    def _await_hello(sock: socket.socket, reader: _wire.FrameReader) -> frame_pb2.Hello:
        while True:
            frame = reader.read()
            if frame is None:
                raise RpcError(StatusCode.UNAVAILABLE, "the server closed the connection during the handshake")
            kind = frame.WhichOneof("kind")
            if kind == "goaway":
                raise goaway_error(frame.goaway)
            if kind == "ping":
                sock.sendall(_wire.encode(frame_pb2.Frame(stream_id=0, pong=frame.ping)))
                continue
            if kind != "hello" or frame.stream_id != 0:
                raise RpcError(StatusCode.INTERNAL, f"the server answered the Hello with a {kind} frame on stream {frame.stream_id}")
            if frame.hello.protocol_version != _wire.PROTOCOL_VERSION:
                raise RpcError(
                    StatusCode.FAILED_PRECONDITION,
                    f"the server speaks protocol version {frame.hello.protocol_version}; this client speaks {_wire.PROTOCOL_VERSION}",
                )
            return frame.hello

    # MARK: Calls

    @property
    def usable(self) -> bool:
        """False once the connection refuses new calls; the client then reconnects."""
        return self._refusal is None

    def open_call(
        self,
        path: str,
        payload: bytes,
        *,
        timeout: Optional[float],
        metadata: Iterable[Tuple[str, str]],
        window: int,
    ) -> Call:
        """Opens a call and sends its request (``open`` + ``message`` in one write).

        Raises:
            NotSent: The connection was no longer usable; nothing was sent.
            RpcError: RESOURCE_EXHAUSTED when the request exceeds the server's frame limit.
        """
        deadline = None
        micros = 0
        if timeout is not None:
            micros = min(max(1, math.ceil(timeout * 1_000_000)), 2**64 - 1)
            deadline = time.monotonic() + timeout + LOCAL_DEADLINE_GRACE
        open_frame = frame_pb2.OpenCall(
            method=path,
            timeout_micros=micros,
            metadata=[frame_pb2.MetadataEntry(key=k, value=v) for k, v in metadata],
            initial_window=window,
        )
        message = frame_pb2.Message(payload=payload, end_of_stream=True)
        with self._lock:
            if self._refusal is not None:
                raise NotSent(self._refusal.code, self._refusal.message)
            stream_id = self._next_stream_id
            if stream_id >= _MAX_STREAM_ID:
                self._refusal = RpcError(StatusCode.UNAVAILABLE, "stream ids exhausted on this connection")
                raise NotSent(self._refusal.code, self._refusal.message)
            try:
                data = _wire.encode(frame_pb2.Frame(stream_id=stream_id, open=open_frame), self._send_limit)
                data += _wire.encode(frame_pb2.Frame(stream_id=stream_id, message=message), self._send_limit)
            except _wire.FrameTooLarge as error:
                raise RpcError(StatusCode.RESOURCE_EXHAUSTED, f"request not sent: {error}") from error
            self._next_stream_id = stream_id + 1
            call = Call(stream_id, deadline)
            self._calls[stream_id] = call
            self._outbox.put(data)
        return call

    def cancel(self, call: Call, reason: str, outcome: RpcError) -> None:
        """Ends a call locally with ``outcome`` and tells the server to stop it."""
        with self._lock:
            registered = self._calls.pop(call.stream_id, None) is call
        if call.finish(outcome) and registered:
            self._send(frame_pb2.Frame(stream_id=call.stream_id, cancel=frame_pb2.Cancel(reason=reason)))

    def cancel_from_finalizer(self, stream_id: int, reason: str) -> None:
        """Like :meth:`cancel` but lock-free: safe from ``__del__`` on any thread."""
        self._outbox.put(_CancelRequest(stream_id, reason))

    def grant(self, call: Call, messages: int) -> None:
        """Lets the server send ``messages`` more responses on a stream."""
        if not call.finished:
            self._send(frame_pb2.Frame(stream_id=call.stream_id, window_update=frame_pb2.WindowUpdate(messages=messages)))

    def ping(self, timeout: Optional[float]) -> float:
        """Sends a ping and waits for its pong; returns the round trip in seconds."""
        done = threading.Event()
        failure: list = []
        with self._lock:
            if self._refusal is not None:
                raise NotSent(self._refusal.code, self._refusal.message)
            opaque = self._next_ping
            self._next_ping += 1
            self._pings[opaque] = (done, failure)
        started = time.monotonic()
        self._send(frame_pb2.Frame(stream_id=0, ping=frame_pb2.Ping(opaque=opaque)))
        if not done.wait(timeout):
            with self._lock:
                self._pings.pop(opaque, None)
            raise RpcError(StatusCode.DEADLINE_EXCEEDED, f"no pong within {timeout} s")
        if failure:
            raise failure[0]
        return time.monotonic() - started

    def close(self, outcome: RpcError) -> None:
        """Ends every call with ``outcome``, sends what is queued, and closes the socket."""
        self._shut(outcome, outcome)
        if threading.current_thread() is not self._writer_thread:
            self._writer_thread.join(1.0)
        try:  # the writer may be stuck on a peer that does not read
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # MARK: Reader thread

    def _read_loop(self) -> None:
        lost = RpcError(StatusCode.UNAVAILABLE, "connection to the server was lost")
        try:
            while True:
                frame = self._reader.read()
                if frame is None:
                    break
                if not self._dispatch(frame):
                    return
        except _wire.FrameError as error:
            lost = RpcError(StatusCode.INTERNAL, f"the server broke the protocol: {error}")
        except OSError as error:
            lost = RpcError(StatusCode.UNAVAILABLE, f"connection to the server was lost: {error}")
        except Exception as error:  # a bug here must not leave calls waiting forever
            lost = RpcError(StatusCode.INTERNAL, f"the client's reader failed: {error!r}")
        self._shut(lost, lost)

    def _dispatch(self, frame: frame_pb2.Frame) -> bool:
        """Routes one inbound frame; False when the connection is over."""
        kind = frame.WhichOneof("kind")
        stream_id = frame.stream_id
        if kind == "message":
            with self._lock:
                call = self._calls.get(stream_id)
            if call is not None:
                call.deliver(frame.message.payload)
        elif kind == "status":
            with self._lock:
                call = self._calls.pop(stream_id, None)
            if call is not None:
                call.finish(OK if frame.status.code == 0 else RpcError.from_status(frame.status))
        elif kind == "ping":
            self._send(frame_pb2.Frame(stream_id=0, pong=frame.ping))
        elif kind == "pong":
            with self._lock:
                waiter = self._pings.pop(frame.pong.opaque, None)
            if waiter is not None:
                waiter[0].set()
        elif kind == "goaway":
            return self._received_goaway(frame.goaway)
        else:
            error = RpcError(StatusCode.INTERNAL, f"the server sent a {kind} frame, which only clients send")
            self._shut(error, error)
            return False
        return True

    def _received_goaway(self, goaway: frame_pb2.GoAway) -> bool:
        error = goaway_error(goaway)
        if goaway.reason != frame_pb2.GO_AWAY_REASON_SHUTDOWN:
            self._shut(error, error)
            return False
        # Graceful: calls up to last_stream_id finish here; later ones were never
        # processed, so they fail UNAVAILABLE and may be retried elsewhere.
        with self._lock:
            if self._refusal is None:
                self._refusal = RpcError(StatusCode.UNAVAILABLE, f"the server is shutting down: {goaway.message}")
            unprocessed = [self._calls.pop(i) for i in sorted(self._calls) if i > goaway.last_stream_id]
        for call in unprocessed:
            call.finish(
                RpcError(
                    StatusCode.UNAVAILABLE,
                    f"not processed: the server is shutting down (stream {call.stream_id} > last accepted "
                    f"{goaway.last_stream_id}); safe to retry",
                )
            )
        return True

    def _shut(self, refusal: RpcError, outcome: RpcError) -> None:
        """Refuses new calls, ends the open ones with ``outcome``, closes the socket."""
        with self._lock:
            if self._refusal is None:
                self._refusal = refusal
            calls = list(self._calls.values())
            self._calls.clear()
            pings = list(self._pings.values())
            self._pings.clear()
        for call in calls:
            call.finish(outcome)
        for done, failure in pings:
            failure.append(RpcError(StatusCode.UNAVAILABLE, f"no pong: {outcome.message}"))
            done.set()
        # The writer sends what is already queued (cancels), then shuts the socket.
        self._outbox.put(_STOP)

    # MARK: Writer thread

    def _send(self, frame: frame_pb2.Frame) -> None:
        self._outbox.put(_wire.encode(frame, self._send_limit))

    def _write_loop(self) -> None:
        try:
            while True:
                item = self._outbox.get()
                if item is _STOP:
                    break
                if isinstance(item, _CancelRequest):
                    item = self._finalizer_cancel(item)
                    if item is None:
                        continue
                self._sock.sendall(item)  # type: ignore[arg-type]
        except OSError as error:
            lost = RpcError(StatusCode.UNAVAILABLE, f"connection to the server was lost: {error}")
            self._shut(lost, lost)
        finally:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)  # wakes the reader if it still waits
            except OSError:
                pass
            self._reader_thread.join()
            self._sock.close()

    def _finalizer_cancel(self, request: _CancelRequest) -> Optional[bytes]:
        with self._lock:
            call = self._calls.pop(request.stream_id, None)
        if call is None or not call.finish(RpcError(StatusCode.CANCELLED, request.reason)):
            return None
        return _wire.encode(frame_pb2.Frame(stream_id=request.stream_id, cancel=frame_pb2.Cancel(reason=request.reason)))
