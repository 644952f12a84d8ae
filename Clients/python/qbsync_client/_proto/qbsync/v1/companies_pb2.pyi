from qbsync_client._proto.qbsync.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CONNECTION_STATE_ACTIVE: ConnectionState
CONNECTION_STATE_DISCONNECTED: ConnectionState
CONNECTION_STATE_ERROR: ConnectionState
CONNECTION_STATE_UNSPECIFIED: ConnectionState
DESCRIPTOR: _descriptor.FileDescriptor
DRIFT_POLICY_ACCEPT_QUICKBOOKS: DriftPolicy
DRIFT_POLICY_REPORT: DriftPolicy
DRIFT_POLICY_REPUSH: DriftPolicy
DRIFT_POLICY_UNSPECIFIED: DriftPolicy
INVOICE_POLICY_ONLY_WITH_PAYMENT: InvoicePolicy
INVOICE_POLICY_SYNC_ALL: InvoicePolicy
INVOICE_POLICY_UNSPECIFIED: InvoicePolicy
MAPPING_KIND_ACCOUNT: MappingKind
MAPPING_KIND_CLASS: MappingKind
MAPPING_KIND_ITEM: MappingKind
MAPPING_KIND_LOCATION: MappingKind
MAPPING_KIND_PAYMENT_METHOD: MappingKind
MAPPING_KIND_TAX_CODE: MappingKind
MAPPING_KIND_UNSPECIFIED: MappingKind

class AutoMapEntry(_message.Message):
    __slots__ = ["external_code", "name"]
    EXTERNAL_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    external_code: str
    name: str
    def __init__(self, external_code: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class AutoMapRequest(_message.Message):
    __slots__ = ["company_id", "dry_run", "entries", "kind"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    dry_run: bool
    entries: _containers.RepeatedCompositeFieldContainer[AutoMapEntry]
    kind: MappingKind
    def __init__(self, company_id: _Optional[str] = ..., kind: _Optional[_Union[MappingKind, str]] = ..., entries: _Optional[_Iterable[_Union[AutoMapEntry, _Mapping]]] = ..., dry_run: bool = ...) -> None: ...

class AutoMapResponse(_message.Message):
    __slots__ = ["ambiguous_codes", "mapped", "records_unblocked", "unmatched_codes"]
    AMBIGUOUS_CODES_FIELD_NUMBER: _ClassVar[int]
    MAPPED_FIELD_NUMBER: _ClassVar[int]
    RECORDS_UNBLOCKED_FIELD_NUMBER: _ClassVar[int]
    UNMATCHED_CODES_FIELD_NUMBER: _ClassVar[int]
    ambiguous_codes: _containers.RepeatedScalarFieldContainer[str]
    mapped: _containers.RepeatedCompositeFieldContainer[Mapping]
    records_unblocked: int
    unmatched_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, mapped: _Optional[_Iterable[_Union[Mapping, _Mapping]]] = ..., unmatched_codes: _Optional[_Iterable[str]] = ..., ambiguous_codes: _Optional[_Iterable[str]] = ..., records_unblocked: _Optional[int] = ...) -> None: ...

class Company(_message.Message):
    __slots__ = ["company_id", "connection_changed_at", "connection_message", "connection_state", "drift_checked_through", "qbo", "realm_id", "settings"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_STATE_FIELD_NUMBER: _ClassVar[int]
    DRIFT_CHECKED_THROUGH_FIELD_NUMBER: _ClassVar[int]
    QBO_FIELD_NUMBER: _ClassVar[int]
    REALM_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    connection_changed_at: str
    connection_message: str
    connection_state: ConnectionState
    drift_checked_through: str
    qbo: QBOCompanyFacts
    realm_id: str
    settings: CompanySettings
    def __init__(self, company_id: _Optional[str] = ..., realm_id: _Optional[str] = ..., connection_state: _Optional[_Union[ConnectionState, str]] = ..., connection_message: _Optional[str] = ..., settings: _Optional[_Union[CompanySettings, _Mapping]] = ..., connection_changed_at: _Optional[str] = ..., drift_checked_through: _Optional[str] = ..., qbo: _Optional[_Union[QBOCompanyFacts, _Mapping]] = ...) -> None: ...

class CompanySettings(_message.Message):
    __slots__ = ["auto_create_customers", "disabled_entities", "drift_policy", "home_currency", "invoice_policy"]
    AUTO_CREATE_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    DISABLED_ENTITIES_FIELD_NUMBER: _ClassVar[int]
    DRIFT_POLICY_FIELD_NUMBER: _ClassVar[int]
    HOME_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    INVOICE_POLICY_FIELD_NUMBER: _ClassVar[int]
    auto_create_customers: bool
    disabled_entities: _containers.RepeatedScalarFieldContainer[_records_pb2.EntityType]
    drift_policy: DriftPolicy
    home_currency: str
    invoice_policy: InvoicePolicy
    def __init__(self, auto_create_customers: bool = ..., invoice_policy: _Optional[_Union[InvoicePolicy, str]] = ..., home_currency: _Optional[str] = ..., disabled_entities: _Optional[_Iterable[_Union[_records_pb2.EntityType, str]]] = ..., drift_policy: _Optional[_Union[DriftPolicy, str]] = ...) -> None: ...

class ConnectCompanyRequest(_message.Message):
    __slots__ = ["company_id", "credentials", "settings"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    credentials: QBOCredentials
    settings: CompanySettings
    def __init__(self, company_id: _Optional[str] = ..., credentials: _Optional[_Union[QBOCredentials, _Mapping]] = ..., settings: _Optional[_Union[CompanySettings, _Mapping]] = ...) -> None: ...

class ConnectCompanyResponse(_message.Message):
    __slots__ = ["company"]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    company: Company
    def __init__(self, company: _Optional[_Union[Company, _Mapping]] = ...) -> None: ...

class DeleteMappingRequest(_message.Message):
    __slots__ = ["company_id", "external_code", "kind"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    external_code: str
    kind: MappingKind
    def __init__(self, company_id: _Optional[str] = ..., kind: _Optional[_Union[MappingKind, str]] = ..., external_code: _Optional[str] = ...) -> None: ...

class DeleteMappingResponse(_message.Message):
    __slots__ = ["deleted"]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: bool = ...) -> None: ...

class DisconnectCompanyRequest(_message.Message):
    __slots__ = ["company_id"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    def __init__(self, company_id: _Optional[str] = ...) -> None: ...

class DisconnectCompanyResponse(_message.Message):
    __slots__ = ["company"]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    company: Company
    def __init__(self, company: _Optional[_Union[Company, _Mapping]] = ...) -> None: ...

class GetCompanyRequest(_message.Message):
    __slots__ = ["company_id"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    def __init__(self, company_id: _Optional[str] = ...) -> None: ...

class GetCompanyResponse(_message.Message):
    __slots__ = ["company"]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    company: Company
    def __init__(self, company: _Optional[_Union[Company, _Mapping]] = ...) -> None: ...

class ListMappingsRequest(_message.Message):
    __slots__ = ["company_id", "kind"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    kind: MappingKind
    def __init__(self, company_id: _Optional[str] = ..., kind: _Optional[_Union[MappingKind, str]] = ...) -> None: ...

class ListMappingsResponse(_message.Message):
    __slots__ = ["mappings", "unmapped"]
    MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    UNMAPPED_FIELD_NUMBER: _ClassVar[int]
    mappings: _containers.RepeatedCompositeFieldContainer[Mapping]
    unmapped: _containers.RepeatedCompositeFieldContainer[UnmappedCode]
    def __init__(self, mappings: _Optional[_Iterable[_Union[Mapping, _Mapping]]] = ..., unmapped: _Optional[_Iterable[_Union[UnmappedCode, _Mapping]]] = ...) -> None: ...

class Mapping(_message.Message):
    __slots__ = ["external_code", "kind", "qbo_id", "qbo_name", "qbo_payment_method_id"]
    EXTERNAL_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    QBO_ID_FIELD_NUMBER: _ClassVar[int]
    QBO_NAME_FIELD_NUMBER: _ClassVar[int]
    QBO_PAYMENT_METHOD_ID_FIELD_NUMBER: _ClassVar[int]
    external_code: str
    kind: MappingKind
    qbo_id: str
    qbo_name: str
    qbo_payment_method_id: str
    def __init__(self, kind: _Optional[_Union[MappingKind, str]] = ..., external_code: _Optional[str] = ..., qbo_id: _Optional[str] = ..., qbo_name: _Optional[str] = ..., qbo_payment_method_id: _Optional[str] = ...) -> None: ...

class QBOCompanyFacts(_message.Message):
    __slots__ = ["automated_sales_tax", "company_name", "home_currency", "known", "read_at", "tracks_inventory"]
    AUTOMATED_SALES_TAX_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    HOME_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    KNOWN_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    TRACKS_INVENTORY_FIELD_NUMBER: _ClassVar[int]
    automated_sales_tax: bool
    company_name: str
    home_currency: str
    known: bool
    read_at: str
    tracks_inventory: bool
    def __init__(self, known: bool = ..., company_name: _Optional[str] = ..., tracks_inventory: bool = ..., automated_sales_tax: bool = ..., home_currency: _Optional[str] = ..., read_at: _Optional[str] = ...) -> None: ...

class QBOCredentials(_message.Message):
    __slots__ = ["client_id", "client_secret", "realm_id", "refresh_token"]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    REALM_ID_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    client_secret: str
    realm_id: str
    refresh_token: str
    def __init__(self, realm_id: _Optional[str] = ..., client_id: _Optional[str] = ..., client_secret: _Optional[str] = ..., refresh_token: _Optional[str] = ...) -> None: ...

class SetMappingRequest(_message.Message):
    __slots__ = ["company_id", "mapping"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    mapping: Mapping
    def __init__(self, company_id: _Optional[str] = ..., mapping: _Optional[_Union[Mapping, _Mapping]] = ...) -> None: ...

class SetMappingResponse(_message.Message):
    __slots__ = ["mapping", "records_unblocked"]
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    RECORDS_UNBLOCKED_FIELD_NUMBER: _ClassVar[int]
    mapping: Mapping
    records_unblocked: int
    def __init__(self, mapping: _Optional[_Union[Mapping, _Mapping]] = ..., records_unblocked: _Optional[int] = ...) -> None: ...

class UnmappedCode(_message.Message):
    __slots__ = ["blocked_records", "external_code", "kind"]
    BLOCKED_RECORDS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    blocked_records: int
    external_code: str
    kind: MappingKind
    def __init__(self, kind: _Optional[_Union[MappingKind, str]] = ..., external_code: _Optional[str] = ..., blocked_records: _Optional[int] = ...) -> None: ...

class UpdateCompanySettingsRequest(_message.Message):
    __slots__ = ["auto_create_customers", "company_id", "disable_entities", "drift_policy", "enable_entities", "invoice_policy"]
    AUTO_CREATE_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    DISABLE_ENTITIES_FIELD_NUMBER: _ClassVar[int]
    DRIFT_POLICY_FIELD_NUMBER: _ClassVar[int]
    ENABLE_ENTITIES_FIELD_NUMBER: _ClassVar[int]
    INVOICE_POLICY_FIELD_NUMBER: _ClassVar[int]
    auto_create_customers: bool
    company_id: str
    disable_entities: _containers.RepeatedScalarFieldContainer[_records_pb2.EntityType]
    drift_policy: DriftPolicy
    enable_entities: _containers.RepeatedScalarFieldContainer[_records_pb2.EntityType]
    invoice_policy: InvoicePolicy
    def __init__(self, company_id: _Optional[str] = ..., auto_create_customers: bool = ..., invoice_policy: _Optional[_Union[InvoicePolicy, str]] = ..., enable_entities: _Optional[_Iterable[_Union[_records_pb2.EntityType, str]]] = ..., disable_entities: _Optional[_Iterable[_Union[_records_pb2.EntityType, str]]] = ..., drift_policy: _Optional[_Union[DriftPolicy, str]] = ...) -> None: ...

class UpdateCompanySettingsResponse(_message.Message):
    __slots__ = ["company", "records_requeued"]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    RECORDS_REQUEUED_FIELD_NUMBER: _ClassVar[int]
    company: Company
    records_requeued: int
    def __init__(self, company: _Optional[_Union[Company, _Mapping]] = ..., records_requeued: _Optional[int] = ...) -> None: ...

class ConnectionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InvoicePolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DriftPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class MappingKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
