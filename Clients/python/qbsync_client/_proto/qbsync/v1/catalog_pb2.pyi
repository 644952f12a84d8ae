from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
QBO_LIST_ACCOUNT: QBOList
QBO_LIST_CLASS: QBOList
QBO_LIST_CUSTOMER: QBOList
QBO_LIST_ITEM: QBOList
QBO_LIST_LOCATION: QBOList
QBO_LIST_PAYMENT_METHOD: QBOList
QBO_LIST_TAX_CODE: QBOList
QBO_LIST_TAX_RATE: QBOList
QBO_LIST_TERM: QBOList
QBO_LIST_UNSPECIFIED: QBOList
QBO_LIST_VENDOR: QBOList

class ListQBOEntitiesRequest(_message.Message):
    __slots__ = ["company_id", "include_inactive", "list", "name_contains", "page_size", "page_token"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    NAME_CONTAINS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    include_inactive: bool
    list: QBOList
    name_contains: str
    page_size: int
    page_token: str
    def __init__(self, company_id: _Optional[str] = ..., list: _Optional[_Union[QBOList, str]] = ..., name_contains: _Optional[str] = ..., include_inactive: bool = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListQBOEntitiesResponse(_message.Message):
    __slots__ = ["entries", "next_page_token"]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[QBOEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[QBOEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class QBOEntry(_message.Message):
    __slots__ = ["active", "email", "fully_qualified_name", "name", "phone", "qbo_id", "rate_percent", "tax_rate_ids", "type"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FULLY_QUALIFIED_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    QBO_ID_FIELD_NUMBER: _ClassVar[int]
    RATE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    TAX_RATE_IDS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    active: bool
    email: str
    fully_qualified_name: str
    name: str
    phone: str
    qbo_id: str
    rate_percent: str
    tax_rate_ids: _containers.RepeatedScalarFieldContainer[str]
    type: str
    def __init__(self, qbo_id: _Optional[str] = ..., name: _Optional[str] = ..., fully_qualified_name: _Optional[str] = ..., type: _Optional[str] = ..., active: bool = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., rate_percent: _Optional[str] = ..., tax_rate_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class QBOList(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
