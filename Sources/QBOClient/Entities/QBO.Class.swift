import Foundation

extension QBO {
    /// A class, for class tracking: lines name one with `ClassRef` (per line or per
    /// form, as `Preferences.AccountingInfoPrefs` says). Classes nest up to five levels.
    public struct Class: QBOEntity, Hashable {
        /// `"Class"`.
        public static let entityName = "Class"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The class's name, unique among its siblings.
        public var name: String?
        /// Whether the class has a parent (then ``parentRef`` is required).
        public var subClass: Bool?
        /// The parent class.
        public var parentRef: Ref?
        /// Name including parents, `Parent:Child`, read-only.
        public var fullyQualifiedName: String?
        /// `false` once the class is made inactive.
        public var active: Bool?

        /// Creates a class.
        /// - Parameters:
        ///   - name: The class's name.
        ///   - parentRef: The parent, for a sub-class (sets ``subClass``).
        public init(name: String? = nil, parentRef: Ref? = nil) {
            self.name = name
            self.parentRef = parentRef
            self.subClass = parentRef == nil ? nil : true
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData", name = "Name"
            case subClass = "SubClass", parentRef = "ParentRef"
            case fullyQualifiedName = "FullyQualifiedName", active = "Active"
        }
    }
}
