import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension Pusher {
    // MARK: Vendors

    /// Links a rental vendor to a QBO vendor: the one asked for, a new one, or
    /// the one with the same email. A name match alone is a proposal a person
    /// confirms; several matches link nothing. A linked vendor that changed is
    /// updated. DisplayName is unique across customers, vendors and employees,
    /// so a create that clashes (6240) names the holder.
    func pushVendor(_ plan: VendorPlan, row: RecordRow) async throws -> PushOutcome {
        var state = row.state
        switch plan.mode {
        case .link(let qboID):
            let vendor = try await self.client.read(QBO.Vendor.self, id: qboID)
            guard vendor.active != false else { throw QBOError(kind: .notFound, message: "QBO vendor \(qboID) is inactive", code: "610") }
            state.linkOutcome = LinkOutcome.linkedExisting.wireValue
            state.candidates = []
            return PushOutcome(result: .synced(qboID: qboID, syncToken: vendor.syncToken ?? "", voided: false, note: "linked to QBO vendor \(qboID)"), state: state)
        case .update(let qboID):
            let updated: QBO.Vendor
            do {
                updated = try await self.withFreshToken(row, read: { try await self.client.read(QBO.Vendor.self, id: qboID).syncToken }) { token, step in
                    var body = plan.body
                    body.id = qboID
                    body.syncToken = token
                    body.sparse = true
                    return try await self.client.sparseUpdate(body, requestID: try Self.requestID(row, "u\(step)"))
                }
            } catch let error as QBOError where error.code == "6240" {
                throw await self.namingHolder(error, name: plan.body.displayName ?? "", except: qboID)
            }
            return PushOutcome(result: .synced(qboID: qboID, syncToken: updated.syncToken ?? "", voided: false,
                                               note: "updated in QBO (Vendor \(qboID), SyncToken \(updated.syncToken ?? ""))"), state: state)
        case .create:
            return try await self.createVendor(plan, row: row, state: state)
        case .match:
            let email = plan.email.trimmingCharacters(in: .whitespaces)
            var byEmail: [QBO.Vendor] = []
            if !email.isEmpty {
                let query = QBOQuery<QBO.Vendor>.select().where("PrimaryEmailAddr", .equals, .string(email))
                byEmail = try await self.client.queryAll(query).filter { $0.active != false && $0.primaryEmailAddr?.address?.lowercased() == email.lowercased() }
            }
            if byEmail.count == 1, let match = byEmail.first {
                state.linkOutcome = LinkOutcome.linkedByEmail.wireValue
                state.candidates = []
                return PushOutcome(result: .synced(qboID: match.id ?? "", syncToken: match.syncToken ?? "", voided: false,
                                                   note: "linked by email to QBO vendor \(match.id ?? "")"), state: state)
            }
            var candidates = byEmail.map { Self.candidate($0, matchedOn: "email") }
            if candidates.isEmpty {
                let query = QBOQuery<QBO.Vendor>.select().where("DisplayName", .equals, .string(plan.body.displayName ?? ""))
                candidates = try await self.client.queryAll(query).filter { $0.active != false }.map { Self.candidate($0, matchedOn: "name") }
            }
            if candidates.isEmpty {
                state.linkOutcome = LinkOutcome.noMatch.wireValue
                state.candidates = []
                let blocker = Blocker(kind: .vendorNotLinked, ref: row.key.externalID,
                                      message: "no QBO vendor matches; create one (LinkVendor mode CREATE) or link one (mode EXISTING)")
                return PushOutcome(result: .blocked([blocker], note: "no QBO vendor matches"), state: state)
            }
            state.candidates = candidates
            state.linkOutcome = (candidates.count == 1 ? LinkOutcome.proposed : LinkOutcome.ambiguous).wireValue
            let names = candidates.map { "\($0.displayName) (\($0.qboID), by \($0.matchedOn))" }.joined(separator: ", ")
            let blocker = Blocker(kind: .vendorNeedsConfirmation, ref: row.key.externalID,
                                  message: candidates.count == 1
                                      ? "one QBO vendor matches by \(candidates[0].matchedOn): \(names); confirm it with LinkVendor"
                                      : "\(candidates.count) QBO vendors match: \(names); pick one with LinkVendor")
            return PushOutcome(result: .blocked([blocker], note: candidates.count == 1 ? "proposed a match" : "ambiguous match"), state: state)
        }
    }

    private func createVendor(_ plan: VendorPlan, row: RecordRow, state: RecordState) async throws -> PushOutcome {
        var state = state
        state.linkOutcome = LinkOutcome.created.wireValue
        state.candidates = []
        // Vendors carry no note for a marker: a create whose outcome is
        // unknown is found again by its unique DisplayName (the requestid
        // replays the answer within QBO's replay window anyway).
        if row.outcomeUnknown, let lost = try await self.vendorNamed(plan.body.displayName ?? "") {
            let found = try await self.bringUpToDate(lost, with: plan.body, row: row)
            return PushOutcome(result: .synced(qboID: found.id ?? "", syncToken: found.syncToken ?? "", voided: false,
                                               note: "found in QBO as Vendor \(found.id ?? "") after an unknown outcome; not created twice"), state: state)
        }
        let created: QBO.Vendor
        do {
            created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
        } catch let error as QBOError where error.code == "6240" {
            throw await self.namingHolder(error, name: plan.body.displayName ?? "", except: "")
        }
        return PushOutcome(result: .synced(qboID: created.id ?? "", syncToken: created.syncToken ?? "", voided: false,
                                           note: "created in QBO as Vendor \(created.id ?? "")"), state: state)
    }

    private func vendorNamed(_ name: String) async throws -> QBO.Vendor? {
        try await self.client.queryAll(QBOQuery<QBO.Vendor>.select().where("DisplayName", .equals, .string(name))).first
    }

    static func candidate(_ vendor: QBO.Vendor, matchedOn: String) -> RecordState.Candidate {
        RecordState.Candidate(qboID: vendor.id ?? "", displayName: vendor.displayName ?? "", email: vendor.primaryEmailAddr?.address ?? "",
                              phone: vendor.primaryPhone?.freeFormNumber ?? "", matchedOn: matchedOn)
    }

    // MARK: Bills, purchase orders, expenses

    /// Creates, updates or deletes a document. A create whose outcome is
    /// unknown is looked for first (by the plan's field and the date,
    /// recognised by the marker); a delete of a document never created is
    /// nothing to do.
    func pushDocument<Document: SyncedDocument & Equatable>(_ plan: DocumentPlan<Document>, row: RecordRow) async throws -> PushOutcome {
        let name = Document.entityName
        switch plan.operation {
        case .create:
            if row.outcomeUnknown, let found = try await self.findDocument(plan, row: row) {
                let current = try await self.bringUpToDate(found, with: plan.body, row: row)
                return self.synced(current.id, current.syncToken, note: "found in QBO as \(name) \(found.id ?? "") after an unknown outcome; not created twice")
            }
            let created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
            return self.synced(created.id, created.syncToken, note: "created in QBO as \(name) \(created.id ?? "")")
        case .update:
            let updated = try await self.withFreshToken(row, read: { try await self.client.read(Document.self, id: row.qboID).syncToken }) { token, step in
                var body = plan.body
                body.id = row.qboID
                body.syncToken = token
                body.sparse = true
                return try await self.client.sparseUpdate(body, requestID: try Self.requestID(row, "u\(step)"))
            }
            return self.synced(updated.id, updated.syncToken, note: "updated in QBO (\(name) \(row.qboID), SyncToken \(updated.syncToken ?? ""))")
        case .delete:
            var id = row.qboID
            var known = row
            if id.isEmpty {
                guard row.outcomeUnknown, let found = try await self.findDocument(plan, row: row), let foundID = found.id else {
                    return PushOutcome(result: .skipped(reason: SkipReason.cancelledBeforeSync, note: "cancelled before it reached QuickBooks; nothing pushed"))
                }
                id = foundID
                known.qboSyncToken = found.syncToken ?? ""
            }
            _ = try await self.withFreshToken(known, read: { try await self.client.read(Document.self, id: id).syncToken }) { token, step in
                try await self.client.delete(Document.self, id: id, syncToken: token, requestID: try Self.requestID(row, "d\(step)"))
            }
            return PushOutcome(result: .synced(qboID: id, syncToken: "", voided: true, note: "deleted in QBO (\(name) \(id))"))
        }
    }

    private func findDocument<Document: SyncedDocument & Equatable>(_ plan: DocumentPlan<Document>, row: RecordRow) async throws -> Document? {
        guard !plan.findValue.isEmpty else { return nil }
        var query = QBOQuery<Document>.select().where(QBOQuery<Document>.Field(stringLiteral: plan.findField), .equals, .string(plan.findValue))
        if let date = plan.body.txnDate, plan.findField != "DocNumber" { query = query.where("TxnDate", .equals, .string(date)) }
        return try await self.client.queryAll(query).first { $0.privateNote?.contains(row.key.marker) == true }
    }

    // MARK: Bill payments

    func pushBillPayment(_ plan: BillPaymentPlan, row: RecordRow) async throws -> PushOutcome {
        switch plan.operation {
        case .void:
            return try await self.void(
                row, find: { try await self.findBillPayment(vendorID: plan.body.vendorRef?.value, date: plan.body.txnDate, marker: row.key.marker).map { ($0.id, $0.syncToken) } },
                read: { try await self.client.read(QBO.BillPayment.self, id: $0).syncToken },
                send: { try await self.client.voidBillPayment(id: $0, syncToken: $1, requestID: $2).syncToken },
                note: { "voided in QBO (BillPayment \($0)); its bills owe again" }
            )
        case .create:
            if row.outcomeUnknown, let found = try await self.findBillPayment(vendorID: plan.body.vendorRef?.value, date: plan.body.txnDate, marker: row.key.marker) {
                return self.synced(found.id, found.syncToken, note: "found in QBO as BillPayment \(found.id ?? "") after an unknown outcome; not created twice")
            }
            let created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
            return self.synced(created.id, created.syncToken, note: "created in QBO as BillPayment \(created.id ?? "")")
        }
    }

    private func findBillPayment(vendorID: String?, date: String?, marker: String) async throws -> QBO.BillPayment? {
        let query = QBOQuery<QBO.BillPayment>.select()
            .where("VendorRef", .equals, .string(vendorID ?? ""))
            .where("TxnDate", .equals, .string(date ?? ""))
        return try await self.client.queryAll(query).first { $0.privateNote?.contains(marker) == true }
    }
}
