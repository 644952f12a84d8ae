"""Framing: a 4-byte big-endian length, then one protobuf ``Frame`` (docs/protocol.md §1)."""

from __future__ import annotations

import socket
import struct
from typing import Optional

from google.protobuf.message import DecodeError

from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2

PROTOCOL_VERSION = 1
DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024
DEFAULT_WINDOW = 64
SERVICE = "qbsync.v1.QuickBooksSync"

_PREFIX = struct.Struct(">I")
_READ_CHUNK = 256 * 1024


class FrameError(Exception):
    """The byte stream broke the framing rules."""


class FrameTooLarge(FrameError):
    """A frame (announced or about to be sent) exceeds the receiver's limit."""

    def __init__(self, size: int, limit: int, direction: str) -> None:
        super().__init__(f"{direction} frame of {size} bytes exceeds the limit of {limit} bytes")
        self.size = size
        self.limit = limit


def effective_limit(announced: int) -> int:
    """A Hello's ``max_frame_size``, with 0 meaning the 4 MiB default."""
    return announced or DEFAULT_MAX_FRAME_SIZE


def encode(frame: frame_pb2.Frame, limit: int = DEFAULT_MAX_FRAME_SIZE) -> bytes:
    """Serializes one frame with its length prefix.

    Raises:
        FrameTooLarge: The body is larger than ``limit`` (the peer's maximum).
    """
    body = frame.SerializeToString()
    if len(body) > limit:
        raise FrameTooLarge(len(body), limit, "outgoing")
    return _PREFIX.pack(len(body)) + body


def hello_frame(max_frame_size: int, agent: str, version: Optional[int] = None) -> frame_pb2.Frame:
    """The client's first frame, offering ``version`` (default: :data:`PROTOCOL_VERSION`)."""
    return frame_pb2.Frame(
        stream_id=0,
        hello=frame_pb2.Hello(
            protocol_version=PROTOCOL_VERSION if version is None else version,
            max_frame_size=max_frame_size,
            agent=agent,
        ),
    )


class FrameReader:
    """Reads whole frames from a blocking socket.

    The length prefix is checked against ``max_frame_size`` before the body
    is read, so a hostile or broken peer cannot make the client buffer more.
    """

    def __init__(self, sock: socket.socket, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> None:
        self._sock = sock
        self._limit = max_frame_size
        self._buffer = bytearray()

    def read(self) -> Optional[frame_pb2.Frame]:
        """Returns the next frame, or None at a clean end of stream.

        Raises:
            FrameTooLarge: The length prefix is over the limit.
            FrameError: The stream ended inside a frame, or the body is not a
                ``Frame``, or a frame has no kind.
            OSError: The socket failed (including a timeout set on it).
        """
        if not self._fill(_PREFIX.size):
            if self._buffer:
                raise FrameError("connection closed inside a length prefix")
            return None
        (length,) = _PREFIX.unpack_from(self._buffer)
        if length > self._limit:
            raise FrameTooLarge(length, self._limit, "incoming")
        if not self._fill(_PREFIX.size + length):
            raise FrameError(f"connection closed inside a frame of {length} bytes")
        body = bytes(self._buffer[_PREFIX.size : _PREFIX.size + length])
        del self._buffer[: _PREFIX.size + length]
        try:
            frame = frame_pb2.Frame.FromString(body)
        except DecodeError as error:
            raise FrameError(f"undecodable frame of {length} bytes: {error}") from error
        if frame.WhichOneof("kind") is None:
            raise FrameError("frame with no kind")
        return frame

    def _fill(self, wanted: int) -> bool:
        while len(self._buffer) < wanted:
            chunk = self._sock.recv(max(_READ_CHUNK, wanted - len(self._buffer)))
            if not chunk:
                return False
            self._buffer += chunk
        return True
