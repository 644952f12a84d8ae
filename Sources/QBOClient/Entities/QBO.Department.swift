import Foundation

extension QBO {
    /// A location (QBO's Department list), for location tracking: forms name one
    /// with `DepartmentRef`. Locations nest up to five levels.
    public struct Department: QBOEntity, Hashable {
        /// `"Department"`.
        public static let entityName = "Department"

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
        /// The location's name, unique among its siblings.
        public var name: String?
        /// Whether the location has a parent (then ``parentRef`` is required).
        public var subDepartment: Bool?
        /// The parent location.
        public var parentRef: Ref?
        /// Name including parents, `Parent:Child`, read-only.
        public var fullyQualifiedName: String?
        /// `false` once the location is made inactive.
        public var active: Bool?

        /// Creates a location.
        /// - Parameters:
        ///   - name: The location's name.
        ///   - parentRef: The parent, for a sub-location (sets ``subDepartment``).
        public init(name: String? = nil, parentRef: Ref? = nil) {
            self.name = name
            self.parentRef = parentRef
            self.subDepartment = parentRef == nil ? nil : true
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData", name = "Name"
            case subDepartment = "SubDepartment", parentRef = "ParentRef"
            case fullyQualifiedName = "FullyQualifiedName", active = "Active"
        }
    }
}
