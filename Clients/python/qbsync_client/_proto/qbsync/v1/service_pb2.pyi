from qbsync_client._proto.qbsync.v1 import catalog_pb2 as _catalog_pb2
from qbsync_client._proto.qbsync.v1 import companies_pb2 as _companies_pb2
from qbsync_client._proto.qbsync.v1 import customers_pb2 as _customers_pb2
from qbsync_client._proto.qbsync.v1 import transactions_pb2 as _transactions_pb2
from qbsync_client._proto.qbsync.v1 import operations_pb2 as _operations_pb2
from qbsync_client._proto.qbsync.v1 import items_pb2 as _items_pb2
from qbsync_client._proto.qbsync.v1 import payables_pb2 as _payables_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
