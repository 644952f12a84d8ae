"""The RPCs of ``qbsync.v1.QuickBooksSync``, read from the service descriptor."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import List, Type

from google.protobuf.descriptor import Descriptor, MethodDescriptor
from google.protobuf.message import Message

from qbsync_client._proto.qbsync.v1 import service_pb2

SERVICE_NAME = "QuickBooksSync"


@dataclass(frozen=True)
class RpcMethod:
    """One RPC: how it is called and what it exchanges."""

    name: str  # "SyncInvoice"
    attr: str  # "sync_invoice"
    path: str  # "/qbsync.v1.QuickBooksSync/SyncInvoice"
    request_class: Type[Message]
    response_class: Type[Message]
    server_streaming: bool


def snake_case(name: str) -> str:
    """``"GetHealth"`` -> ``"get_health"``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def message_class(descriptor: Descriptor) -> Type[Message]:
    """The generated class of a top-level message, found through its .proto file."""
    module = "qbsync_client._proto." + descriptor.file.name[: -len(".proto")].replace("/", ".") + "_pb2"
    return getattr(importlib.import_module(module), descriptor.name)


def _method(service_full_name: str, method: MethodDescriptor) -> RpcMethod:
    if method.client_streaming:
        raise NotImplementedError(f"{method.full_name} is client-streaming; the protocol takes one request per call")
    return RpcMethod(
        name=method.name,
        attr=snake_case(method.name),
        path=f"/{service_full_name}/{method.name}",
        request_class=message_class(method.input_type),
        response_class=message_class(method.output_type),
        server_streaming=method.server_streaming,
    )


def service_methods() -> List[RpcMethod]:
    """Every RPC of the service, in .proto order."""
    service = service_pb2.DESCRIPTOR.services_by_name[SERVICE_NAME]
    return [_method(service.full_name, m) for m in service.methods]


def _fields(cls: Type[Message]) -> str:
    names = [f.name for f in cls.DESCRIPTOR.fields]
    return "fields: " + ", ".join(names) if names else "no fields"


def docstring(method: RpcMethod) -> str:
    """The docstring of a Client method."""
    request = method.request_class.DESCRIPTOR.full_name
    response = method.response_class.DESCRIPTOR.full_name
    if method.server_streaming:
        summary = f"Calls ``{method.path}``, a server-streaming RPC."
        timeout = "Seconds before the call ends DEADLINE_EXCEEDED; None uses the client's ``stream_timeout`` (no deadline by default)."
        returns = (
            f"A :class:`ResponseStream` of ``{response}`` ({_fields(method.response_class)}). "
            "The call starts at once; closing the stream or leaving a for loop early cancels it."
        )
        raises = "Iterating raises RpcError when the call ends with a non-OK status."
    else:
        summary = f"Calls ``{method.path}``, a unary RPC."
        timeout = "Seconds before the call ends DEADLINE_EXCEEDED; None uses the client's ``timeout``."
        returns = f"The ``{response}`` ({_fields(method.response_class)})."
        raises = "The call ended with a non-OK status (``.code``, ``.message``, ``.details``)."
    return "\n".join(
        [
            summary,
            "",
            "Args:",
            f"    request: A ``{request}`` ({_fields(method.request_class)}); None sends an empty one.",
            f"    timeout: {timeout}",
            "    metadata: Key/value pairs sent with the call (keys lower-case ASCII).",
            "",
            "Returns:",
            f"    {returns}",
            "",
            "Raises:",
            f"    RpcError: {raises}",
        ]
    )
