from qbsync_client._proto.qbsync.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CUSTOMER_FILTER_ALL: CustomerFilter
CUSTOMER_FILTER_MAPPED: CustomerFilter
CUSTOMER_FILTER_UNMAPPED: CustomerFilter
DESCRIPTOR: _descriptor.FileDescriptor
LINK_MODE_AUTO: LinkMode
LINK_MODE_CREATE: LinkMode
LINK_MODE_EXISTING: LinkMode
LINK_MODE_UNSPECIFIED: LinkMode
LINK_OUTCOME_ALREADY_LINKED: LinkOutcome
LINK_OUTCOME_AMBIGUOUS: LinkOutcome
LINK_OUTCOME_CREATED: LinkOutcome
LINK_OUTCOME_LINKED_BY_EMAIL: LinkOutcome
LINK_OUTCOME_LINKED_EXISTING: LinkOutcome
LINK_OUTCOME_NO_MATCH: LinkOutcome
LINK_OUTCOME_PENDING: LinkOutcome
LINK_OUTCOME_PROPOSED: LinkOutcome
LINK_OUTCOME_UNSPECIFIED: LinkOutcome

class Customer(_message.Message):
    __slots__ = ["billing_address", "company_name", "display_name", "email", "external_id", "family_name", "given_name", "notes", "phone"]
    BILLING_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    billing_address: _records_pb2.Address
    company_name: str
    display_name: str
    email: str
    external_id: str
    family_name: str
    given_name: str
    notes: str
    phone: str
    def __init__(self, external_id: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., company_name: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., billing_address: _Optional[_Union[_records_pb2.Address, _Mapping]] = ..., notes: _Optional[str] = ...) -> None: ...

class CustomerCandidate(_message.Message):
    __slots__ = ["display_name", "email", "matched_on", "phone", "qbo_id"]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MATCHED_ON_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    QBO_ID_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    email: str
    matched_on: str
    phone: str
    qbo_id: str
    def __init__(self, qbo_id: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., matched_on: _Optional[str] = ...) -> None: ...

class CustomerSummary(_message.Message):
    __slots__ = ["candidates", "customer", "record"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[CustomerCandidate]
    customer: Customer
    record: _records_pb2.SyncRecord
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., candidates: _Optional[_Iterable[_Union[CustomerCandidate, _Mapping]]] = ...) -> None: ...

class LinkCustomerRequest(_message.Message):
    __slots__ = ["company_id", "customer", "mode", "qbo_customer_id"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    QBO_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    customer: Customer
    mode: LinkMode
    qbo_customer_id: str
    def __init__(self, company_id: _Optional[str] = ..., customer: _Optional[_Union[Customer, _Mapping]] = ..., mode: _Optional[_Union[LinkMode, str]] = ..., qbo_customer_id: _Optional[str] = ...) -> None: ...

class LinkCustomerResponse(_message.Message):
    __slots__ = ["candidates", "outcome", "qbo_customer_id", "record"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    QBO_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[CustomerCandidate]
    outcome: LinkOutcome
    qbo_customer_id: str
    record: _records_pb2.SyncRecord
    def __init__(self, outcome: _Optional[_Union[LinkOutcome, str]] = ..., qbo_customer_id: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[CustomerCandidate, _Mapping]]] = ..., record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ...) -> None: ...

class ListCustomersRequest(_message.Message):
    __slots__ = ["company_id", "filter", "page_size", "page_token"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    filter: CustomerFilter
    page_size: int
    page_token: str
    def __init__(self, company_id: _Optional[str] = ..., filter: _Optional[_Union[CustomerFilter, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCustomersResponse(_message.Message):
    __slots__ = ["customers", "mapped_count", "next_page_token", "unmapped_count"]
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    MAPPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNMAPPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[CustomerSummary]
    mapped_count: int
    next_page_token: str
    unmapped_count: int
    def __init__(self, customers: _Optional[_Iterable[_Union[CustomerSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., mapped_count: _Optional[int] = ..., unmapped_count: _Optional[int] = ...) -> None: ...

class UnlinkCustomerRequest(_message.Message):
    __slots__ = ["company_id", "external_id"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    external_id: str
    def __init__(self, company_id: _Optional[str] = ..., external_id: _Optional[str] = ...) -> None: ...

class UnlinkCustomerResponse(_message.Message):
    __slots__ = ["previous_qbo_customer_id", "record"]
    PREVIOUS_QBO_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    previous_qbo_customer_id: str
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., previous_qbo_customer_id: _Optional[str] = ...) -> None: ...

class LinkMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class LinkOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CustomerFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
