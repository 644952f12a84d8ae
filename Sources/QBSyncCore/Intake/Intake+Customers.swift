import QBSyncStore
import QBSyncWire

extension Intake {
    /// What LinkCustomer stored; the engine settles the link.
    public struct CustomerLinkRequest: Sendable {
        /// The customer record.
        public var record: RecordRow
        /// Set when nothing needs doing (already linked to that QBO customer).
        public var immediateOutcome: LinkOutcome?
    }

    /// Stores a customer and what LinkCustomer asked for; the engine then
    /// matches, creates or links it.
    public func linkCustomer(companyID: String, _ customer: Customer, mode: LinkMode, qboCustomerID: String) async throws -> CustomerLinkRequest {
        let bare = customer == Customer(externalID: customer.externalID)
        let key = RecordKey(companyID: companyID, entity: .customer, externalID: customer.externalID)
        return try await self.store.write { transaction in
            _ = try Self.company(companyID, in: transaction)
            let existing = try transaction.record(key)
            if bare && existing == nil {
                throw RPCError(code: .invalidArgument, message: "customer.display_name: customer \(customer.externalID) is not known yet; send its name",
                               detail: FieldViolation(field: "customer.display_name", description: "required for a customer qbsync does not know"))
            }
            // A bare customer (external id only) keeps the content stored before.
            let payload = bare ? existing!.payload : customer.packed()
            let hash = bare ? existing!.contentHash : ContentHash.of(payload)
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, in: transaction)
            let linked = existing.map { !$0.qboID.isEmpty } ?? false
            switch mode {
            case .existing:
                if linked && row.qboID == qboCustomerID {
                    try transaction.save(row)
                    return CustomerLinkRequest(record: row, immediateOutcome: .alreadyLinked)
                }
            case .create, .auto, .unspecified, .unrecognized:
                if linked {
                    // The link stands. Changed details (name, email, phone,
                    // address) are pushed to the linked QBO customer as an update.
                    guard row.contentHash != row.syncedHash, !bare else {
                        try transaction.save(row)
                        return CustomerLinkRequest(record: row, immediateOutcome: .alreadyLinked)
                    }
                    if row.status == .syncing {
                        try transaction.changedWhileSyncing(&row, note: "details changed during a push; they are pushed after it")
                    } else {
                        try transaction.queue(&row, note: "details changed; the linked QBO customer \(row.qboID) is updated")
                    }
                    return CustomerLinkRequest(record: row, immediateOutcome: .alreadyLinked)
                }
            }
            if row.status == .syncing {
                throw RPCError(code: .aborted, message: "customer \(customer.externalID) is being linked right now; try again in a moment")
            }
            row.state.requestedQBOID = mode == .existing ? qboCustomerID : ""
            row.state.createRequested = mode == .create
            row.state.manuallyUnlinked = false
            row.state.candidates = []
            row.state.linkOutcome = 0
            if mode == .existing && linked {
                row.qboID = ""  // relinking to another QBO customer
            }
            let note = switch mode {
            case .existing: "link to QBO customer \(qboCustomerID) requested"
            case .create: "creation in QBO requested"
            default: isNew ? "accepted; matching against QBO customers" : "matching against QBO customers again"
            }
            try Self.commit(&row, isNew: isNew, Decision(status: .pending, note: note), in: transaction)
            return CustomerLinkRequest(record: row, immediateOutcome: nil)
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
