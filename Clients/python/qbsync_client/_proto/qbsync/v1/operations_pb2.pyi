from qbsync_client._proto.qbsync.v1 import records_pb2 as _records_pb2
from qbsync_client._proto.qbsync.v1 import companies_pb2 as _companies_pb2
from qbsync_client._proto.qbsync.v1 import customers_pb2 as _customers_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

BULK_OUTCOME_CREATED: BulkOutcome
BULK_OUTCOME_FAILED: BulkOutcome
BULK_OUTCOME_SKIPPED: BulkOutcome
BULK_OUTCOME_UNSPECIFIED: BulkOutcome
BULK_OUTCOME_UPDATED: BulkOutcome
BULK_OUTCOME_WOULD_BLOCK: BulkOutcome
BULK_OUTCOME_WOULD_CREATE: BulkOutcome
BULK_OUTCOME_WOULD_UPDATE: BulkOutcome
DESCRIPTOR: _descriptor.FileDescriptor
MISMATCH_KIND_AMOUNT_DIFFERS: MismatchKind
MISMATCH_KIND_BALANCE_DIFFERS: MismatchKind
MISMATCH_KIND_CUSTOMER_BALANCE_DIFFERS: MismatchKind
MISMATCH_KIND_MISSING_IN_QUICKBOOKS: MismatchKind
MISMATCH_KIND_NOT_SYNCED: MismatchKind
MISMATCH_KIND_UNKNOWN_TO_QBSYNC: MismatchKind
MISMATCH_KIND_UNSPECIFIED: MismatchKind

class AcceptDriftRequest(_message.Message):
    __slots__ = ["ref"]
    REF_FIELD_NUMBER: _ClassVar[int]
    ref: _records_pb2.RecordRef
    def __init__(self, ref: _Optional[_Union[_records_pb2.RecordRef, _Mapping]] = ...) -> None: ...

class AcceptDriftResponse(_message.Message):
    __slots__ = ["accepted", "record"]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    accepted: _containers.RepeatedCompositeFieldContainer[_records_pb2.RecordWarning]
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., accepted: _Optional[_Iterable[_Union[_records_pb2.RecordWarning, _Mapping]]] = ...) -> None: ...

class BulkRecordResult(_message.Message):
    __slots__ = ["outcome", "payload_summary", "record"]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    outcome: BulkOutcome
    payload_summary: str
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., outcome: _Optional[_Union[BulkOutcome, str]] = ..., payload_summary: _Optional[str] = ...) -> None: ...

class BulkSyncProgress(_message.Message):
    __slots__ = ["elapsed_ms", "finished", "results", "totals"]
    ELAPSED_MS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    elapsed_ms: int
    finished: bool
    results: _containers.RepeatedCompositeFieldContainer[BulkRecordResult]
    totals: BulkSyncTotals
    def __init__(self, totals: _Optional[_Union[BulkSyncTotals, _Mapping]] = ..., results: _Optional[_Iterable[_Union[BulkRecordResult, _Mapping]]] = ..., finished: bool = ..., elapsed_ms: _Optional[int] = ...) -> None: ...

class BulkSyncRequest(_message.Message):
    __slots__ = ["company_id", "dry_run", "entities", "force", "from_date", "to_date"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    dry_run: bool
    entities: _containers.RepeatedScalarFieldContainer[_records_pb2.EntityType]
    force: bool
    from_date: str
    to_date: str
    def __init__(self, company_id: _Optional[str] = ..., entities: _Optional[_Iterable[_Union[_records_pb2.EntityType, str]]] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., force: bool = ..., dry_run: bool = ...) -> None: ...

class BulkSyncTotals(_message.Message):
    __slots__ = ["created", "done", "estimated_requests", "estimated_seconds", "failed", "requests_per_minute", "selected", "skipped", "updated"]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    created: int
    done: int
    estimated_requests: int
    estimated_seconds: int
    failed: int
    requests_per_minute: int
    selected: int
    skipped: int
    updated: int
    def __init__(self, selected: _Optional[int] = ..., done: _Optional[int] = ..., created: _Optional[int] = ..., updated: _Optional[int] = ..., skipped: _Optional[int] = ..., failed: _Optional[int] = ..., estimated_requests: _Optional[int] = ..., estimated_seconds: _Optional[int] = ..., requests_per_minute: _Optional[int] = ...) -> None: ...

class CheckDriftRequest(_message.Message):
    __slots__ = ["company_id"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    def __init__(self, company_id: _Optional[str] = ...) -> None: ...

class CheckDriftResponse(_message.Message):
    __slots__ = ["changes_read", "checked_through", "drifted", "requests"]
    CHANGES_READ_FIELD_NUMBER: _ClassVar[int]
    CHECKED_THROUGH_FIELD_NUMBER: _ClassVar[int]
    DRIFTED_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    changes_read: int
    checked_through: str
    drifted: _containers.RepeatedCompositeFieldContainer[_records_pb2.SyncRecord]
    requests: int
    def __init__(self, changes_read: _Optional[int] = ..., drifted: _Optional[_Iterable[_Union[_records_pb2.SyncRecord, _Mapping]]] = ..., checked_through: _Optional[str] = ..., requests: _Optional[int] = ...) -> None: ...

class CompanyHealth(_message.Message):
    __slots__ = ["company_id", "concurrent_limit", "connection_message", "connection_state", "counts", "last_synced_at", "latest_errors", "mapped_customers", "pushed_by", "queue_depth", "realm_id", "requests_in_flight", "requests_last_minute", "requests_per_minute_limit", "throttled_until", "unmapped_customers", "warnings"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CONCURRENT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_STATE_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNCED_AT_FIELD_NUMBER: _ClassVar[int]
    LATEST_ERRORS_FIELD_NUMBER: _ClassVar[int]
    MAPPED_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    PUSHED_BY_FIELD_NUMBER: _ClassVar[int]
    QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    REALM_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_LAST_MINUTE_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_MINUTE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    THROTTLED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    UNMAPPED_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    concurrent_limit: int
    connection_message: str
    connection_state: _companies_pb2.ConnectionState
    counts: _containers.RepeatedCompositeFieldContainer[StatusCount]
    last_synced_at: str
    latest_errors: _containers.RepeatedCompositeFieldContainer[RecentError]
    mapped_customers: int
    pushed_by: str
    queue_depth: int
    realm_id: str
    requests_in_flight: int
    requests_last_minute: int
    requests_per_minute_limit: int
    throttled_until: str
    unmapped_customers: int
    warnings: _containers.RepeatedCompositeFieldContainer[WarningCount]
    def __init__(self, company_id: _Optional[str] = ..., connection_state: _Optional[_Union[_companies_pb2.ConnectionState, str]] = ..., connection_message: _Optional[str] = ..., counts: _Optional[_Iterable[_Union[StatusCount, _Mapping]]] = ..., mapped_customers: _Optional[int] = ..., unmapped_customers: _Optional[int] = ..., queue_depth: _Optional[int] = ..., last_synced_at: _Optional[str] = ..., requests_last_minute: _Optional[int] = ..., requests_per_minute_limit: _Optional[int] = ..., requests_in_flight: _Optional[int] = ..., concurrent_limit: _Optional[int] = ..., realm_id: _Optional[str] = ..., latest_errors: _Optional[_Iterable[_Union[RecentError, _Mapping]]] = ..., throttled_until: _Optional[str] = ..., warnings: _Optional[_Iterable[_Union[WarningCount, _Mapping]]] = ..., pushed_by: _Optional[str] = ...) -> None: ...

class EntityReconciliation(_message.Message):
    __slots__ = ["entity", "found_count", "found_total_minor", "not_synced_count", "only_in_quickbooks_count", "only_in_quickbooks_total_minor", "synced_count", "synced_total_minor"]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    FOUND_COUNT_FIELD_NUMBER: _ClassVar[int]
    FOUND_TOTAL_MINOR_FIELD_NUMBER: _ClassVar[int]
    NOT_SYNCED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ONLY_IN_QUICKBOOKS_COUNT_FIELD_NUMBER: _ClassVar[int]
    ONLY_IN_QUICKBOOKS_TOTAL_MINOR_FIELD_NUMBER: _ClassVar[int]
    SYNCED_COUNT_FIELD_NUMBER: _ClassVar[int]
    SYNCED_TOTAL_MINOR_FIELD_NUMBER: _ClassVar[int]
    entity: _records_pb2.EntityType
    found_count: int
    found_total_minor: int
    not_synced_count: int
    only_in_quickbooks_count: int
    only_in_quickbooks_total_minor: int
    synced_count: int
    synced_total_minor: int
    def __init__(self, entity: _Optional[_Union[_records_pb2.EntityType, str]] = ..., synced_count: _Optional[int] = ..., synced_total_minor: _Optional[int] = ..., found_count: _Optional[int] = ..., found_total_minor: _Optional[int] = ..., only_in_quickbooks_count: _Optional[int] = ..., only_in_quickbooks_total_minor: _Optional[int] = ..., not_synced_count: _Optional[int] = ...) -> None: ...

class GetHealthRequest(_message.Message):
    __slots__ = ["company_id", "error_limit"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_LIMIT_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    error_limit: int
    def __init__(self, company_id: _Optional[str] = ..., error_limit: _Optional[int] = ...) -> None: ...

class GetHealthResponse(_message.Message):
    __slots__ = ["companies", "last_sequence", "uptime_seconds", "version"]
    COMPANIES_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    companies: _containers.RepeatedCompositeFieldContainer[CompanyHealth]
    last_sequence: int
    uptime_seconds: int
    version: str
    def __init__(self, companies: _Optional[_Iterable[_Union[CompanyHealth, _Mapping]]] = ..., last_sequence: _Optional[int] = ..., version: _Optional[str] = ..., uptime_seconds: _Optional[int] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ["history_limit", "ref"]
    HISTORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    history_limit: int
    ref: _records_pb2.RecordRef
    def __init__(self, ref: _Optional[_Union[_records_pb2.RecordRef, _Mapping]] = ..., history_limit: _Optional[int] = ...) -> None: ...

class GetRecordResponse(_message.Message):
    __slots__ = ["candidates", "content_json", "history", "record"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_JSON_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[_customers_pb2.CustomerCandidate]
    content_json: str
    history: _containers.RepeatedCompositeFieldContainer[_records_pb2.StatusChange]
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., history: _Optional[_Iterable[_Union[_records_pb2.StatusChange, _Mapping]]] = ..., content_json: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[_customers_pb2.CustomerCandidate, _Mapping]]] = ...) -> None: ...

class ListRecordsRequest(_message.Message):
    __slots__ = ["company_id", "entity", "page_size", "page_token", "statuses"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    entity: _records_pb2.EntityType
    page_size: int
    page_token: str
    statuses: _containers.RepeatedScalarFieldContainer[_records_pb2.SyncStatus]
    def __init__(self, company_id: _Optional[str] = ..., entity: _Optional[_Union[_records_pb2.EntityType, str]] = ..., statuses: _Optional[_Iterable[_Union[_records_pb2.SyncStatus, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRecordsResponse(_message.Message):
    __slots__ = ["next_page_token", "records"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    records: _containers.RepeatedCompositeFieldContainer[_records_pb2.SyncRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[_records_pb2.SyncRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Mismatch(_message.Message):
    __slots__ = ["fix_hint", "kind", "ours", "qbo_entity", "qbo_id", "quickbooks", "ref"]
    FIX_HINT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OURS_FIELD_NUMBER: _ClassVar[int]
    QBO_ENTITY_FIELD_NUMBER: _ClassVar[int]
    QBO_ID_FIELD_NUMBER: _ClassVar[int]
    QUICKBOOKS_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    fix_hint: str
    kind: MismatchKind
    ours: str
    qbo_entity: str
    qbo_id: str
    quickbooks: str
    ref: _records_pb2.RecordRef
    def __init__(self, kind: _Optional[_Union[MismatchKind, str]] = ..., ref: _Optional[_Union[_records_pb2.RecordRef, _Mapping]] = ..., qbo_entity: _Optional[str] = ..., qbo_id: _Optional[str] = ..., ours: _Optional[str] = ..., quickbooks: _Optional[str] = ..., fix_hint: _Optional[str] = ...) -> None: ...

class RecentError(_message.Message):
    __slots__ = ["at", "error", "ref", "sequence"]
    AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    at: str
    error: _records_pb2.ErrorDetail
    ref: _records_pb2.RecordRef
    sequence: int
    def __init__(self, ref: _Optional[_Union[_records_pb2.RecordRef, _Mapping]] = ..., error: _Optional[_Union[_records_pb2.ErrorDetail, _Mapping]] = ..., at: _Optional[str] = ..., sequence: _Optional[int] = ...) -> None: ...

class ReconcileRequest(_message.Message):
    __slots__ = ["company_id", "entities", "from_date", "to_date"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    entities: _containers.RepeatedScalarFieldContainer[_records_pb2.EntityType]
    from_date: str
    to_date: str
    def __init__(self, company_id: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., entities: _Optional[_Iterable[_Union[_records_pb2.EntityType, str]]] = ...) -> None: ...

class ReconcileResponse(_message.Message):
    __slots__ = ["entities", "from_date", "mismatches", "mismatches_truncated", "requests", "to_date"]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    MISMATCHES_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    entities: _containers.RepeatedCompositeFieldContainer[EntityReconciliation]
    from_date: str
    mismatches: _containers.RepeatedCompositeFieldContainer[Mismatch]
    mismatches_truncated: bool
    requests: int
    to_date: str
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., entities: _Optional[_Iterable[_Union[EntityReconciliation, _Mapping]]] = ..., mismatches: _Optional[_Iterable[_Union[Mismatch, _Mapping]]] = ..., mismatches_truncated: bool = ..., requests: _Optional[int] = ...) -> None: ...

class ResyncRequest(_message.Message):
    __slots__ = ["all_errored", "company_id", "force", "record"]
    ALL_ERRORED_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    all_errored: bool
    company_id: str
    force: bool
    record: _records_pb2.RecordRef
    def __init__(self, company_id: _Optional[str] = ..., record: _Optional[_Union[_records_pb2.RecordRef, _Mapping]] = ..., all_errored: bool = ..., force: bool = ...) -> None: ...

class ResyncResponse(_message.Message):
    __slots__ = ["record", "requeued"]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    REQUEUED_FIELD_NUMBER: _ClassVar[int]
    record: _records_pb2.SyncRecord
    requeued: int
    def __init__(self, requeued: _Optional[int] = ..., record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ...) -> None: ...

class StatusCount(_message.Message):
    __slots__ = ["count", "entity", "status"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    count: int
    entity: _records_pb2.EntityType
    status: _records_pb2.SyncStatus
    def __init__(self, entity: _Optional[_Union[_records_pb2.EntityType, str]] = ..., status: _Optional[_Union[_records_pb2.SyncStatus, str]] = ..., count: _Optional[int] = ...) -> None: ...

class StreamResumePoint(_message.Message):
    __slots__ = ["last_delivered_sequence"]
    LAST_DELIVERED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    last_delivered_sequence: int
    def __init__(self, last_delivered_sequence: _Optional[int] = ...) -> None: ...

class StreamSyncEventsRequest(_message.Message):
    __slots__ = ["after_sequence", "company_id", "entities", "include_health", "statuses"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_HEALTH_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    company_id: str
    entities: _containers.RepeatedScalarFieldContainer[_records_pb2.EntityType]
    include_health: bool
    statuses: _containers.RepeatedScalarFieldContainer[_records_pb2.SyncStatus]
    def __init__(self, after_sequence: _Optional[int] = ..., company_id: _Optional[str] = ..., entities: _Optional[_Iterable[_Union[_records_pb2.EntityType, str]]] = ..., statuses: _Optional[_Iterable[_Union[_records_pb2.SyncStatus, str]]] = ..., include_health: bool = ...) -> None: ...

class SyncEvent(_message.Message):
    __slots__ = ["at", "attempts", "blockers", "error", "from_status", "note", "qbo_id", "ref", "sequence", "to_status", "warnings"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BLOCKERS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    QBO_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    at: str
    attempts: int
    blockers: _containers.RepeatedCompositeFieldContainer[_records_pb2.Blocker]
    error: _records_pb2.ErrorDetail
    from_status: _records_pb2.SyncStatus
    note: str
    qbo_id: str
    ref: _records_pb2.RecordRef
    sequence: int
    to_status: _records_pb2.SyncStatus
    warnings: _containers.RepeatedCompositeFieldContainer[_records_pb2.RecordWarning]
    def __init__(self, sequence: _Optional[int] = ..., at: _Optional[str] = ..., ref: _Optional[_Union[_records_pb2.RecordRef, _Mapping]] = ..., from_status: _Optional[_Union[_records_pb2.SyncStatus, str]] = ..., to_status: _Optional[_Union[_records_pb2.SyncStatus, str]] = ..., note: _Optional[str] = ..., qbo_id: _Optional[str] = ..., blockers: _Optional[_Iterable[_Union[_records_pb2.Blocker, _Mapping]]] = ..., error: _Optional[_Union[_records_pb2.ErrorDetail, _Mapping]] = ..., attempts: _Optional[int] = ..., warnings: _Optional[_Iterable[_Union[_records_pb2.RecordWarning, _Mapping]]] = ...) -> None: ...

class SyncEventStreamMessage(_message.Message):
    __slots__ = ["event", "health"]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    event: SyncEvent
    health: GetHealthResponse
    def __init__(self, event: _Optional[_Union[SyncEvent, _Mapping]] = ..., health: _Optional[_Union[GetHealthResponse, _Mapping]] = ...) -> None: ...

class WarningCount(_message.Message):
    __slots__ = ["count", "kind"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    count: int
    kind: _records_pb2.WarningKind
    def __init__(self, kind: _Optional[_Union[_records_pb2.WarningKind, str]] = ..., count: _Optional[int] = ...) -> None: ...

class MismatchKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class BulkOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
