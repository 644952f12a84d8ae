from qbsync_client._proto.qbsync.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
ITEM_TYPE_INVENTORY: ItemType
ITEM_TYPE_NON_INVENTORY: ItemType
ITEM_TYPE_SERVICE: ItemType
ITEM_TYPE_UNSPECIFIED: ItemType

class Item(_message.Message):
    __slots__ = ["asset_account_code", "description", "expense_account_code", "external_id", "inactive", "income_account_code", "inventory_start_date", "name", "purchase_cost", "purchase_description", "quantity_on_hand", "sku", "taxable", "type", "unit_price"]
    ASSET_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EXPENSE_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    INACTIVE_FIELD_NUMBER: _ClassVar[int]
    INCOME_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_START_DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_COST_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    SKU_FIELD_NUMBER: _ClassVar[int]
    TAXABLE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    asset_account_code: str
    description: str
    expense_account_code: str
    external_id: str
    inactive: bool
    income_account_code: str
    inventory_start_date: str
    name: str
    purchase_cost: str
    purchase_description: str
    quantity_on_hand: str
    sku: str
    taxable: bool
    type: ItemType
    unit_price: str
    def __init__(self, external_id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[ItemType, str]] = ..., description: _Optional[str] = ..., sku: _Optional[str] = ..., unit_price: _Optional[str] = ..., purchase_cost: _Optional[str] = ..., purchase_description: _Optional[str] = ..., income_account_code: _Optional[str] = ..., expense_account_code: _Optional[str] = ..., asset_account_code: _Optional[str] = ..., quantity_on_hand: _Optional[str] = ..., inventory_start_date: _Optional[str] = ..., taxable: bool = ..., inactive: bool = ...) -> None: ...

class SyncItemRequest(_message.Message):
    __slots__ = ["company_id", "item"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    item: Item
    def __init__(self, company_id: _Optional[str] = ..., item: _Optional[_Union[Item, _Mapping]] = ...) -> None: ...

class SyncItemResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class ItemType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
