"""Every message class and enum of package ``qbsync.v1``, in one namespace.

    from qbsync_client import messages as m

    m.SyncInvoiceRequest(company_id="demo", invoice=m.Invoice(...))
    m.SyncStatus.SYNC_STATUS_SYNCED  # or m.SYNC_STATUS_SYNCED

The envelope (``qbsync.rpc.v1``) is not here: it is the client's business.
"""

from qbsync_client._proto.qbsync.v1.companies_pb2 import *  # noqa: F401,F403
from qbsync_client._proto.qbsync.v1.customers_pb2 import *  # noqa: F401,F403
from qbsync_client._proto.qbsync.v1.operations_pb2 import *  # noqa: F401,F403
from qbsync_client._proto.qbsync.v1.records_pb2 import *  # noqa: F401,F403
from qbsync_client._proto.qbsync.v1.transactions_pb2 import *  # noqa: F401,F403
from qbsync_client._proto.qbsync.v1 import (
    companies_pb2 as _companies,
    customers_pb2 as _customers,
    operations_pb2 as _operations,
    records_pb2 as _records,
    service_pb2 as _service,
    transactions_pb2 as _transactions,
)


def _public_names():
    names = []
    for module in (_records, _companies, _customers, _transactions, _operations, _service):
        file = module.DESCRIPTOR
        names += file.message_types_by_name
        for enum_name, enum in file.enum_types_by_name.items():
            names.append(enum_name)
            names += enum.values_by_name
    return sorted(set(names))


__all__ = _public_names()

# The star imports also brought each module's DESCRIPTOR and import aliases.
for _name in [n for n in list(globals()) if n == "DESCRIPTOR" or n.startswith("qbsync_dot_")]:
    del globals()[_name]
del _name
