import QBSyncCore
import QBSyncWire

extension FieldRules {
    static func validate(_ request: ConnectCompanyRequest) throws(RPCError) {
        try self.companyID(request.companyID)
        guard let credentials = request.credentials else { throw self.invalid("credentials", "are required") }
        guard !credentials.realmID.isEmpty, credentials.realmID.utf8.count <= 32,
              credentials.realmID.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
        else { throw self.invalid("credentials.realm_id", "must be the QBO company id (letters and digits)") }
        try self.text(credentials.clientID, field: "credentials.client_id", max: 200, required: true)
        try self.text(credentials.clientSecret, field: "credentials.client_secret", max: 200, required: true)
        try self.text(credentials.refreshToken, field: "credentials.refresh_token", max: 2000, required: true)
        if let settings = request.settings {
            if !settings.homeCurrency.isEmpty { _ = try self.currency(settings.homeCurrency, field: "settings.home_currency") }
            if case .unrecognized = settings.invoicePolicy { throw self.invalid("settings.invoice_policy", "has a value this server does not know") }
            _ = try self.toggles(settings.disabledEntities, field: "settings.disabled_entities")
            if case .unrecognized = settings.driftPolicy { throw self.invalid("settings.drift_policy", "has a value this server does not know") }
        }
    }

    /// The entity types of UpdateCompanySettings: which to enable, which to disable.
    static func validateToggles(_ request: UpdateCompanySettingsRequest) throws(RPCError) -> (enable: Set<EntityType>, disable: Set<EntityType>) {
        let enable = try self.toggles(request.enableEntities, field: "enable_entities")
        let disable = try self.toggles(request.disableEntities, field: "disable_entities")
        if let both = EntityType.recordTypes.first(where: { enable.contains($0) && disable.contains($0) }) {
            throw self.invalid("disable_entities", "\(both.label)s are also in enable_entities")
        }
        return (enable, disable)
    }

    /// Entity types that can be turned off: every record type but customers
    /// and vendors, which are linked on request.
    private static func toggles(_ entities: [EntityType], field: String) throws(RPCError) -> Set<EntityType> {
        guard entities.count <= 64 else { throw self.invalid(field, "names more than 64 entity types") }
        var result = Set<EntityType>()
        for (index, entity) in entities.enumerated() {
            switch entity {
            case .customer, .vendor:
                throw self.invalid("\(field)[\(index)]", "\(entity.label)s are linked on request (LinkCustomer, LinkVendor) and cannot be turned off")
            case .unspecified, .unrecognized:
                throw self.invalid("\(field)[\(index)]", "is not an entity type this server syncs")
            default:
                result.insert(entity)
            }
        }
        return result
    }

    static func validate(_ mapping: Mapping?, field: String) throws(RPCError) -> Mapping {
        guard let mapping else { throw self.invalid(field, "is required") }
        try self.mappingKind(mapping.kind, field: "\(field).kind", required: true)
        try self.text(mapping.externalCode, field: "\(field).external_code", max: 100, required: true)
        try self.text(mapping.qboID, field: "\(field).qbo_id", max: 32, required: true)
        try self.text(mapping.qboName, field: "\(field).qbo_name", max: 200)
        try self.text(mapping.qboPaymentMethodID, field: "\(field).qbo_payment_method_id", max: 32)
        return mapping
    }

    static func mappingKind(_ kind: MappingKind, field: String, required: Bool) throws(RPCError) {
        switch kind {
        case .unspecified where required: throw self.invalid(field, "is required")
        case .unrecognized: throw self.invalid(field, "has a value this server does not know")
        default: break
        }
    }

    static func entity(_ entity: EntityType, field: String, required: Bool) throws(RPCError) {
        switch entity {
        case .unspecified where required: throw self.invalid(field, "is required")
        case .unrecognized: throw self.invalid(field, "has a value this server does not know")
        default: break
        }
    }

    static func pageSize(_ value: UInt32, field: String) throws(RPCError) -> Int {
        guard value <= 1000 else { throw self.invalid(field, "must be at most 1000") }
        return value == 0 ? 100 : Int(value)
    }

    static func pageToken(_ value: String, field: String) throws(RPCError) -> Int64 {
        guard !value.isEmpty else { return 0 }
        guard let after = Int64(value), after > 0 else { throw self.invalid(field, "is not a token this server issued") }
        return after
    }
}
