import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// LinkCustomer end to end: match by email, propose by name or phone,
/// ambiguous, create, link, unlink.
@Suite(.timeLimit(.minutes(3))) struct CustomerLinkTests {
    /// Creates QBO customers directly in the simulator's books (as an accountant would).
    private func seedQBOCustomers(_ harness: ServiceHarness, company: String, _ customers: [Customer]) async throws {
        for customer in customers {
            let response = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: company, customer: customer, mode: .create))
            #expect(response.outcome == .created)
        }
    }

    @Test func emailMatchLinksByItself() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        try await self.seedQBOCustomers(harness, company: "acme", [Fixtures.customer("qbo-side", name: "Birds Inc", email: "Birds@Intuit.com")])
        let response = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("rental-9", name: "Bird Sanctuary", email: "birds@intuit.com"), mode: .auto
        ))
        #expect(response.outcome == .linkedByEmail)
        #expect(!response.qboCustomerID.isEmpty)
        #expect(response.record?.status == .synced)
        await harness.stop()
    }

    @Test func nameMatchIsOnlyAProposalUntilConfirmed() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme")
        try await self.seedQBOCustomers(harness, company: "acme", [Fixtures.customer("qbo-side", name: "Harbor Events", email: "a@harbor.test")])
        let proposal = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("rental-1", name: "Harbor Events", email: "other@elsewhere.test"), mode: .auto
        ))
        #expect(proposal.outcome == .proposed)
        #expect(proposal.candidates.count == 1)
        #expect(proposal.candidates.first?.matchedOn == "name")
        #expect(proposal.record?.status == .blocked)
        #expect(proposal.record?.blockers.first?.kind == .customerNeedsConfirmation)
        let shown = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .customer, "rental-1")))
        #expect(shown.candidates.map(\.qboID) == proposal.candidates.map(\.qboID))
        // A person confirms by external id alone; qbsync keeps the customer it was sent.
        let confirmed = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Customer(externalID: "rental-1"), mode: .existing, qboCustomerID: proposal.candidates[0].qboID
        ))
        #expect(confirmed.outcome == .linkedExisting)
        #expect(confirmed.qboCustomerID == proposal.candidates[0].qboID)
        #expect(try await harness.ledger(realm, "Customer").count == 1)
        await harness.stop()
    }

    @Test func phoneMatchIsAProposal() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        try await self.seedQBOCustomers(harness, company: "acme", [
            Customer(externalID: "qbo-side", givenName: "Ana", familyName: "Ruiz", companyName: "Party Time LLC", phone: "(650) 555-3311"),
        ])
        let proposal = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme",
            customer: Customer(externalID: "rental-2", givenName: "Bo", familyName: "Chen", companyName: "Totally Different", phone: "650.555.3311"),
            mode: .auto
        ))
        #expect(proposal.outcome == .proposed)
        #expect(proposal.candidates.first?.matchedOn == "phone")
        await harness.stop()
    }

    @Test func severalMatchesLinkNothing() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        try await self.seedQBOCustomers(harness, company: "acme", [
            Customer(externalID: "a", givenName: "Sam", familyName: "Ortiz", displayName: "Sam Ortiz", email: "sam1@x.test"),
            Customer(externalID: "b", givenName: "Sam", familyName: "Ortiz", displayName: "Sam Ortiz (2)", email: "sam2@x.test"),
        ])
        let response = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Customer(externalID: "rental-3", givenName: "Sam", familyName: "Ortiz", email: "sam3@x.test"), mode: .auto
        ))
        #expect(response.outcome == .ambiguous)
        #expect(response.candidates.count == 2)
        #expect(response.qboCustomerID.isEmpty)
        await harness.stop()
    }

    @Test func noMatchWithoutAutoCreateStaysUnlinked() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme")
        let response = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("rental-4", name: "Nobody Known"), mode: .auto
        ))
        #expect(response.outcome == .noMatch)
        #expect(response.record?.status == .blocked)
        #expect(try await harness.ledger(realm, "Customer").isEmpty)
        await harness.stop()
    }

    @Test func noMatchWithAutoCreateCreates() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme", settings: CompanySettings(autoCreateCustomers: true))
        let response = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("rental-5", name: "Fresh Face Rentals", email: "hi@fresh.test"), mode: .auto
        ))
        #expect(response.outcome == .created)
        let customers = try await harness.ledger(realm, "Customer")
        #expect(customers.count == 1)
        #expect(customers.first?["DisplayName"]?.stringValue == "Fresh Face Rentals")
        #expect(customers.first?["PrimaryEmailAddr"]?["Address"]?.stringValue == "hi@fresh.test")
        await harness.stop()
    }

    @Test func unlinkThenRelink() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        let created = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("rental-6"), mode: .create))
        let unlinked = try await harness.client.unlinkCustomer(UnlinkCustomerRequest(companyID: "acme", externalID: "rental-6"))
        #expect(unlinked.previousQBOCustomerID == created.qboCustomerID)
        #expect(unlinked.record?.status == .blocked)
        let list = try await harness.client.listCustomers(ListCustomersRequest(companyID: "acme", filter: .unmapped))
        #expect(list.customers.map { $0.record?.ref?.externalID } == ["rental-6"])
        #expect(list.unmappedCount == 1)
        let relinked = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("rental-6"), mode: .existing, qboCustomerID: created.qboCustomerID
        ))
        #expect(relinked.outcome == .linkedExisting)
        let again = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("rental-6"), mode: .existing, qboCustomerID: created.qboCustomerID
        ))
        #expect(again.outcome == .alreadyLinked)
        #expect(try await harness.client.listCustomers(ListCustomersRequest(companyID: "acme", filter: .mapped)).mappedCount == 1)
        await harness.stop()
    }

    @Test func aBareCustomerMustBeKnown() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        let error = await #expect(throws: RPCError.self) {
            try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Customer(externalID: "nobody"), mode: .existing, qboCustomerID: "1"))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.detail(FieldViolation.self)?.field == "customer.display_name")
        await harness.stop()
    }

    @Test func linkingToAMissingQBOCustomerIsNotFound() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        let error = await #expect(throws: RPCError.self) {
            try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("rental-7"), mode: .existing, qboCustomerID: "98765"))
        }
        #expect(error?.code == .notFound)
        #expect(error?.detail(ErrorDetail.self)?.qboCode == "610")
        await harness.stop()
    }
}
