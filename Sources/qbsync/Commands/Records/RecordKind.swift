import ArgumentParser
import QBSyncClient
import QBSyncWire

/// What `invoices`, `payments` and `refunds` have in common: one entity
/// type, its request message read from JSON, and the RPC that accepts it.
/// The record commands are generic over it, so the three groups are one code path.
protocol RecordKind: Sendable {
    associatedtype Message: JSONDecodableRecord & Encodable & Sendable
    associatedtype Response: AcceptedRecordResponse & Encodable & Sendable

    static var entity: EntityType { get }
    /// Subcommands only this entity has (payments void, refunds create).
    static var extraSubcommands: [any ParsableCommand.Type] { get }

    static func externalID(_ message: Message) -> String
    /// Hands the record to the service.
    static func sync(_ message: Message, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> Response
}

/// A response that carries the accepted record (SyncInvoice, SyncBill, ...).
protocol AcceptedRecordResponse {
    var record: SyncRecord? { get set }
    /// False when the content equals what was already accepted.
    var changed: Bool { get }
}

extension SyncInvoiceResponse: AcceptedRecordResponse {}
extension SyncPaymentResponse: AcceptedRecordResponse {}
extension RefundResponse: AcceptedRecordResponse {}
extension SyncBillResponse: AcceptedRecordResponse {}
extension SyncBillPaymentResponse: AcceptedRecordResponse {}
extension SyncPurchaseOrderResponse: AcceptedRecordResponse {}
extension SyncExpenseResponse: AcceptedRecordResponse {}
extension SyncItemResponse: AcceptedRecordResponse {}
extension LinkVendorResponse: AcceptedRecordResponse {
    var changed: Bool { self.outcome != .alreadyLinked || self.record?.status == .pending }
}

extension RecordKind {
    /// The accepted record in the response.
    static func record(_ response: Response) -> SyncRecord { response.record ?? SyncRecord() }

    /// The response with its record replaced (after --wait).
    static func replacing(_ record: SyncRecord, in response: Response) -> Response {
        var copy = response
        copy.record = record
        return copy
    }
}

enum InvoiceKind: RecordKind {
    static let entity = EntityType.invoice
    static var extraSubcommands: [any ParsableCommand.Type] { [] }
    static func externalID(_ message: Invoice) -> String { message.externalID }
    static func sync(_ message: Invoice, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncInvoiceResponse {
        try await client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: message), options: options)
    }
}

enum PaymentKind: RecordKind {
    static let entity = EntityType.payment
    static var extraSubcommands: [any ParsableCommand.Type] { [PaymentVoidCommand.self] }
    static func externalID(_ message: Payment) -> String { message.externalID }
    static func sync(_ message: Payment, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncPaymentResponse {
        try await client.syncPayment(SyncPaymentRequest(companyID: company, payment: message), options: options)
    }
}

enum RefundKind: RecordKind {
    static let entity = EntityType.refund
    static var extraSubcommands: [any ParsableCommand.Type] { [RefundCreateCommand.self] }
    static func externalID(_ message: Refund) -> String { message.externalID }
    static func sync(_ message: Refund, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> RefundResponse {
        try await client.refund(RefundRequest(companyID: company, refund: message), options: options)
    }
}

enum VendorKind: RecordKind {
    static let entity = EntityType.vendor
    static var extraSubcommands: [any ParsableCommand.Type] { [LinkVendorCommand.self] }
    static func externalID(_ message: Vendor) -> String { message.externalID }
    /// Sending vendors links each automatically (by email; a name match is a proposal).
    static func sync(_ message: Vendor, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> LinkVendorResponse {
        try await client.linkVendor(LinkVendorRequest(companyID: company, vendor: message, mode: .auto), options: options)
    }
}

enum ItemKind: RecordKind {
    static let entity = EntityType.item
    static var extraSubcommands: [any ParsableCommand.Type] { [] }
    static func externalID(_ message: Item) -> String { message.externalID }
    static func sync(_ message: Item, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncItemResponse {
        try await client.syncItem(SyncItemRequest(companyID: company, item: message), options: options)
    }
}

enum BillKind: RecordKind {
    static let entity = EntityType.bill
    static var extraSubcommands: [any ParsableCommand.Type] { [] }
    static func externalID(_ message: Bill) -> String { message.externalID }
    static func sync(_ message: Bill, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncBillResponse {
        try await client.syncBill(SyncBillRequest(companyID: company, bill: message), options: options)
    }
}

enum BillPaymentKind: RecordKind {
    static let entity = EntityType.billPayment
    static var extraSubcommands: [any ParsableCommand.Type] { [] }
    static func externalID(_ message: BillPayment) -> String { message.externalID }
    static func sync(_ message: BillPayment, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncBillPaymentResponse {
        try await client.syncBillPayment(SyncBillPaymentRequest(companyID: company, billPayment: message), options: options)
    }
}

enum PurchaseOrderKind: RecordKind {
    static let entity = EntityType.purchaseOrder
    static var extraSubcommands: [any ParsableCommand.Type] { [] }
    static func externalID(_ message: PurchaseOrder) -> String { message.externalID }
    static func sync(_ message: PurchaseOrder, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncPurchaseOrderResponse {
        try await client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: company, purchaseOrder: message), options: options)
    }
}

enum ExpenseKind: RecordKind {
    static let entity = EntityType.expense
    static var extraSubcommands: [any ParsableCommand.Type] { [] }
    static func externalID(_ message: Expense) -> String { message.externalID }
    static func sync(_ message: Expense, company: String, client: QBSyncClient, options: CallOptions) async throws(RPCError) -> SyncExpenseResponse {
        try await client.syncExpense(SyncExpenseRequest(companyID: company, expense: message), options: options)
    }
}

/// `qbsync invoices|payments|refunds|vendors|bills|bill-payments|purchase-orders|expenses`.
struct RecordGroupCommand<Kind: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Kind.entity.plural,
            abstract: "Send, resync, show and list \(Kind.entity.plural).",
            subcommands: [
                SyncRecordsCommand<Kind>.self,
                ResyncCommand<Kind>.self,
                ShowRecordCommand<Kind>.self,
                ListRecordsCommand<Kind>.self,
            ] + Kind.extraSubcommands
        )
    }
}

/// Runs `body` over `items` with at most `limit` calls in flight, results in input order.
func concurrentMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        while next < min(limit, items.count) {
            let index = next
            group.addTask { (index, await body(items[index])) }
            next += 1
        }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, await body(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}

/// Runs one RPC and keeps its failure as a value (so a batch can go on past one rejected record).
func rpcResult<T>(_ body: () async throws(RPCError) -> T) async -> Result<T, RPCError> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
