"""Status codes and the error every failed call raises."""

from __future__ import annotations

import enum
from typing import List, Optional, Sequence, Tuple, Type, TypeVar, Union

from google.protobuf.message import Message

__all__ = ["StatusCode", "RpcError", "GoAwayError"]

_M = TypeVar("_M", bound=Message)


class StatusCode(enum.IntEnum):
    """gRPC canonical status codes, as carried by ``Status.code`` on the wire."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


def _code(value: int) -> Union[StatusCode, int]:
    try:
        return StatusCode(value)
    except ValueError:
        return value  # a code this client does not know; kept as the server sent it


class RpcError(Exception):
    """A call that ended with a non-OK status.

    Raised for statuses the server sent and for failures the client detects
    itself (a deadline with no answer, a broken connection, a request too
    large to send).

    Attributes:
        code: The gRPC status code (a :class:`StatusCode`, which is an ``int``).
        code_name: The code's name, e.g. ``"INVALID_ARGUMENT"``.
        message: The human-readable explanation.
        details: Typed attachments as ``(type name, encoded bytes)`` pairs,
            e.g. ``("qbsync.v1.FieldViolation", b"...")``.
    """

    def __init__(
        self,
        code: int,
        message: str = "",
        details: Sequence[Tuple[str, bytes]] = (),
    ) -> None:
        self.code = _code(int(code))
        self.message = message
        self.details: List[Tuple[str, bytes]] = [(str(t), bytes(v)) for t, v in details]
        super().__init__(code, message)

    @property
    def code_name(self) -> str:
        """The status code's name, e.g. ``"NOT_FOUND"`` (``"CODE_17"`` if unknown)."""
        return self.code.name if isinstance(self.code, StatusCode) else f"CODE_{self.code}"

    @classmethod
    def from_status(cls, status) -> "RpcError":
        """Builds the error of a ``qbsync.rpc.v1.Status`` frame."""
        return cls(status.code, status.message, [(d.type, d.value) for d in status.details])

    def details_of(self, message_class: Type[_M]) -> List[_M]:
        """Decodes every detail of one message type.

        Args:
            message_class: A generated message class, e.g. ``records_pb2.FieldViolation``.

        Returns:
            The decoded details of that type, in the order the server sent them.

        Raises:
            DecodeError: A detail claims the type but does not decode as it.
        """
        name = message_class.DESCRIPTOR.full_name
        return [message_class.FromString(value) for type_name, value in self.details if type_name == name]

    def detail(self, message_class: Type[_M]) -> Optional[_M]:
        """Decodes the first detail of one message type, or returns None.

        Args:
            message_class: A generated message class, e.g. ``records_pb2.ErrorDetail``.
        """
        found = self.details_of(message_class)
        return found[0] if found else None

    def __str__(self) -> str:
        return f"{self.code_name}: {self.message}" if self.message else self.code_name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code_name}, {self.message!r})"


class GoAwayError(RpcError):
    """The server ended the connection with a GoAway other than a graceful shutdown.

    Raised when connecting is refused (``VERSION_MISMATCH``,
    ``PERMISSION_DENIED``, ``TOO_MANY_CONNECTIONS``) and for calls still open
    when the server gives up on a connection (``PROTOCOL_ERROR``, ...).
    ``message`` is the server's GoAway message.

    Attributes:
        reason: The ``GoAwayReason`` number.
        reason_name: Its short name, e.g. ``"VERSION_MISMATCH"``.
        last_stream_id: The highest stream id the server accepted.
    """

    def __init__(self, code: int, message: str, reason: int, reason_name: str, last_stream_id: int = 0) -> None:
        super().__init__(code, message)
        self.reason = reason
        self.reason_name = reason_name
        self.last_stream_id = last_stream_id

    def __str__(self) -> str:
        return f"{self.code_name} (server GoAway {self.reason_name}): {self.message}"

