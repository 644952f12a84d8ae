"""The client side of one call: where the reader thread leaves what arrives."""

from __future__ import annotations

import collections
import threading
import time
from typing import Callable, Deque, Optional, Tuple, Union

from qbsync_client.status import RpcError, StatusCode

# How much longer than the deadline the client waits for the server's own
# DEADLINE_EXCEEDED before giving up locally: the server's answer carries
# its message, so it should win whenever the server is alive.
LOCAL_DEADLINE_GRACE = 0.1


class _Ok:
    """The call ended with status OK."""


OK = _Ok()
Outcome = Union[_Ok, RpcError]


class Call:
    """Responses and the final outcome of one stream, filled by the reader thread.

    Only the first outcome counts: a local deadline and the server's status
    may race, and whichever is recorded first is what the caller sees.
    """

    def __init__(self, stream_id: int, deadline: Optional[float]) -> None:
        self.stream_id = stream_id
        # Monotonic time after which the caller stops waiting (deadline plus grace).
        self.deadline = deadline
        self._cond = threading.Condition(threading.Lock())
        self._messages: Deque[bytes] = collections.deque()
        self._outcome: Optional[Outcome] = None

    def deliver(self, payload: bytes) -> None:
        with self._cond:
            if self._outcome is None:
                self._messages.append(payload)
                self._cond.notify_all()

    def finish(self, outcome: Outcome) -> bool:
        """Records the outcome; False when the call had already ended."""
        with self._cond:
            if self._outcome is not None:
                return False
            self._outcome = outcome
            self._cond.notify_all()
            return True

    @property
    def finished(self) -> bool:
        return self._outcome is not None

    def _wait_until(self, ready: Callable[[], bool]) -> bool:
        """Waits, holding the lock, until ``ready()``; False when the local deadline passed first."""
        while not ready():
            if self.deadline is None:
                self._cond.wait()
                continue
            left = self.deadline - time.monotonic()
            if left <= 0:
                return False
            self._cond.wait(min(left, threading.TIMEOUT_MAX))
        return True

    def next(self) -> Tuple[str, object]:
        """Waits for the next response or the end.

        Returns:
            ``("message", payload)``, ``("end", outcome)`` or ``("timeout", None)``
            when the local deadline passed first.
        """
        with self._cond:
            if not self._wait_until(lambda: bool(self._messages) or self._outcome is not None):
                return "timeout", None
            if self._messages:
                return "message", self._messages.popleft()
            return "end", self._outcome

    def wait_unary(self) -> Tuple[str, object]:
        """Waits for a unary call's end.

        Returns:
            ``("ok", payload)``, ``("error", RpcError)`` or ``("timeout", None)``.
        """
        with self._cond:
            if not self._wait_until(lambda: self._outcome is not None):
                return "timeout", None
            if isinstance(self._outcome, RpcError):
                return "error", self._outcome
            if len(self._messages) != 1:
                return "error", RpcError(
                    StatusCode.INTERNAL,
                    f"the server ended a unary call OK with {len(self._messages)} response messages instead of 1",
                )
            return "ok", self._messages[0]
