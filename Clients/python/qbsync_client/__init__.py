"""Python client of qbsync, the QuickBooks Online sync service.

    from qbsync_client import Client, RpcError, StatusCode, messages as m

    with Client("/tmp/qbsync.sock") as client:
        health = client.get_health(m.GetHealthRequest())

See :class:`Client` for the RPC methods and :class:`RpcError` for failures.
"""

from qbsync_client import messages
from qbsync_client.client import AGENT, Client, Metadata
from qbsync_client.status import GoAwayError, RpcError, StatusCode
from qbsync_client.stream import ResponseStream

__version__ = "0.1.0"

__all__ = [
    "AGENT",
    "Client",
    "GoAwayError",
    "Metadata",
    "ResponseStream",
    "RpcError",
    "StatusCode",
    "messages",
]
