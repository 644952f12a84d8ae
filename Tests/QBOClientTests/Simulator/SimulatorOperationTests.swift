import Foundation
import QBOSimulator
import Testing
@testable import QBOClient

/// Every operation of the client against the in-process QBO simulator.
@Suite("Client operations against the simulator", .timeLimit(.minutes(2)))
struct SimulatorOperationTests {
    @Test func customerLifecycleAndEscapedQueries() async throws {
        try await SimulatorHarness.run { sim in
            let client = sim.client
            let created = try await client.create(
                QBO.Customer(displayName: "Amy's Bird \\ Sanctuary", companyName: "Amy’s", primaryEmailAddr: .init(address: "amy@example.com"),
                             primaryPhone: .init(freeFormNumber: "(650) 555-3311"), billAddr: .init(line1: "4581 Finch St.", city: "Bayshore")),
                requestID: .random()
            )
            let id = try #require(created.id)
            #expect(created.syncToken == "0")

            let read = try await client.read(QBO.Customer.self, id: id)
            #expect(read.displayName == "Amy's Bird \\ Sanctuary")
            #expect(read.billAddr?.city == "Bayshore")

            // Apostrophe, backslash, and a curly apostrophe typed by a person, all find the record.
            for name in ["Amy's Bird \\ Sanctuary", "Amy’s Bird \\ Sanctuary"] {
                let page = try await client.query(QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, .string(name)))
                #expect(page.entities.map(\.id) == [id], "query for \(name)")
            }
            let byEmail = try await client.query(QBOQuery<QBO.Customer>.select().where("PrimaryEmailAddr", .equals, "amy@example.com"))
            #expect(byEmail.entities.first?.id == id)

            var change = QBO.Customer(id: id, syncToken: read.syncToken)
            change.notes = "VIP & friends #1 + 100%"
            let sparse = try await client.sparseUpdate(change, requestID: .random())
            #expect(sparse.syncToken == "1")
            #expect(sparse.notes == "VIP & friends #1 + 100%")
            #expect(sparse.primaryPhone?.freeFormNumber == "(650) 555-3311", "sparse keeps other fields")

            var full = QBO.Customer(id: id, syncToken: sparse.syncToken, displayName: "Amy's Bird \\ Sanctuary")
            full.primaryPhone = .init(freeFormNumber: "(415) 444-1234")
            let replaced = try await client.update(full, requestID: .random())
            #expect(replaced.syncToken == "2")
            #expect(replaced.primaryPhone?.freeFormNumber == "(415) 444-1234")

            let count = try await client.count(QBOQuery<QBO.Customer>.count())
            #expect(count == 1)
        }
    }

    @Test func invoicePaymentRefundVoidDelete() async throws {
        try await SimulatorHarness.run { sim in
            let client = sim.client
            let customer = try await client.create(QBO.Customer(displayName: "Rental Co"), requestID: .random())
            let customerRef = QBO.Ref(value: try #require(customer.id))
            let rental = try await sim.seeded(QBO.Item.self, named: "Equipment Rental")

            let invoice = try await client.create(
                SimulatorHarness.invoice(customer: customerRef, item: rental, quantity: "3", rate: "33.35", amount: "100.05", docNumber: "R-1001"),
                requestID: .random()
            )
            let invoiceID = try #require(invoice.id)
            #expect(invoice.totalAmt == dec("100.05"))
            #expect(invoice.balance == dec("100.05"))
            #expect(try QBO.Money.minorUnits(try #require(invoice.totalAmt)) == 10005)

            let cash = try await sim.seeded(QBO.PaymentMethod.self, named: "Cash")
            let payment = try await client.create(
                QBO.Payment(customerRef: customerRef, totalAmt: dec("60.00"), txnDate: "2026-03-02",
                            line: [.applying(dec("60.00"), toInvoice: invoiceID)], paymentMethodRef: cash),
                requestID: .random()
            )
            #expect(payment.totalAmt == dec("60"))
            #expect(payment.unappliedAmt == 0)
            let afterPayment = try await client.read(QBO.Invoice.self, id: invoiceID)
            #expect(afterPayment.balance == dec("40.05"))

            let voidedPayment = try await client.voidPayment(id: try #require(payment.id), syncToken: try #require(payment.syncToken), requestID: .random())
            #expect(voidedPayment.totalAmt == 0)
            #expect(try await client.read(QBO.Invoice.self, id: invoiceID).balance == dec("100.05"))

            let memo = try await client.create(
                QBO.CreditMemo(customerRef: customerRef, line: [QBO.Line(amount: dec("10.01"), detail: .salesItem(.init(itemRef: rental, qty: 1, unitPrice: dec("10.01"))))]),
                requestID: .random()
            )
            #expect(memo.totalAmt == dec("10.01"))

            let checking = try await sim.seeded(QBO.Account.self, named: "Checking")
            let refund = try await client.create(
                QBO.RefundReceipt(customerRef: customerRef, line: [QBO.Line(amount: dec("5.50"), detail: .salesItem(.init(itemRef: rental, qty: 1, unitPrice: dec("5.50"))))],
                                  depositToAccountRef: checking, paymentMethodRef: cash),
                requestID: .random()
            )
            #expect(refund.totalAmt == dec("5.5"))

            let current = try await client.read(QBO.Invoice.self, id: invoiceID)
            let voided = try await client.voidInvoice(id: invoiceID, syncToken: try #require(current.syncToken), requestID: .random())
            #expect(voided.id == invoiceID)
            #expect(voided.totalAmt == 0)
            #expect(voided.privateNote?.contains("Voided") == true)

            let spare = try await client.create(
                SimulatorHarness.invoice(customer: customerRef, item: rental, quantity: "1", rate: "1", amount: "1"), requestID: .random()
            )
            let deleted = try await client.delete(QBO.Invoice.self, id: try #require(spare.id), syncToken: try #require(spare.syncToken), requestID: .random())
            #expect(deleted.id == spare.id)
            #expect(deleted.status == "Deleted")
            let gone = await expectQBOError { _ = try await client.read(QBO.Invoice.self, id: deleted.id) }
            #expect(gone?.kind == .notFound)
        }
    }

    @Test func batchMixesResultsAndFaults() async throws {
        try await SimulatorHarness.run { sim in
            let results = try await sim.client.batch([
                .create(QBO.Customer(displayName: "Batch One"), batchID: "c1"),
                .create(QBO.Customer(displayName: "Batch One"), batchID: "c2"),
                .query(QBOQuery<QBO.Item>.select().where("Name", .equals, "Services"), batchID: "q1"),
            ], requestID: .random())
            let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.batchID, $0) })
            #expect(try byID["c1"]?.entity(as: QBO.Customer.self).displayName == "Batch One")
            #expect(byID["c2"]?.error?.kind == .duplicate)
            #expect(byID["c2"]?.error?.code == "6240")
            #expect(try byID["q1"]?.queryPage(as: QBO.Item.self).entities.first?.name == "Services")
        }
    }

    @Test func queryAllPagesPastOneThousandRows() async throws {
        try await SimulatorHarness.run { sim in
            let total = 1_005
            var created = 0
            while created < total {
                let chunk = (created..<min(created + BatchOperation.maxItemsPerBatch, total)).map { index in
                    BatchOperation.create(QBO.Customer(displayName: "Bulk \(index)"), batchID: "b\(index)")
                }
                let results = try await sim.client.batch(chunk, requestID: .random())
                #expect(results.allSatisfy { $0.error == nil })
                created += chunk.count
            }
            let all = try await sim.client.queryAll(QBOQuery<QBO.Customer>.select().orderBy("Id"))
            #expect(all.count == total)
            #expect(Set(all.compactMap(\.id)).count == total)
            let smallPages = try await sim.client.queryAll(QBOQuery<QBO.Customer>.select().where("DisplayName", like: "Bulk 10%"), pageSize: 4)
            // "Bulk 10", "Bulk 100"..."Bulk 109" and "Bulk 1000"..."Bulk 1004", four per page.
            #expect(smallPages.count == 1 + 10 + 5)
        }
    }
}

@Suite("Client over a Unix socket to the simulator", .timeLimit(.minutes(1)))
struct SimulatorUnixSocketTests {
    @Test func readsAndWritesOverAUnixSocket() async throws {
        let path = NSTemporaryDirectory() + "qbo-sim-\(UUID().uuidString.prefix(8)).sock"
        let simulator = QBOSimulator(configuration: SimulatorConfiguration(unixSocketPath: path))
        let endpoint = try await simulator.start()
        let company = await simulator.createRealm()
        let transport = try CurlTransport(configuration: .init(unixSocketPath: try #require(endpoint.unixSocketPath)))
        let session = OAuthSession(
            credentials: OAuthClientCredentials(clientID: company.clientId, clientSecret: Secret(company.clientSecret)),
            tokens: OAuthTokens(refreshToken: Secret(company.refreshToken)),
            tokenEndpoint: endpoint.baseURL + "/oauth2/v1/tokens/bearer",
            transport: transport,
            persist: { _ in }
        )
        let client = QBOClient(realmID: company.realmId, transport: transport, auth: session, configuration: .init(baseURL: endpoint.baseURL))
        let result: Result<QBO.Customer, any Error>
        do {
            result = .success(try await client.create(QBO.Customer(displayName: "Socket Co"), requestID: .random()))
        } catch {
            result = .failure(error)
        }
        await transport.shutdown()
        await simulator.stop()
        #expect(try result.get().displayName == "Socket Co")
    }
}
