extension EntityType {
    /// Every entity type a record can have, in the order tables show them:
    /// the receivables side, then payables and spending.
    public static let recordTypes: [EntityType] = [
        .customer, .item, .invoice, .payment, .refund,
        .vendor, .bill, .billPayment, .purchaseOrder, .expense,
    ]
}
