"""The responses of a server-streaming call, as an iterator."""

from __future__ import annotations

from typing import Generic, Iterator, Type, TypeVar

from google.protobuf.message import DecodeError, Message

from qbsync_client._calls import OK, Call
from qbsync_client._connection import Connection
from qbsync_client.status import RpcError, StatusCode

__all__ = ["ResponseStream"]

T = TypeVar("T", bound=Message)


class ResponseStream(Generic[T], Iterator[T]):
    """Iterates over the response messages of one server-streaming call.

    The call is already open when the stream is returned. Iteration ends
    when the server ends the call OK, and raises :class:`RpcError` when it
    ends otherwise. The client grants the server more messages as they are
    consumed (half the window at a time), so a consumer that pauses holds a
    bounded number of messages. :meth:`close` (also on leaving a ``with``
    block, or when the stream is garbage collected, e.g. after ``break``-ing
    out of ``for m in client.stream_sync_events(...)``) cancels the call.
    """

    def __init__(self, connection: Connection, call: Call, response_class: Type[T], window: int, method: str) -> None:
        self._connection = connection
        self._call = call
        self._response_class = response_class
        self._grant_every = max(1, window // 2)
        self._consumed = 0
        self._method = method
        self._closed = False

    @property
    def stream_id(self) -> int:
        """The call's stream id on its connection."""
        return self._call.stream_id

    def __iter__(self) -> "ResponseStream[T]":
        return self

    def __next__(self) -> T:
        while not self._closed:
            kind, value = self._call.next()
            if kind == "message":
                self._granted_one()
                try:
                    return self._response_class.FromString(value)  # type: ignore[arg-type]
                except DecodeError as error:
                    failure = RpcError(StatusCode.INTERNAL, f"{self._method}: undecodable response: {error}")
                    self._connection.cancel(self._call, "undecodable response", failure)
                    self._closed = True
                    raise failure from error
            if kind == "end":
                if value is OK or self._closed:  # closed meanwhile from another thread
                    self._closed = True
                    raise StopIteration
                self._closed = True
                raise value  # type: ignore[misc]
            # The local deadline passed without word from the server.
            self._connection.cancel(
                self._call,
                "deadline exceeded",
                RpcError(StatusCode.DEADLINE_EXCEEDED, f"{self._method}: deadline exceeded (no answer from the server)"),
            )
        raise StopIteration

    def _granted_one(self) -> None:
        self._consumed += 1
        if self._consumed >= self._grant_every:
            self._connection.grant(self._call, self._consumed)
            self._consumed = 0

    def close(self) -> None:
        """Stops iterating and cancels the call on the server if it is still open."""
        self._closed = True
        if not self._call.finished:
            self._connection.cancel(self._call, "closed by the caller", RpcError(StatusCode.CANCELLED, "call cancelled"))

    cancel = close

    def __enter__(self) -> "ResponseStream[T]":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Finalizers may run on any thread while it holds locks: only queue the cancel.
        call = getattr(self, "_call", None)
        if call is not None and not call.finished:
            self._connection.cancel_from_finalizer(call.stream_id, "the caller stopped iterating")
