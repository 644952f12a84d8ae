import QBSyncStore
import QBSyncWire

extension Intake {
    /// What LinkCustomer or LinkVendor stored; the engine settles the link.
    public struct LinkRequest: Sendable {
        /// The customer's or vendor's record.
        public var record: RecordRow
        /// Set when nothing needs doing (already linked to that QBO entity).
        public var immediateOutcome: LinkOutcome?
    }

    /// Stores a customer and what LinkCustomer asked for; the engine then
    /// matches, creates or links it.
    public func linkCustomer(companyID: String, _ customer: Customer, mode: LinkMode, qboCustomerID: String, lane: QueueLane = .interactive) async throws -> LinkRequest {
        let bare = customer == Customer(externalID: customer.externalID)
        let key = RecordKey(companyID: companyID, entity: .customer, externalID: customer.externalID)
        return try await self.link(key, content: bare ? nil : customer.packed(), mode: mode, qboID: qboCustomerID, field: "customer.display_name", lane: lane)
    }

    /// Stores a vendor and what LinkVendor asked for, as ``linkCustomer(companyID:_:mode:qboCustomerID:)``.
    public func linkVendor(companyID: String, _ vendor: Vendor, mode: LinkMode, qboVendorID: String, lane: QueueLane = .interactive) async throws -> LinkRequest {
        let bare = vendor == Vendor(externalID: vendor.externalID)
        let key = RecordKey(companyID: companyID, entity: .vendor, externalID: vendor.externalID)
        return try await self.link(key, content: bare ? nil : vendor.packed(), mode: mode, qboID: qboVendorID, field: "vendor.display_name", lane: lane)
    }

    /// The link step shared by customers and vendors. `content` nil is a
    /// bare record (external id alone), which keeps what was stored before.
    private func link(_ key: RecordKey, content: [UInt8]?, mode: LinkMode, qboID: String, field: String, lane: QueueLane) async throws -> LinkRequest {
        let noun = key.entity.label
        let trace = RecordTrace.current()
        return try await self.store.write { transaction in
            _ = try Self.company(key.companyID, in: transaction)
            let existing = try transaction.record(key)
            guard let payload = content ?? existing?.payload else {
                throw RPCError(code: .invalidArgument, message: "\(field): \(noun) \(key.externalID) is not known yet; send its name",
                               detail: FieldViolation(field: field, description: "required for a \(noun) qbsync does not know"))
            }
            let bare = content == nil
            let hash = bare ? existing!.contentHash : ContentHash.of(payload)
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, trace: trace, in: transaction)
            let linked = existing.map { !$0.qboID.isEmpty } ?? false
            switch mode {
            case .existing:
                if linked && row.qboID == qboID {
                    try transaction.save(row)
                    return LinkRequest(record: row, immediateOutcome: .alreadyLinked)
                }
            case .create, .auto, .unspecified, .unrecognized:
                if linked {
                    // The link stands. Changed details (name, email, phone,
                    // address) are pushed to the linked QBO entity as an update.
                    guard row.contentHash != row.syncedHash, !bare else {
                        try transaction.save(row)
                        return LinkRequest(record: row, immediateOutcome: .alreadyLinked)
                    }
                    if row.status == .syncing {
                        try transaction.changedWhileSyncing(&row, note: "details changed during a push; they are pushed after it")
                    } else {
                        try transaction.queue(&row, note: "details changed; the linked QBO \(noun) \(row.qboID) is updated")
                    }
                    return LinkRequest(record: row, immediateOutcome: .alreadyLinked)
                }
            }
            if row.status == .syncing {
                throw RPCError(code: .aborted, message: "\(noun) \(key.externalID) is being linked right now; try again in a moment")
            }
            row.state.requestedQBOID = mode == .existing ? qboID : ""
            row.state.createRequested = mode == .create
            row.state.manuallyUnlinked = false
            row.state.candidates = []
            row.state.linkOutcome = 0
            if mode == .existing && linked {
                row.qboID = ""  // relinking to another QBO entity
            }
            let note = switch mode {
            case .existing: "link to QBO \(noun) \(qboID) requested"
            case .create: "creation in QBO requested"
            default: isNew ? "accepted; matching against QBO \(noun)s" : "matching against QBO \(noun)s again"
            }
            try Self.commit(&row, isNew: isNew, Decision(status: .pending, note: note), lane: lane, in: transaction)
            return LinkRequest(record: row, immediateOutcome: nil)
        }
    }

    /// Removes a customer's link; records not yet in QBO that need it block again.
    ///
    /// - Returns: The record and the QBO id it was linked to.
    public func unlinkCustomer(companyID: String, externalID: String) async throws -> (record: SyncRecord, previousQBOID: String) {
        let key = RecordKey(companyID: companyID, entity: .customer, externalID: externalID)
        return try await self.store.write { transaction in
            _ = try Self.company(companyID, in: transaction)
            guard var row = try transaction.record(key) else {
                throw RPCError(code: .notFound, message: "customer \(externalID) is not known to qbsync")
            }
            if row.status == .syncing {
                throw RPCError(code: .aborted, message: "customer \(externalID) is being linked right now; try again in a moment")
            }
            let previous = row.qboID
            row.qboID = ""
            row.qboSyncToken = ""
            row.state = RecordState()
            row.state.manuallyUnlinked = true
            let blocker = Blocker(kind: .customerNotLinked, ref: externalID, message: "unlinked by an operator; link it again with LinkCustomer")
            try transaction.block(&row, [blocker], note: previous.isEmpty ? "unlinked (was not linked)" : "unlinked from QBO customer \(previous)")
            return (self.view.record(row, blockers: [blocker]), previous)
        }
    }
}
