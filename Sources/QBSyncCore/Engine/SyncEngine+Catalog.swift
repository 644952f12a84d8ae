import Foundation
import QBOClient
import QBSyncWire

extension SyncEngine {
    /// A page of one QuickBooks list, live from QuickBooks through the
    /// company's connection (rate-limited like every request): for pickers
    /// and for copying QuickBooks' tax setup into the rental system.
    ///
    /// - Parameters:
    ///   - pageSize: 1-1000.
    ///   - after: Rows already returned (from the previous page's token).
    public func listQBO(companyID: String, list: QBOList, nameContains: String, includeInactive: Bool, pageSize: Int, after: Int) async throws -> ListQBOEntitiesResponse {
        let client = try await self.client(companyID)
        // One more row than asked tells whether another page follows.
        let page = QBOCatalogPage(nameContains: nameContains, includeInactive: includeInactive, start: after + 1, size: pageSize + 1)
        var entries: [QBOEntry]
        do {
            switch list {
            case .customer:
                entries = try await page.rows(QBO.Customer.self, name: "DisplayName", client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.displayName ?? "", fullyQualifiedName: $0.fullyQualifiedName ?? "", active: $0.active ?? true,
                             email: $0.primaryEmailAddr?.address ?? "", phone: $0.primaryPhone?.freeFormNumber ?? "")
                }
            case .vendor:
                entries = try await page.rows(QBO.Vendor.self, name: "DisplayName", client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.displayName ?? "", active: $0.active ?? true,
                             email: $0.primaryEmailAddr?.address ?? "", phone: $0.primaryPhone?.freeFormNumber ?? "")
                }
            case .item:
                entries = try await page.rows(QBO.Item.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", fullyQualifiedName: $0.fullyQualifiedName ?? "", type: $0.type ?? "", active: $0.active ?? true)
                }
            case .account:
                entries = try await page.rows(QBO.Account.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", fullyQualifiedName: $0.fullyQualifiedName ?? "", type: $0.accountType ?? "", active: $0.active ?? true)
                }
            case .paymentMethod:
                entries = try await page.rows(QBO.PaymentMethod.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", type: $0.type ?? "", active: $0.active ?? true)
                }
            case .class:
                entries = try await page.rows(QBO.Class.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", fullyQualifiedName: $0.fullyQualifiedName ?? "", active: $0.active ?? true)
                }
            case .location:
                entries = try await page.rows(QBO.Department.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", fullyQualifiedName: $0.fullyQualifiedName ?? "", active: $0.active ?? true)
                }
            case .taxRate:
                entries = try await page.rows(QBO.TaxRate.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", active: $0.active ?? true, ratePercent: ($0.rateValue ?? 0).description)
                }
            case .taxCode:
                let codes = try await page.rows(QBO.TaxCode.self, client: client)
                entries = try await self.taxCodeEntries(codes, client: client)
            case .term:
                entries = try await page.rows(QBO.Term.self, client: client).map {
                    QBOEntry(qboID: $0.id ?? "", name: $0.name ?? "", type: $0.type ?? "", active: $0.active ?? true)
                }
            case .unspecified, .unrecognized:
                throw RPCError(code: .invalidArgument, message: "list: name a QuickBooks list")
            }
        } catch let error as QBOError {
            throw RPCError(code: error.isRetryable ? .unavailable : .failedPrecondition,
                           message: "could not read \(list.label) from QuickBooks: \(error.message)",
                           detail: FixHints.detail(error, retryable: error.isRetryable, subject: "the list"))
        }
        var response = ListQBOEntitiesResponse()
        if entries.count > pageSize {
            entries.removeLast(entries.count - pageSize)
            response.nextPageToken = String(after + pageSize)
        }
        response.entries = entries
        return response
    }

    /// Tax codes with the sum of their sales rates, read from the rates they name.
    private func taxCodeEntries(_ codes: [QBO.TaxCode], client: QBOClient) async throws -> [QBOEntry] {
        let rateIDs = Set(codes.flatMap { $0.salesTaxRateList?.taxRateDetail?.compactMap(\.taxRateRef?.value) ?? [] })
        var rates: [String: Decimal] = [:]
        if !rateIDs.isEmpty {
            let query = QBOQuery<QBO.TaxRate>.select().where("Id", in: rateIDs.sorted().map { .string($0) })
            for rate in try await client.queryAll(query) { rates[rate.id ?? ""] = rate.rateValue ?? 0 }
        }
        return codes.map { code in
            let ids = code.salesTaxRateList?.taxRateDetail?.compactMap(\.taxRateRef?.value) ?? []
            let total = ids.reduce(Decimal(0)) { $0 + (rates[$1] ?? 0) }
            return QBOEntry(qboID: code.id ?? "", name: code.name ?? "", active: code.active ?? true,
                            ratePercent: ids.isEmpty ? "" : total.description, taxRateIds: ids)
        }
    }
}

/// One page of a name-list query: `Name LIKE '%text%'`, active only unless
/// asked, by name, from a 1-based position.
struct QBOCatalogPage {
    var nameContains: String
    var includeInactive: Bool
    var start: Int
    var size: Int

    func rows<Entity: QBOEntity>(_ type: Entity.Type, name: QBOQuery<Entity>.Field = "Name", client: QBOClient) async throws -> [Entity] {
        var query = QBOQuery<Entity>.select()
        if !self.nameContains.isEmpty { query = query.where(name, like: "%\(self.nameContains)%") }
        if self.includeInactive { query = query.where("Active", in: [true, false]) }
        query = query.orderBy(name).startPosition(self.start).maxResults(self.size)
        return try await client.query(query).entities
    }
}

extension QBOList {
    /// "customers", "tax codes", for messages.
    public var label: String {
        switch self {
        case .customer: "customers"
        case .vendor: "vendors"
        case .item: "items"
        case .account: "accounts"
        case .paymentMethod: "payment methods"
        case .class: "classes"
        case .location: "locations"
        case .taxCode: "tax codes"
        case .taxRate: "tax rates"
        case .term: "terms"
        case .unspecified, .unrecognized: "list"
        }
    }
}
