import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension Pusher {
    /// Links a rental customer to a QBO customer: the one asked for, a new
    /// one, or the one that matches. Email matches link by themselves; name
    /// and phone matches are proposals a person confirms; several matches
    /// link nothing and are reported.
    func pushCustomer(_ plan: CustomerPlan, row: RecordRow) async throws -> PushOutcome {
        var state = row.state
        switch plan.mode {
        case .link(let qboID):
            let customer = try await self.client.read(QBO.Customer.self, id: qboID)
            guard customer.active != false else {
                throw QBOError(kind: .notFound, message: "QBO customer \(qboID) is inactive", code: "610")
            }
            state.linkOutcome = LinkOutcome.linkedExisting.wireValue
            state.candidates = []
            return PushOutcome(result: .synced(qboID: qboID, syncToken: customer.syncToken ?? "", voided: false, note: "linked to QBO customer \(qboID)"), state: state)
        case .create:
            return try await self.createCustomer(plan, row: row, state: state)
        case .update(let qboID):
            return try await self.updateCustomer(plan, qboID: qboID, row: row, state: state)
        case .match(let autoCreate):
            // A create whose answer was lost: the customer found by email or
            // name may be the one qbsync created. Its marker says so.
            if row.outcomeUnknown, autoCreate, let found = try await self.findOwnCustomer(plan, marker: row.key.marker) {
                state.linkOutcome = LinkOutcome.created.wireValue
                state.candidates = []
                return PushOutcome(result: .synced(qboID: found.id ?? "", syncToken: found.syncToken ?? "", voided: false,
                                                   note: "found in QBO as Customer \(found.id ?? "") after an unknown outcome; not created twice"), state: state)
            }
            let byEmail = try await self.matchByEmail(plan.email)
            if byEmail.count == 1, let match = byEmail.first {
                state.linkOutcome = LinkOutcome.linkedByEmail.wireValue
                state.candidates = []
                return PushOutcome(result: .synced(qboID: match.qboID, syncToken: "", voided: false, note: "linked by email to QBO customer \(match.qboID)"), state: state)
            }
            var candidates = byEmail
            if candidates.isEmpty {
                candidates = try await self.matchByNameOrPhone(plan)
            }
            if candidates.isEmpty {
                if autoCreate { return try await self.createCustomer(plan, row: row, state: state) }
                state.linkOutcome = LinkOutcome.noMatch.wireValue
                state.candidates = []
                let blocker = Blocker(kind: .customerNotLinked, ref: row.key.externalID,
                                      message: "no QBO customer matches; create one (LinkCustomer mode CREATE, or turn on auto-create) or link one")
                return PushOutcome(result: .blocked([blocker], note: "no QBO customer matches"), state: state)
            }
            state.candidates = candidates
            state.linkOutcome = (candidates.count == 1 ? LinkOutcome.proposed : LinkOutcome.ambiguous).wireValue
            let names = candidates.map { "\($0.displayName) (\($0.qboID), by \($0.matchedOn))" }.joined(separator: ", ")
            let blocker = Blocker(kind: .customerNeedsConfirmation, ref: row.key.externalID,
                                  message: candidates.count == 1
                                      ? "one QBO customer matches by \(candidates[0].matchedOn): \(names); confirm it with LinkCustomer"
                                      : "\(candidates.count) QBO customers match: \(names); pick one with LinkCustomer")
            return PushOutcome(result: .blocked([blocker], note: candidates.count == 1 ? "proposed a match" : "ambiguous match"), state: state)
        }
    }

    private func createCustomer(_ plan: CustomerPlan, row: RecordRow, state: RecordState) async throws -> PushOutcome {
        var state = state
        state.linkOutcome = LinkOutcome.created.wireValue
        state.candidates = []
        if row.outcomeUnknown, let lost = try await self.findOwnCustomer(plan, marker: row.key.marker) {
            let found = try await self.bringUpToDate(lost, with: plan.body, row: row)
            return PushOutcome(result: .synced(qboID: found.id ?? "", syncToken: found.syncToken ?? "", voided: false,
                                               note: "found in QBO as Customer \(found.id ?? "") after an unknown outcome; not created twice"), state: state)
        }
        do {
            let created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
            await self.customers.add(created)
            return PushOutcome(result: .synced(qboID: created.id ?? "", syncToken: created.syncToken ?? "", voided: false,
                                               note: "created in QBO as Customer \(created.id ?? "")"), state: state)
        } catch let error as QBOError where error.kind == .duplicate {
            if let found = try await self.findOwnCustomer(plan, marker: row.key.marker) {
                return PushOutcome(result: .synced(qboID: found.id ?? "", syncToken: found.syncToken ?? "", voided: false,
                                                   note: "found in QBO as Customer \(found.id ?? "") (it was created before)"), state: state)
            }
            throw error.code == "6240" ? await self.namingHolder(error, name: plan.body.displayName ?? "", except: "") : error
        }
    }

    /// Pushes a linked customer's changed details as a sparse update with the
    /// current SyncToken (re-read on 5010). A name another QBO customer,
    /// vendor or employee holds (6240) fails with that holder named.
    private func updateCustomer(_ plan: CustomerPlan, qboID: String, row: RecordRow, state: RecordState) async throws -> PushOutcome {
        do {
            let updated = try await self.withFreshToken(row, read: { try await self.client.read(QBO.Customer.self, id: qboID).syncToken }) { token, step in
                var body = plan.body
                body.id = qboID
                body.syncToken = token
                body.sparse = true
                return try await self.client.sparseUpdate(body, requestID: try Self.requestID(row, "u\(step)"))
            }
            return PushOutcome(result: .synced(qboID: qboID, syncToken: updated.syncToken ?? "", voided: false,
                                               note: "updated in QBO (Customer \(qboID), SyncToken \(updated.syncToken ?? ""))"), state: state)
        } catch let error as QBOError where error.code == "6240" {
            throw await self.namingHolder(error, name: plan.body.displayName ?? "", except: qboID)
        }
    }

    /// A 6240 (duplicate name) with who holds the name added to its detail:
    /// QBO's own message does not say whether a customer or a vendor has it.
    func namingHolder(_ error: QBOError, name: String, except qboID: String) async -> QBOError {
        var error = error
        if let holder = try? await self.nameHolder(name, except: qboID, hint: error.duplicateHolderID) {
            error.detail = [error.detail, "the name \"\(name)\" \(FixHints.heldBy)\(holder)"].compactMap { $0 }.joined(separator: "; ")
            error.duplicateHolderID = error.duplicateHolderID ?? holder.split(separator: " ").last.map(String.init)
        }
        return error
    }

    /// Who holds a display name in QBO ("QBO customer Amy's Bird Sanctuary 58"), as far as customers and vendors tell.
    private func nameHolder(_ name: String, except qboID: String, hint: String?) async throws -> String? {
        let customers = QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, .string(name))
        if let holder = try await self.client.queryAll(customers).first(where: { $0.id != qboID }) {
            return "QBO customer \(holder.displayName ?? name) \(holder.id ?? "")"
        }
        let vendors = QBOQuery<QBO.Vendor>.select().where("DisplayName", .equals, .string(name))
        if let holder = try await self.client.queryAll(vendors).first(where: { $0.id != qboID }) {
            return "QBO vendor \(holder.displayName ?? name) \(holder.id ?? "")"
        }
        return hint.map { "QBO name-list entry \($0) (an employee)" }
    }

    private func findOwnCustomer(_ plan: CustomerPlan, marker: String) async throws -> QBO.Customer? {
        let query = QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, .string(plan.body.displayName ?? ""))
        return try await self.client.queryAll(query).first { $0.notes?.contains(marker) == true }
    }

    private func matchByEmail(_ email: String) async throws -> [RecordState.Candidate] {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        var found: [String: QBO.Customer] = [:]
        for variant in Set([trimmed, trimmed.lowercased()]) {
            let query = QBOQuery<QBO.Customer>.select().where("PrimaryEmailAddr", .equals, .string(variant))
            for customer in try await self.client.queryAll(query)
            where customer.active != false && customer.primaryEmailAddr?.address?.lowercased() == trimmed.lowercased() {
                found[customer.id ?? ""] = customer
            }
        }
        return found.values.sorted { ($0.id ?? "") < ($1.id ?? "") }.map { Self.candidate($0, matchedOn: "email") }
    }

    private func matchByNameOrPhone(_ plan: CustomerPlan) async throws -> [RecordState.Candidate] {
        var found: [String: RecordState.Candidate] = [:]
        let names = Set([plan.body.displayName ?? "", plan.fullName].filter { !$0.isEmpty })
        for name in names {
            let query = QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, .string(name))
            for customer in try await self.client.queryAll(query) where customer.active != false {
                found[customer.id ?? ""] = Self.candidate(customer, matchedOn: "name")
            }
        }
        if let given = plan.body.givenName, let family = plan.body.familyName {
            let query = QBOQuery<QBO.Customer>.select().where("GivenName", .equals, .string(given)).where("FamilyName", .equals, .string(family))
            for customer in try await self.client.queryAll(query) where customer.active != false && found[customer.id ?? ""] == nil {
                found[customer.id ?? ""] = Self.candidate(customer, matchedOn: "name")
            }
        }
        let digits = CustomerDirectory.phoneKey(plan.phone)
        if !digits.isEmpty {
            for customer in try await self.customers.withPhone(digits, client: self.client) where found[customer.id ?? ""] == nil {
                found[customer.id ?? ""] = Self.candidate(customer, matchedOn: "phone")
            }
        }
        return found.values.sorted { $0.qboID < $1.qboID }
    }

    static func candidate(_ customer: QBO.Customer, matchedOn: String) -> RecordState.Candidate {
        RecordState.Candidate(
            qboID: customer.id ?? "",
            displayName: customer.displayName ?? "",
            email: customer.primaryEmailAddr?.address ?? "",
            phone: customer.primaryPhone?.freeFormNumber ?? "",
            matchedOn: matchedOn
        )
    }
}

/// A company's QBO customers by phone number, for phone matching (QBO
/// cannot query by phone). Loaded on first use and refreshed when older
/// than five minutes.
actor CustomerDirectory {
    private var byPhone: [String: [QBO.Customer]] = [:]
    private var loadedAt: ContinuousClock.Instant?
    private let maxAge: Duration = .seconds(300)

    /// The last ten digits of a phone number ("(650) 555-3311" -> "6505553311").
    static func phoneKey(_ phone: String) -> String {
        String(phone.filter(\.isNumber).suffix(10))
    }

    func withPhone(_ key: String, client: QBOClient) async throws -> [QBO.Customer] {
        if self.loadedAt.map({ ContinuousClock.now - $0 > self.maxAge }) ?? true {
            let all = try await client.queryAll(QBOQuery<QBO.Customer>.select().where("Active", .equals, true))
            self.byPhone = [:]
            for customer in all { self.index(customer) }
            self.loadedAt = .now
        }
        return self.byPhone[key] ?? []
    }

    func add(_ customer: QBO.Customer) {
        if self.loadedAt != nil { self.index(customer) }
    }

    private func index(_ customer: QBO.Customer) {
        let key = Self.phoneKey(customer.primaryPhone?.freeFormNumber ?? "")
        guard key.count >= 7 else { return }
        self.byPhone[key, default: []].append(customer)
    }
}
