extension QBO {
    /// A reference to another record: `{"value": "1", "name": "Services"}`.
    public struct Ref: Codable, Sendable, Hashable {
        /// The referenced record's Id (or code, for currencies and tax codes).
        public var value: String
        /// The referenced record's display name; informational, QBO ignores it on writes.
        public var name: String?
        /// The referenced record's entity, where one field may point at several kinds:
        /// a purchase's `EntityRef` says `"Vendor"`, `"Customer"` or `"Employee"`.
        public var type: String?

        /// Creates a reference.
        /// - Parameters:
        ///   - value: The referenced Id.
        ///   - name: The display name, if known.
        ///   - type: The referenced entity, for fields that accept several (`EntityRef`).
        public init(value: String, name: String? = nil, type: String? = nil) {
            self.value = value
            self.name = name
            self.type = type
        }
    }

    /// A postal address (`BillAddr`, `ShipAddr`).
    public struct Address: Codable, Sendable, Hashable {
        /// QBO's Id of the address record.
        public var id: String?
        /// First address line.
        public var line1: String?
        /// Second address line.
        public var line2: String?
        /// Third address line.
        public var line3: String?
        /// Fourth address line.
        public var line4: String?
        /// Fifth address line.
        public var line5: String?
        /// City.
        public var city: String?
        /// Country.
        public var country: String?
        /// State or province code, e.g. `"CA"`.
        public var countrySubDivisionCode: String?
        /// Postal code.
        public var postalCode: String?
        /// Latitude as QBO returns it (may be `"INVALID"`).
        public var lat: String?
        /// Longitude as QBO returns it (may be `"INVALID"`).
        public var long: String?

        /// Creates an address.
        /// - Parameters:
        ///   - line1: First line.
        ///   - line2: Second line.
        ///   - city: City.
        ///   - countrySubDivisionCode: State or province code.
        ///   - postalCode: Postal code.
        ///   - country: Country.
        public init(
            line1: String? = nil, line2: String? = nil, city: String? = nil,
            countrySubDivisionCode: String? = nil, postalCode: String? = nil, country: String? = nil
        ) {
            self.line1 = line1
            self.line2 = line2
            self.city = city
            self.countrySubDivisionCode = countrySubDivisionCode
            self.postalCode = postalCode
            self.country = country
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", line1 = "Line1", line2 = "Line2", line3 = "Line3", line4 = "Line4", line5 = "Line5"
            case city = "City", country = "Country", countrySubDivisionCode = "CountrySubDivisionCode"
            case postalCode = "PostalCode", lat = "Lat", long = "Long"
        }
    }

    /// An e-mail address (`PrimaryEmailAddr`, `BillEmail`).
    public struct EmailAddress: Codable, Sendable, Hashable {
        /// The address.
        public var address: String?

        /// Creates an e-mail address.
        /// - Parameter address: The address.
        public init(address: String?) { self.address = address }

        enum CodingKeys: String, CodingKey { case address = "Address" }
    }

    /// A telephone number (`PrimaryPhone`, `Mobile`).
    public struct Phone: Codable, Sendable, Hashable {
        /// The number as typed, e.g. `"(415) 444-1234"`.
        public var freeFormNumber: String?

        /// Creates a phone number.
        /// - Parameter freeFormNumber: The number as typed.
        public init(freeFormNumber: String?) { self.freeFormNumber = freeFormNumber }

        enum CodingKeys: String, CodingKey { case freeFormNumber = "FreeFormNumber" }
    }

    /// A web address (`WebAddr`).
    public struct WebAddress: Codable, Sendable, Hashable {
        /// The address, e.g. `"http://www.booksbybessie.co"`.
        public var uri: String?

        /// Creates a web address.
        /// - Parameter uri: The address.
        public init(uri: String?) { self.uri = uri }

        enum CodingKeys: String, CodingKey { case uri = "URI" }
    }

    /// A free-form name and value pair: `CompanyInfo.NameValue`, `Preferences.OtherPrefs`.
    public struct NameValue: Codable, Sendable, Hashable {
        /// The setting's name, e.g. `"OfferingSku"`.
        public var name: String
        /// Its value, always a string in QBO's JSON (`"true"`, `"QuickBooks Online Plus"`).
        public var value: String?

        /// Creates a pair.
        /// - Parameters:
        ///   - name: The setting's name.
        ///   - value: Its value.
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }

        enum CodingKeys: String, CodingKey { case name = "Name", value = "Value" }
    }

    /// Creation and last-change times, as QBO's ISO 8601 strings with offset.
    public struct MetaData: Codable, Sendable, Hashable {
        /// When the record was created, e.g. `"2020-09-29T05:58:07-07:00"`.
        public var createTime: String?
        /// When the record last changed.
        public var lastUpdatedTime: String?
        /// Who changed it last.
        public var lastModifiedByRef: Ref?

        /// Creates metadata.
        /// - Parameters:
        ///   - createTime: Creation time.
        ///   - lastUpdatedTime: Last change time.
        public init(createTime: String? = nil, lastUpdatedTime: String? = nil) {
            self.createTime = createTime
            self.lastUpdatedTime = lastUpdatedTime
        }

        enum CodingKeys: String, CodingKey {
            case createTime = "CreateTime", lastUpdatedTime = "LastUpdatedTime", lastModifiedByRef = "LastModifiedByRef"
        }
    }

    /// A link to another transaction: a payment line to the invoice it pays, an
    /// invoice to the estimate it came from.
    public struct LinkedTxn: Codable, Sendable, Hashable {
        /// The linked transaction's Id.
        public var txnId: String
        /// Its type, e.g. `"Invoice"`, `"Estimate"`, `"CreditMemo"`.
        public var txnType: String
        /// The linked line, when the link is to one line.
        public var txnLineId: String?

        /// Creates a link.
        /// - Parameters:
        ///   - txnId: The linked transaction's Id.
        ///   - txnType: Its type, e.g. `"Invoice"`.
        public init(txnId: String, txnType: String) {
            self.txnId = txnId
            self.txnType = txnType
        }

        enum CodingKeys: String, CodingKey { case txnId = "TxnId", txnType = "TxnType", txnLineId = "TxnLineId" }
    }
}
