"""The qbsync client: one socket, every RPC of QuickBooksSync as a method."""

from __future__ import annotations

import math
import threading
from typing import Iterable, Mapping, Optional, Tuple, Union

from google.protobuf.message import DecodeError, Message

from qbsync_client import _wire
from qbsync_client._connection import Connection, NotSent
from qbsync_client._methods import RpcMethod, docstring, service_methods
from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2
from qbsync_client.status import RpcError, StatusCode
from qbsync_client.stream import ResponseStream

__all__ = ["Client", "Metadata", "AGENT"]

AGENT = "qbsync-python-client/0.1.0"

#: Call metadata: a mapping, or (key, value) pairs; keys are lower-case ASCII.
Metadata = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class Client:
    """A client of the qbsync service on a Unix domain socket.

    One connection carries every call, from any number of threads. It is
    opened on the first call (or :meth:`connect`); after the server goes
    away or the socket breaks, the next call opens a new one. Each RPC of
    ``qbsync.v1.QuickBooksSync`` is a method named in snake_case
    (``get_health``, ``sync_invoice``, ...) taking the request message;
    ``bulk_sync`` and ``stream_sync_events`` return a :class:`ResponseStream`.
    Failures raise :class:`RpcError`.

    Example::

        from qbsync_client import Client, messages as m

        with Client("/tmp/qbsync.sock") as client:
            health = client.get_health(m.GetHealthRequest())
    """

    def __init__(
        self,
        socket_path: str,
        timeout: Optional[float] = 30.0,
        *,
        stream_timeout: Optional[float] = None,
        connect_timeout: float = 5.0,
        max_frame_size: int = _wire.DEFAULT_MAX_FRAME_SIZE,
        stream_window: int = _wire.DEFAULT_WINDOW,
    ) -> None:
        """Creates a client; nothing is connected until the first call.

        Args:
            socket_path: The server's Unix socket.
            timeout: Default deadline of unary calls, in seconds; None for none.
            stream_timeout: Default deadline of streaming calls; None (the
                default) for none, since subscriptions are long-lived.
            connect_timeout: How long connecting plus the Hello exchange may take.
            max_frame_size: Largest frame body accepted from the server, bytes.
            stream_window: Response messages the server may send ahead on a stream.
        """
        if not 1 <= stream_window < 2**32:
            raise ValueError("stream_window must be between 1 and 2**32 - 1")
        if not 1 <= max_frame_size < 2**32:
            raise ValueError("max_frame_size must be between 1 and 2**32 - 1")
        self.socket_path = socket_path
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        self.connect_timeout = connect_timeout
        self.max_frame_size = max_frame_size
        self.stream_window = stream_window
        self._lock = threading.Lock()
        self._connection: Optional[Connection] = None
        self._closed = False

    # MARK: Connection

    def connect(self) -> frame_pb2.Hello:
        """Connects now if not connected; returns the server's Hello.

        Raises:
            GoAwayError: The server refused the connection (e.g. VERSION_MISMATCH).
            RpcError: UNAVAILABLE when the server cannot be reached.
        """
        return self._current().server_hello

    def _current(self) -> Connection:
        with self._lock:
            if self._closed:
                raise RpcError(StatusCode.UNAVAILABLE, "the client is closed")
            if self._connection is None or not self._connection.usable:
                # The old connection, if any, drains its calls and closes by itself.
                self._connection = Connection.connect(
                    self.socket_path,
                    max_frame_size=self.max_frame_size,
                    connect_timeout=self.connect_timeout,
                    agent=AGENT,
                )
            return self._connection

    def ping(self, timeout: Optional[float] = None) -> float:
        """Sends a ping on the connection and waits for the pong.

        Args:
            timeout: Seconds to wait; None uses the client's ``timeout``.

        Returns:
            The round trip time in seconds.
        """
        timeout = self.timeout if timeout is None else timeout
        for attempt in range(2):
            try:
                return self._current().ping(timeout)
            except NotSent as error:
                if attempt:
                    raise RpcError(error.code, error.message) from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Closes the connection; open calls end CANCELLED and later calls fail UNAVAILABLE."""
        with self._lock:
            self._closed = True
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close(RpcError(StatusCode.CANCELLED, "the client was closed"))

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # MARK: Calls

    def call_unary(
        self,
        path: str,
        request: Union[Message, bytes],
        response_class: type,
        *,
        timeout: Optional[float] = None,
        metadata: Optional[Metadata] = None,
    ) -> Message:
        """Calls any unary method by path; the generated methods use this.

        Args:
            path: ``/<package>.<Service>/<Method>``.
            request: The request message, or its encoded bytes.
            response_class: The generated class of the response.
            timeout: Seconds; None uses the client's ``timeout``.
            metadata: Key/value pairs sent with the call.
        """
        timeout = self.timeout if timeout is None else timeout
        connection, call = self._open(path, request, timeout, metadata, window=1)
        try:
            outcome, value = call.wait_unary()
            if outcome == "timeout":
                connection.cancel(
                    call,
                    "deadline exceeded",
                    RpcError(StatusCode.DEADLINE_EXCEEDED, f"{path}: deadline exceeded (no answer from the server)"),
                )
                outcome, value = call.wait_unary()  # the server's answer may have won the race
        except BaseException:
            connection.cancel(call, "the caller was interrupted", RpcError(StatusCode.CANCELLED, "call cancelled"))
            raise
        if outcome == "error":
            raise value  # type: ignore[misc]
        try:
            return response_class.FromString(value)
        except DecodeError as error:
            raise RpcError(StatusCode.INTERNAL, f"{path}: undecodable response: {error}") from error

    def call_server_streaming(
        self,
        path: str,
        request: Union[Message, bytes],
        response_class: type,
        *,
        timeout: Optional[float] = None,
        metadata: Optional[Metadata] = None,
    ) -> ResponseStream:
        """Opens any server-streaming method by path; the generated methods use this.

        Args:
            path: ``/<package>.<Service>/<Method>``.
            request: The request message, or its encoded bytes.
            response_class: The generated class of the responses.
            timeout: Seconds; None uses the client's ``stream_timeout``.
            metadata: Key/value pairs sent with the call.
        """
        timeout = self.stream_timeout if timeout is None else timeout
        connection, call = self._open(path, request, timeout, metadata, window=self.stream_window)
        return ResponseStream(connection, call, response_class, self.stream_window, path)

    def _open(self, path, request, timeout, metadata, window):
        if not isinstance(request, bytes):
            _refuse_nul(path, request)
        payload = request if isinstance(request, bytes) else request.SerializeToString()
        entries = _metadata(metadata)
        if timeout is not None:
            if math.isinf(timeout) and timeout > 0:
                timeout = None
            elif not timeout > 0:  # also catches NaN
                raise RpcError(StatusCode.DEADLINE_EXCEEDED, f"{path}: deadline exceeded before the call started")
        for attempt in range(2):
            connection = self._current()
            try:
                return connection, connection.open_call(path, payload, timeout=timeout, metadata=entries, window=window)
            except NotSent as error:
                # Nothing reached the server: one retry on a fresh connection is safe.
                if attempt:
                    raise RpcError(error.code, error.message) from None
        raise AssertionError("unreachable")


_NUL_PROBLEM = "contains a NUL character; strings must be UTF-8 without NUL characters"


def _field_with_nul(message: Message, prefix: str = "") -> Optional[str]:
    """The path of the first string field holding a NUL, as the server names fields."""
    for field, value in message.ListFields():
        name = prefix + field.name
        repeated = field.label == field.LABEL_REPEATED
        values = list(value) if repeated else [value]
        for index, item in enumerate(values):
            path = f"{name}[{index}]" if repeated else name
            if field.type == field.TYPE_STRING and "\x00" in item:
                return path
            if field.type == field.TYPE_MESSAGE:
                found = _field_with_nul(item, path + ".")
                if found:
                    return found
    return None


def _refuse_nul(path: str, request: Message) -> None:
    """Refuses a request with a NUL in a string before anything is sent.

    The server refuses such strings (INVALID_ARGUMENT naming the field); a C or
    Swift peer could not even send them unchanged. Python strings cannot hold
    invalid UTF-8 that protobuf would encode (surrogates fail on assignment),
    so NUL is the one character to check.
    """
    field = _field_with_nul(request)
    if field is None:
        return
    from qbsync_client._proto.qbsync.v1 import records_pb2

    violation = records_pb2.FieldViolation(field=field, description=_NUL_PROBLEM)
    raise RpcError(
        StatusCode.INVALID_ARGUMENT,
        f"{field}: {_NUL_PROBLEM}",
        [(records_pb2.FieldViolation.DESCRIPTOR.full_name, violation.SerializeToString())],
    )


def _bad_metadata(message: str) -> RpcError:
    """Metadata the server would refuse is refused here, before anything is sent,
    with the status the server would give (docs/protocol.md, "Metadata")."""
    return RpcError(StatusCode.INVALID_ARGUMENT, message)


def _metadata(metadata: Optional[Metadata]) -> Tuple[Tuple[str, str], ...]:
    if metadata is None:
        return ()
    pairs = metadata.items() if isinstance(metadata, Mapping) else metadata
    entries = []
    for key, value in pairs:
        value = str(value)
        if not key or not key.isascii() or key != key.lower():
            raise _bad_metadata(f"metadata key {key!r} must be non-empty lower-case ASCII")
        if "\x00" in key or "\x00" in value:
            raise _bad_metadata(f"metadata {key!r} contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _bad_metadata(f"metadata {key!r} is not valid UTF-8 (it holds a lone surrogate)") from None
        entries.append((key, value))
    return tuple(sorted(entries))


def _install(method: RpcMethod) -> None:
    """Adds one RPC to Client as a real method, so help() and completion see it."""
    if method.server_streaming:

        def rpc(self, request=None, *, timeout=None, metadata=None):
            return self.call_server_streaming(
                method.path,
                method.request_class() if request is None else _checked(method, request),
                method.response_class,
                timeout=timeout,
                metadata=metadata,
            )

        returns = ResponseStream[method.response_class]  # type: ignore[name-defined]
    else:

        def rpc(self, request=None, *, timeout=None, metadata=None):
            return self.call_unary(
                method.path,
                method.request_class() if request is None else _checked(method, request),
                method.response_class,
                timeout=timeout,
                metadata=metadata,
            )

        returns = method.response_class
    rpc.__name__ = method.attr
    rpc.__qualname__ = f"Client.{method.attr}"
    rpc.__doc__ = docstring(method)
    rpc.__annotations__ = {
        "request": Optional[method.request_class],  # type: ignore[name-defined]
        "timeout": Optional[float],
        "metadata": Optional[Metadata],
        "return": returns,
    }
    setattr(Client, method.attr, rpc)


def _checked(method: RpcMethod, request: Message) -> Message:
    if not isinstance(request, method.request_class):
        raise TypeError(
            f"{method.attr}() takes a {method.request_class.DESCRIPTOR.full_name}, not {type(request).__name__}"
        )
    return request


METHODS = {m.attr: m for m in service_methods()}
for _method in METHODS.values():
    _install(_method)
del _method
