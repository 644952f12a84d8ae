import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// Health from counters (never a scan of records): connection, counts per
    /// entity and status, customers mapped, queue depth, latest errors, rate use.
    public func health(companyID: String?, errorLimit: Int) async throws -> GetHealthResponse {
        let limit = errorLimit == 0 ? 10 : min(errorLimit, 100)
        let sharing = self.configuration.leases != nil
        let (companies, counters, warnings, errors, lastSequence, leases) = try self.store.read { database in
            let companies: [CompanyRow]
            if let companyID {
                guard let company = try database.company(companyID) else {
                    throw RPCError(code: .notFound, message: "company \(companyID) is not known")
                }
                companies = [company]
            } else {
                companies = try database.companies()
            }
            let counters = try database.counters(companyID: companyID)
            let warnings = try database.warningCounts(companyID: companyID)
            var errors: [String: [RecordRow]] = [:]
            for company in companies {
                errors[company.companyID] = try database.recentErrors(companyID: company.companyID, limit: limit)
            }
            // Read in the same snapshot as the counters: the counts are exactly
            // those of the events up to this sequence.
            let leases = sharing ? try database.leases() : []
            return (companies, counters, warnings, errors, try database.lastSequence(), leases)
        }
        let pushers = Dictionary(leases.filter { $0.expiresIn > 0 }.map { ($0.companyID, $0.liveHolder) }) { first, _ in first }
        var response = GetHealthResponse(lastSequence: lastSequence, version: QBSyncVersion.current,
                                         uptimeSeconds: UInt64((ContinuousClock.now - self.startedAt).components.seconds))
        for company in companies {
            var health = CompanyHealth(
                companyID: company.companyID,
                connectionState: company.connectionState,
                connectionMessage: company.connectionMessage,
                lastSyncedAt: Clock.rfc3339(milliseconds: company.lastSyncedAt),
                requestsPerMinuteLimit: UInt32(clamping: self.configuration.requestsPerMinute),
                concurrentLimit: UInt32(clamping: self.configuration.concurrentRequests),
                realmID: company.realmID
            )
            health.pushedBy = pushers[company.companyID] ?? ""
            for counter in counters where counter.companyID == company.companyID {
                health.counts.append(StatusCount(entity: counter.entity, status: counter.status, count: UInt64(clamping: counter.count)))
                if counter.entity == .customer {
                    if counter.status == .synced {
                        health.mappedCustomers += UInt64(clamping: counter.count)
                    } else {
                        health.unmappedCustomers += UInt64(clamping: counter.count)
                    }
                }
                if counter.status == .pending || counter.status == .syncing {
                    health.queueDepth += UInt64(clamping: counter.count)
                }
            }
            health.warnings = warnings.filter { $0.companyID == company.companyID }.map {
                WarningCount(kind: $0.kind, count: UInt64(clamping: $0.count))
            }
            health.latestErrors = (errors[company.companyID] ?? []).map {
                RecentError(ref: $0.key.ref, error: $0.lastError, at: Clock.rfc3339(milliseconds: $0.updatedAt), sequence: $0.lastEventSequence)
            }
            let use = await self.rateUse(company.companyID)
            health.requestsLastMinute = UInt32(clamping: use.lastMinute)
            health.requestsInFlight = UInt32(clamping: use.inFlight)
            if let pause = use.throttledFor, pause > .zero {
                health.throttledUntil = Clock.rfc3339(milliseconds: Clock.milliseconds() + pause.milliseconds)
            }
            response.companies.append(health)
        }
        return response
    }
}

/// The service's version, reported by GetHealth.
public enum QBSyncVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
