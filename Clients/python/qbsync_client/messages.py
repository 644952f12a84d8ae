"""Every message class and enum of package ``qbsync.v1``, in one namespace.

    from qbsync_client import messages as m

    m.SyncInvoiceRequest(company_id="demo", invoice=m.Invoice(...))
    m.SyncStatus.SYNC_STATUS_SYNCED  # or m.SYNC_STATUS_SYNCED

The envelope (``qbsync.rpc.v1``) is not here: it is the client's business.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from qbsync_client._proto.qbsync import v1 as _v1

# Every generated module of the package, so a new .proto needs no edit here.
_modules = [
    _importlib.import_module(f"{_v1.__name__}.{info.name}")
    for info in sorted(_pkgutil.iter_modules(_v1.__path__), key=lambda info: info.name)
    if info.name.endswith("_pb2")
]


def _public_names():
    names = []
    for module in _modules:
        file = module.DESCRIPTOR
        names += file.message_types_by_name
        for enum_name, enum in file.enum_types_by_name.items():
            names.append(enum_name)
            names += enum.values_by_name
    return sorted(set(names))


for _module in _modules:
    for _name in _public_names():
        if hasattr(_module, _name):
            globals()[_name] = getattr(_module, _name)

__all__ = _public_names()

del _module, _name
