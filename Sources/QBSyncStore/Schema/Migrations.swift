/// The SQLite schema, as an ordered list of migrations keyed by `PRAGMA user_version`.
///
/// Never edit a shipped migration; append a new one, and the same change
/// to ``PostgresSchema``.
enum Migrations {
    static let all: [String] = [
        // 1: the whole model.
        """
        CREATE TABLE companies (
            company_id TEXT PRIMARY KEY,
            realm_id TEXT NOT NULL DEFAULT '',
            client_id TEXT NOT NULL DEFAULT '',
            client_secret TEXT NOT NULL DEFAULT '',
            refresh_token TEXT NOT NULL DEFAULT '',
            connection_state INTEGER NOT NULL,
            connection_message TEXT NOT NULL DEFAULT '',
            connection_changed_at INTEGER NOT NULL,
            auto_create_customers INTEGER NOT NULL DEFAULT 0,
            invoice_policy INTEGER NOT NULL DEFAULT 1,
            home_currency TEXT NOT NULL DEFAULT 'USD',
            last_synced_at INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE mappings (
            company_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            external_code TEXT NOT NULL,
            qbo_id TEXT NOT NULL,
            qbo_name TEXT NOT NULL DEFAULT '',
            qbo_payment_method_id TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (company_id, kind, external_code)
        ) WITHOUT ROWID;

        -- One row per rental record. `payload` is the accepted message
        -- (protobuf), `content_hash` its SHA-256; `synced_hash` is the content
        -- QBO holds. `request_id` is persisted before a push is sent and reused
        -- on every retry of that push.
        CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            company_id TEXT NOT NULL,
            entity INTEGER NOT NULL,
            external_id TEXT NOT NULL,
            payload BLOB NOT NULL,
            content_hash TEXT NOT NULL,
            status INTEGER NOT NULL,
            txn_date TEXT NOT NULL DEFAULT '',
            doc_number TEXT NOT NULL DEFAULT '',
            qbo_id TEXT NOT NULL DEFAULT '',
            qbo_sync_token TEXT NOT NULL DEFAULT '',
            synced_hash TEXT NOT NULL DEFAULT '',
            synced_sign INTEGER NOT NULL DEFAULT 0,
            voided_in_qbo INTEGER NOT NULL DEFAULT 0,
            request_id TEXT NOT NULL DEFAULT '',
            push_generation INTEGER NOT NULL DEFAULT 0,
            outcome_unknown INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL DEFAULT 0,
            last_error BLOB,
            skip_reason TEXT NOT NULL DEFAULT '',
            state BLOB,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_event_seq INTEGER NOT NULL DEFAULT 0,
            UNIQUE (company_id, entity, external_id)
        );
        CREATE INDEX records_queue ON records (company_id, status, next_attempt_at);

        -- ERRORED records, newest failure first, for health's "latest errors"
        -- without scanning records; kept in the transaction of each transition.
        CREATE TABLE errored_records (
            company_id TEXT NOT NULL,
            record_id INTEGER NOT NULL,
            failed_at INTEGER NOT NULL,
            PRIMARY KEY (company_id, record_id)
        ) WITHOUT ROWID;
        CREATE INDEX errored_by_time ON errored_records (company_id, failed_at);

        -- Unmet dependencies of BLOCKED records, found again by what they wait for.
        CREATE TABLE blockers (
            record_id INTEGER NOT NULL,
            company_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            ref TEXT NOT NULL,
            message TEXT NOT NULL,
            PRIMARY KEY (record_id, kind, ref)
        ) WITHOUT ROWID;
        CREATE INDEX blockers_by_dependency ON blockers (company_id, kind, ref);

        -- Which payments apply to which invoices (for "only invoices with a
        -- payment" and for finding a payment's invoices).
        CREATE TABLE applications (
            company_id TEXT NOT NULL,
            invoice_external_id TEXT NOT NULL,
            payment_record_id INTEGER NOT NULL,
            PRIMARY KEY (company_id, invoice_external_id, payment_record_id)
        ) WITHOUT ROWID;

        -- Append-only event log; `seq` is never reused (AUTOINCREMENT).
        -- `body` is the encoded qbsync.v1.SyncEvent, replayed as is.
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            record_id INTEGER NOT NULL,
            company_id TEXT NOT NULL,
            entity INTEGER NOT NULL,
            to_status INTEGER NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX events_by_record ON events (record_id, seq);

        -- Records per company, entity and status, kept in the transaction of
        -- every change so health never scans records.
        CREATE TABLE counters (
            company_id TEXT NOT NULL,
            entity INTEGER NOT NULL,
            status INTEGER NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (company_id, entity, status)
        ) WITHOUT ROWID;
        """,
        // 2: warnings on synced records (tax mismatch, payment partly applied),
        // kept with each outcome so health counts them without scanning.
        """
        CREATE TABLE warnings (
            record_id INTEGER NOT NULL,
            company_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            PRIMARY KEY (record_id, kind)
        ) WITHOUT ROWID;
        CREATE INDEX warnings_by_company ON warnings (company_id, kind);
        """,
        // 3: per-entity sync toggles: the disabled entity types, as their
        // wire values separated by commas ("" when every type syncs).
        """
        ALTER TABLE companies ADD COLUMN disabled_entities TEXT NOT NULL DEFAULT '';
        """,
        // 4: what qbsync read from the QBO company at connect (an encoded
        // qbsync.v1.QBOCompanyFacts; empty until read).
        """
        ALTER TABLE companies ADD COLUMN qbo_facts BLOB NOT NULL DEFAULT x'';
        """,
        // 5: drift detection: records found by their QBO id (change data
        // capture names objects by Id), the capture cursor and the policy.
        """
        CREATE INDEX records_by_qbo_id ON records (company_id, entity, qbo_id) WHERE qbo_id != '';
        ALTER TABLE companies ADD COLUMN drift_cursor TEXT NOT NULL DEFAULT '';
        ALTER TABLE companies ADD COLUMN drift_policy INTEGER NOT NULL DEFAULT 0;
        """,
        // 6: two queues per company: interactive records are taken before
        // backfill ones (QueueLane), each lane in due order.
        """
        ALTER TABLE records ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;
        DROP INDEX records_queue;
        CREATE INDEX records_queue ON records (company_id, status, lane, next_attempt_at);
        """,
        // 7: when each company's refresh token was stored, to renew idle ones before they expire.
        """
        ALTER TABLE companies ADD COLUMN refresh_token_at INTEGER NOT NULL DEFAULT 0;
        """,
        // 8: several instances on one database (PostgreSQL): which instance
        // pushes each company, under a fencing token, and which instances live.
        """
        CREATE TABLE company_leases (
            company_id TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            token INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            refreshing_until INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            seen_at INTEGER NOT NULL
        );
        """,
    ]

    /// Brings `database` to the newest schema, one transaction per step.
    static func migrate(_ database: SQLiteDatabase) throws {
        var version = try database.userVersion
        guard version <= Self.all.count else {
            throw SQLiteError(code: 1, message: "database schema version \(version) is newer than this build knows (\(Self.all.count))")
        }
        while version < Self.all.count {
            try database.execute("BEGIN IMMEDIATE")
            do {
                try database.execute(Self.all[version])
                try database.execute("PRAGMA user_version = \(version + 1)")
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                throw error
            }
            version += 1
        }
    }
}
