"""The public surface: one documented method per RPC, the messages namespace, the stub."""

from __future__ import annotations

import inspect

import qbsync_client
from qbsync_client import Client, ResponseStream, RpcError, StatusCode, messages
from qbsync_client import _stub
from qbsync_client._proto.qbsync.v1 import service_pb2


def rpcs():
    return list(service_pb2.DESCRIPTOR.services_by_name["QuickBooksSync"].methods)


def test_every_rpc_is_a_documented_client_method():
    names = {
        "ConnectCompany": "connect_company",
        "UpdateCompanySettings": "update_company_settings",
        "GetHealth": "get_health",
        "StreamSyncEvents": "stream_sync_events",
        "BulkSync": "bulk_sync",
        "AutoMap": "auto_map",
    }
    assert len(rpcs()) == len(service_pb2.DESCRIPTOR.services_by_name["QuickBooksSync"].methods) >= 22
    names["ListQBOEntities"] = "list_qbo_entities"  # acronyms stay one word
    for rpc in rpcs():
        attr = names.get(rpc.name) or "".join("_" + c.lower() if c.isupper() else c for c in rpc.name).lstrip("_")
        method = Client.__dict__.get(attr)
        assert callable(method), rpc.name
        assert f"/qbsync.v1.QuickBooksSync/{rpc.name}" in method.__doc__
        assert rpc.input_type.full_name in method.__doc__
        signature = inspect.signature(method)
        assert list(signature.parameters) == ["self", "request", "timeout", "metadata"]
        returns = signature.return_annotation
        if rpc.server_streaming:
            assert returns.__origin__ is ResponseStream
        else:
            assert returns.DESCRIPTOR.full_name == rpc.output_type.full_name


def test_messages_exports_every_message_and_enum_of_qbsync_v1():
    assert messages.SyncInvoiceRequest.DESCRIPTOR.full_name == "qbsync.v1.SyncInvoiceRequest"
    assert messages.FieldViolation.DESCRIPTOR.full_name == "qbsync.v1.FieldViolation"
    assert messages.SyncStatus.Name(messages.SYNC_STATUS_SYNCED) == "SYNC_STATUS_SYNCED"
    for rpc in rpcs():
        assert getattr(messages, rpc.input_type.name).DESCRIPTOR is rpc.input_type
        assert getattr(messages, rpc.output_type.name).DESCRIPTOR is rpc.output_type
    assert not hasattr(messages, "Frame")  # the envelope stays private
    assert not hasattr(messages, "DESCRIPTOR")


def test_status_codes_use_grpc_numbering():
    assert [c.value for c in StatusCode] == list(range(17))
    assert StatusCode.UNIMPLEMENTED == 12 and StatusCode(4).name == "DEADLINE_EXCEEDED"
    error = RpcError(3, "bad")
    assert error.code == 3 and error.code_name == "INVALID_ARGUMENT" and str(error) == "INVALID_ARGUMENT: bad"
    assert RpcError(99).code_name == "CODE_99"


def test_client_stub_is_current_and_declares_every_public_member():
    assert _stub.STUB.read_text() == _stub.render(), "client.pyi is stale: python -m qbsync_client._stub"
    text = _stub.STUB.read_text()
    public = [name for name in dir(Client) if not name.startswith("_")]
    missing = [name for name in public if f"def {name}(" not in text and f"    {name}:" not in text]
    assert not missing


def test_package_exports():
    for name in qbsync_client.__all__:
        assert hasattr(qbsync_client, name), name
