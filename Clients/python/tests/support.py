"""Test support: the real server as a process, raw sockets, and a scripted fake peer."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, List, Optional

from qbsync_client import Client, RpcError, messages as m
from qbsync_client._proto.qbsync.rpc.v1 import frame_pb2
from qbsync_client._wire import FrameReader, encode

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO = "demo"


def unique(prefix: str) -> str:
    """An id no other test (or run against the same database) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def frame_bytes(frame: frame_pb2.Frame) -> bytes:
    return encode(frame, limit=2**32 - 1)


def hello_bytes(version: int = 1) -> bytes:
    return frame_bytes(frame_pb2.Frame(stream_id=0, hello=frame_pb2.Hello(protocol_version=version, agent="qbsync-python-tests")))


def prefix(length: int) -> bytes:
    return struct.pack(">I", length)


# MARK: The real server


def server_binary() -> Path:
    return Path(os.environ.get("QBSYNC_BIN") or REPO_ROOT / ".build" / "debug" / "qbsync")


class ServerProcess:
    """``qbsync serve`` on a temporary socket and database."""

    def __init__(self, *extra_args: str) -> None:
        binary = server_binary()
        if not os.access(binary, os.X_OK):
            raise RuntimeError(
                f"no qbsync binary at {binary}: build it with `swift build --product qbsync` "
                "in the repository root, or point QBSYNC_BIN at one"
            )
        self.directory = tempfile.mkdtemp(prefix="qbsync-py-")
        self.socket_path = os.path.join(self.directory, "qbsync.sock")
        self.database = os.path.join(self.directory, "qbsync.sqlite3")
        self._stderr = open(os.path.join(self.directory, "stderr.log"), "w+b")
        self.process = subprocess.Popen(
            [str(binary), "serve", "--socket", self.socket_path, "--database", self.database, "--log-level", "critical", *extra_args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )

    def stderr(self) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Waits until a client's ping is answered."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"qbsync serve exited with {self.process.returncode}:\n{self.stderr()}")
            if os.path.exists(self.socket_path):
                try:
                    with Client(self.socket_path, timeout=2.0, connect_timeout=2.0) as client:
                        client.ping()
                        return
                except RpcError:
                    pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"qbsync serve did not answer within {timeout} s:\n{self.stderr()}")
            time.sleep(0.05)

    def terminate(self) -> None:
        """Sends SIGTERM (graceful shutdown)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, grace: float = 15.0) -> Optional[int]:
        """SIGTERM, then SIGKILL if it has not exited after ``grace`` s; returns the exit status."""
        self.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()
        shutil.rmtree(self.directory, ignore_errors=True)
        return self.process.returncode


# MARK: Raw sockets


class RawPeer:
    """A hand-driven client socket, for bytes the Client would never send."""

    def __init__(self, socket_path: str, timeout: float = 5.0) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(socket_path)
        self.reader = FrameReader(self.sock, 2**32 - 1)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_frame(self, frame: frame_pb2.Frame) -> None:
        self.send(frame_bytes(frame))

    def read(self) -> Optional[frame_pb2.Frame]:
        """The next frame, or None when the server closed the connection."""
        return self.reader.read()

    def handshake(self) -> frame_pb2.Hello:
        self.send(hello_bytes())
        frame = self.read()
        assert frame is not None and frame.WhichOneof("kind") == "hello", frame
        return frame.hello

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "RawPeer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# MARK: A scripted server


class FakeConnection:
    """The server side of one accepted connection in a :class:`FakeServer`."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.settimeout(10.0)
        self.reader = FrameReader(sock)
        self.received: List[frame_pb2.Frame] = []

    def read(self) -> Optional[frame_pb2.Frame]:
        frame = self.reader.read()
        if frame is not None:
            self.received.append(frame)
        return frame

    def expect(self, kind: str) -> frame_pb2.Frame:
        """Reads until a frame of ``kind``, skipping others; fails on EOF."""
        while True:
            frame = self.read()
            assert frame is not None, f"connection closed while waiting for a {kind} frame"
            if frame.WhichOneof("kind") == kind:
                return frame

    def handshake(self, **hello: int) -> frame_pb2.Hello:
        client_hello = self.expect("hello").hello
        self.send(frame_pb2.Frame(stream_id=0, hello=frame_pb2.Hello(protocol_version=1, agent="fake", **hello)))
        return client_hello

    def send(self, frame: frame_pb2.Frame) -> None:
        self.sock.sendall(frame_bytes(frame))

    def respond(self, stream_id: int, response, code: int = 0, message: str = "") -> None:
        if response is not None:
            self.send(frame_pb2.Frame(stream_id=stream_id, message=frame_pb2.Message(payload=response.SerializeToString())))
        self.send(frame_pb2.Frame(stream_id=stream_id, status=frame_pb2.Status(code=code, message=message)))

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class FakeServer:
    """Accepts connections and runs ``script(connection, index)`` for each on a thread.

    What the script asserts surfaces in :meth:`stop` (or on leaving the
    ``with`` block), so a failing script fails the test.
    """

    def __init__(self, script: Callable[[FakeConnection, int], None]) -> None:
        self.directory = tempfile.mkdtemp(prefix="qbsync-fake-")
        self.socket_path = os.path.join(self.directory, "fake.sock")
        self._script = script
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.socket_path)
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self._errors: "queue.Queue[BaseException]" = queue.Queue()
        self._stopping = threading.Event()
        self._threads: List[threading.Thread] = []
        self.connections: List[FakeConnection] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            connection = FakeConnection(sock)
            index = len(self.connections)
            self.connections.append(connection)
            thread = threading.Thread(target=self._run, args=(connection, index), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self, connection: FakeConnection, index: int) -> None:
        try:
            self._script(connection, index)
        except BaseException as error:  # reported by stop()
            self._errors.put(error)
        finally:
            connection.close()

    def stop(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        for thread in list(self._threads):
            thread.join(10)
        self._stopping.set()
        self._listener.close()
        self._acceptor.join(5)
        if not self._errors.empty():
            raise self._errors.get()

    def __enter__(self) -> "FakeServer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# MARK: Domain helpers


def record_ref(entity: int, external_id: str) -> m.RecordRef:
    return m.RecordRef(company_id=DEMO, entity=entity, external_id=external_id)


def wait_for_status(client: Client, ref: m.RecordRef, wanted: int, timeout: float = 15.0) -> m.GetRecordResponse:
    """Polls GetRecord until the record reaches ``wanted``; fails with its last state."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get_record(m.GetRecordRequest(ref=ref, history_limit=20))
        if response.record.status == wanted:
            return response
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{ref.external_id} still {m.SyncStatus.Name(response.record.status)} after {timeout} s, "
                f"not {m.SyncStatus.Name(wanted)}:\n{response.record}"
            )
        time.sleep(0.05)


def linked_customer(client: Client) -> str:
    """Creates a QBO customer for a fresh rental customer; returns its external id."""
    external_id = unique("cust")
    response = client.link_customer(
        m.LinkCustomerRequest(
            company_id=DEMO,
            mode=m.LINK_MODE_CREATE,
            customer=m.Customer(external_id=external_id, given_name="Test", family_name=external_id, email=f"{external_id}@example.com"),
        )
    )
    assert response.outcome == m.LINK_OUTCOME_CREATED, response
    return external_id


def mapped_item(client: Client, qbo_name: str = "Equipment Rental") -> str:
    """AutoMaps a fresh item code to the QBO item of that name; returns the code."""
    code = unique("ITEM")
    response = client.auto_map(
        m.AutoMapRequest(company_id=DEMO, kind=m.MAPPING_KIND_ITEM, entries=[m.AutoMapEntry(external_code=code, name=qbo_name)])
    )
    assert [mapping.external_code for mapping in response.mapped] == [code], response
    return code


def invoice(customer: str, item: str, amount_minor: int = 25000, **fields) -> m.Invoice:
    """A one-line invoice: 2 x (amount / 2)."""
    external_id = fields.pop("external_id", None) or unique("inv")
    return m.Invoice(
        external_id=external_id,
        customer_external_id=customer,
        doc_number=external_id[-21:],
        txn_date="2026-11-20",
        currency="USD",
        lines=[
            m.InvoiceLine(
                kind=m.LINE_KIND_SALE,
                item_code=item,
                description="Generator rental",
                quantity="2",
                unit_rate=f"{amount_minor / 200:.2f}",
                amount_minor=amount_minor,
            )
        ],
        **fields,
    )
