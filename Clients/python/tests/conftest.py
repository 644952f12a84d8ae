"""Fixtures: one real ``qbsync serve`` for the session, a fresh Client per test."""

from __future__ import annotations

import pytest

from qbsync_client import Client
from support import ServerProcess


@pytest.fixture(scope="session")
def server():
    """``qbsync serve`` with its built-in simulator and the connected "demo" company."""
    process = ServerProcess()
    try:
        process.wait_ready()
    except BaseException:
        process.stop()
        raise
    yield process
    process.stop()


@pytest.fixture
def socket_path(server) -> str:
    return server.socket_path


@pytest.fixture
def client(socket_path):
    with Client(socket_path, timeout=10.0) as client:
        yield client
