import Privacy
import TensorCore

/// The in-process simulation of a federation: every clinic runs ``FederatedClinic`` in this
/// process; updates cross an ``UpdateLink``; with secure aggregation the clinics and the server
/// run the real protocol (``SecureAggregationClient``/``SecureAggregationServer``) and the
/// server side only ever sees masked inputs and their sum.
///
/// **Dropouts and stragglers.** Each round, every clinic independently goes offline with
/// probability `dropoutRate` after the key exchange (it never sends its masked input) and,
/// otherwise, straggles with probability `stragglerRate` (its update arrives after the server
/// closed the round and is refused). A digital frame that fails its CRC loses that clinic's
/// update too. Secure aggregation then recovers the sum of the survivors from Shamir shares.
public struct InProcessTransport: FederatedTransport {
    /// The clinics.
    public private(set) var clinics: [FederatedClinic]
    /// The link every update crosses.
    public let link: UpdateLink
    /// P(a clinic is offline in a round).
    public let dropoutRate: Double
    /// P(an online clinic's update arrives too late).
    public let stragglerRate: Double
    /// Neighbours per clinic in the secure-aggregation masking graph (`nil`: complete graph).
    public let neighborCount: Int?
    /// The Shamir threshold t of secure aggregation.
    public let threshold: Int
    /// Mixed into every secure-aggregation session ID (distinct per federation).
    public let sessionNonce: UInt64
    private var rng: Xoshiro256
    /// Each clinic's long-term secure-aggregation keys: X25519 agreements happen once per
    /// federation, and again only for a clinic that rotates its keys after dropping out.
    private var keyrings: [SecureAggregationKeyring]

    /// Creates the simulation.
    /// - Parameters:
    ///   - clinics: the clinics (IDs 0..<n in order).
    ///   - link: the update link.
    ///   - dropoutRate: in [0, 1).
    ///   - stragglerRate: in [0, 1).
    ///   - neighborCount: `nil` for the complete masking graph or SecAgg+'s k (even, < n).
    ///   - threshold: t (2 ≤ t ≤ n, ≤ k + 1).
    ///   - rng: dropouts, stragglers, channel noise and the secure-aggregation randomness.
    /// - Throws: ``FederatedError`` `.invalidParameter` for rates outside [0, 1), a bad threshold or neighbour count.
    public init(
        clinics: [FederatedClinic], link: UpdateLink, dropoutRate: Double = 0, stragglerRate: Double = 0,
        neighborCount: Int? = nil, threshold: Int? = nil, rng: Xoshiro256
    ) throws {
        guard !clinics.isEmpty else {
            throw FederatedError(code: .invalidParameter, message: "a federation needs at least one clinic")
        }
        guard dropoutRate >= 0, dropoutRate < 1, stragglerRate >= 0, stragglerRate < 1 else {
            throw FederatedError(
                code: .invalidParameter,
                message: "dropout and straggler rates must be in [0, 1), got \(dropoutRate) and \(stragglerRate)")
        }
        let n = clinics.count
        if let k = neighborCount {
            guard k >= 2, k < n, k % 2 == 0 else {
                throw FederatedError(
                    code: .invalidParameter, message: "neighbour count must be even with 2 ≤ k < \(n), got \(k)")
            }
        }
        let t = threshold ?? Self.defaultThreshold(clinics: n, neighborCount: neighborCount)
        guard n < 2 || (t >= 2 && t <= n && t <= (neighborCount ?? n) + 1) else {
            throw FederatedError(
                code: .invalidParameter,
                message: "secure-aggregation threshold \(t) is not in 2…\(min(n, (neighborCount ?? n) + 1))")
        }
        self.clinics = clinics
        self.link = link
        self.dropoutRate = dropoutRate
        self.stragglerRate = stragglerRate
        self.neighborCount = neighborCount
        self.threshold = t
        var local = rng
        sessionNonce = local.next()
        keyrings = clinics.map { _ in SecureAggregationKeyring(using: &local) }
        self.rng = local
    }

    /// t = ⌊k/2⌋ + 1 of the neighbourhood size k + 1 (complete graph: k = n − 1), at least 2.
    public static func defaultThreshold(clinics n: Int, neighborCount: Int?) -> Int {
        Swift.max(2, Swift.min(n, (neighborCount ?? (n - 1)) / 2 + 1))
    }

    public var clinicCount: Int { clinics.count }
    public var clinicSizes: [Int] { clinics.map(\.data.count) }

    public mutating func runRound(_ instructions: RoundInstructions) throws -> RoundAggregate {
        let n = clinics.count
        var offline = Set<Int>()
        var stragglers = Set<Int>()
        var unselected = Set<Int>()
        for id in 0..<n {
            if instructions.participationRate < 1, rng.nextUnitDouble() >= instructions.participationRate {
                unselected.insert(id)
            } else if rng.nextUnitDouble() < dropoutRate {
                offline.insert(id)
            } else if rng.nextUnitDouble() < stragglerRate {
                stragglers.insert(id)
            }
        }
        // Clinic side: every online clinic computes and encodes its update.
        var updates: [Int: ClinicUpdate] = [:]
        for id in 0..<n where !offline.contains(id) && !unselected.contains(id) {
            updates[id] = clinics[id].respond(to: instructions)
        }
        if instructions.secureAggregation {
            return try secureRound(
                instructions, updates: updates, participants: (0..<n).filter { !unselected.contains($0) },
                offline: offline, stragglers: stragglers)
        }
        // Without secure aggregation the server decodes each arriving update and sums.
        var statistics = LinkStatistics()
        var sum = [Double](repeating: 0, count: instructions.globalParameters.count)
        var weight = 0.0
        var contributors: [Int] = []
        var individual: [IndividualUpdate] = []
        var lost = 0
        var losses = 0.0
        let quantizer = instructions.codec?.makeQuantizer()
        for id in 0..<n {
            guard let update = updates[id], !stragglers.contains(id) else { continue }
            let vector: [Double]
            switch update.payload {
            case .reals(let values):
                vector = link.send(reals: values, statistics: &statistics, using: &rng)
            case .integers(let values):
                guard let quantizer,
                    let received = link.send(
                        integers: values, bits: quantizer.modulusBits, statistics: &statistics, using: &rng)
                else {
                    lost += 1
                    continue
                }
                vector = quantizer.dequantizeSum(received)
            }
            for j in sum.indices { sum[j] += vector[j] }
            let perWeight = update.weight > 0 ? 1 / update.weight : 1
            individual.append(IndividualUpdate(clinicID: id, update: vector.map { $0 * perWeight }, weight: update.weight))
            weight += update.weight
            contributors.append(id)
            losses += update.loss
        }
        let aborted = contributors.count < instructions.minimumContributors
        return RoundAggregate(
            sum: aborted || contributors.isEmpty ? nil : sum, totalWeight: weight, contributors: contributors,
            offline: offline.count, stragglers: stragglers.count, lostToChannel: lost,
            meanLocalLoss: contributors.isEmpty ? 0 : losses / Double(contributors.count), link: statistics,
            individualUpdates: individual)
    }

    /// One round of secure aggregation over the link (Bonawitz et al. 2017). Offline clinics took
    /// part in the key exchange, then vanished; stragglers' masked inputs arrive after the
    /// collection closed and are refused by the server.
    private mutating func secureRound(
        _ instructions: RoundInstructions, updates: [Int: ClinicUpdate], participants: [Int], offline: Set<Int>,
        stragglers: Set<Int>
    ) throws -> RoundAggregate {
        guard let codec = instructions.codec else {
            throw FederatedError(
                code: .incompatibleSettings, message: "secure aggregation needs an update codec (integer updates)")
        }
        let n = clinics.count
        guard n >= 2 else {
            throw FederatedError(code: .incompatibleSettings, message: "secure aggregation needs at least 2 clinics")
        }
        let quantizer = codec.makeQuantizer()
        let parameters = SecureAggregationParameters(
            clientCount: n, threshold: threshold, vectorLength: quantizer.quantizedLength,
            modulusBits: codec.modulusBits, sessionID: sessionNonce &+ UInt64(instructions.round),
            neighborCount: neighborCount)
        var statistics = LinkStatistics()
        var lost = 0
        do {
            var server = SecureAggregationServer(parameters: parameters)
            for id in participants { try server.receive(keyrings[id].advertisement(clientID: id)) }
            let directory = try server.closeAdvertising()
            var clients: [Int: SecureAggregationClient] = [:]
            for id in participants {
                try keyrings[id].agree(with: directory, clientID: id, parameters: parameters)
                var client = SecureAggregationClient(id: id, parameters: parameters, keyring: keyrings[id])
                try server.receiveShares(try client.shareKeys(directory: directory, using: &rng), from: id)
                clients[id] = client
            }
            let relayed = try server.closeSharing()
            var late: [SecureAggregationMaskedInput] = []
            for id in participants {
                guard let update = updates[id], case .integers(let values) = update.payload else { continue }
                // Every participant has a client.
                let masked = try clients[id]!.maskInput(values, receivedShares: relayed[id] ?? [])
                // The masked vector crosses the channel; a failed frame loses it.
                guard
                    let received = link.send(
                        integers: masked.values, bits: codec.modulusBits, statistics: &statistics, using: &rng)
                else {
                    lost += 1
                    continue
                }
                let delivered = SecureAggregationMaskedInput(clientID: id, values: received)
                if stragglers.contains(id) { late.append(delivered) } else { try server.receive(delivered) }
            }
            let survivors = try server.closeMaskedInputCollection()
            for masked in late {
                // The round is closed: the server refuses late input (the straggler counts as dropped).
                do { try server.receive(masked) } catch let error as SecureAggregationError
                    where error.code == .outOfOrder
                {}
            }
            let contributors = survivors.maskedClientIDs
            let weight = contributors.reduce(0.0) { $0 + (updates[$1]?.weight ?? 0) }
            let losses = contributors.reduce(0.0) { $0 + (updates[$1]?.loss ?? 0) }
            let base = RoundAggregate(
                sum: nil, totalWeight: weight, contributors: contributors, offline: offline.count,
                stragglers: stragglers.count, lostToChannel: lost,
                meanLocalLoss: contributors.isEmpty ? 0 : losses / Double(contributors.count), link: statistics)
            if contributors.count < instructions.minimumContributors { return base }
            for id in contributors {
                try server.receive(try clients[id]!.unmaskingResponse(survivors: survivors))  // U3 ⊆ participants
            }
            let result = try server.finishUnmasking()
            // The server now holds the masking keys of the clinics that shared keys but were not
            // counted: they rotate their keys before the next session.
            for id in survivors.sharingClientIDs where !contributors.contains(id) {
                keyrings[id] = SecureAggregationKeyring(using: &rng)
            }
            var aggregate = base
            aggregate.sum = quantizer.dequantizeSum(result.sum)
            return aggregate
        } catch let error as SecureAggregationError where error.code == .tooFewClients {
            // Fewer than t clinics survived: the round is lost, nothing is revealed.
            return RoundAggregate(
                sum: nil, totalWeight: 0, contributors: [], offline: offline.count, stragglers: stragglers.count,
                lostToChannel: lost, meanLocalLoss: 0, link: statistics)
        } catch let error as SecureAggregationError {
            throw FederatedError(
                code: .aggregationFailed, message: "secure aggregation failed in round \(instructions.round): \(error)",
                cause: error)
        }
    }
}
