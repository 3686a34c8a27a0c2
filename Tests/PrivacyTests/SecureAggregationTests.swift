import Crypto
import TensorCore
import Testing

@testable import Privacy

/// Random inputs in Z_{2^b}.
private func secureAggregationInputs(
    clients: Int, length: Int, bits: Int, using rng: inout Xoshiro256
) -> [[UInt64]] {
    let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
    return (0..<clients).map { _ in (0..<length).map { _ in rng.next() & mask } }
}

/// The sum of `inputs[ids]` mod 2^b.
private func secureAggregationPlainSum(_ inputs: [[UInt64]], ids: [Int], bits: Int) -> [UInt64] {
    let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
    var sum = [UInt64](repeating: 0, count: inputs[0].count)
    for id in ids { for i in sum.indices { sum[i] = (sum[i] &+ inputs[id][i]) & mask } }
    return sum
}

/// Runs rounds 0–1 by hand and returns the clients, the server and the relayed shares.
private func secureAggregationSetUp(
    _ parameters: SecureAggregationParameters, seed: UInt64
) throws -> ([SecureAggregationClient], SecureAggregationServer, [Int: [SecureAggregationEncryptedShare]]) {
    var rng = Xoshiro256(seed: seed)
    var server = SecureAggregationServer(parameters: parameters)
    var clients = (0..<parameters.clientCount).map {
        SecureAggregationClient(id: $0, parameters: parameters, using: &rng)
    }
    for client in clients { try server.receive(client.advertisement()) }
    let directory = try server.closeAdvertising()
    for id in clients.indices {
        try server.receiveShares(try clients[id].shareKeys(directory: directory, using: &rng), from: id)
    }
    let relayed = try server.closeSharing()
    return (clients, server, relayed)
}

/// The secure-aggregation protocol (Bonawitz et al. 2017).
@Suite struct SecureAggregationTests {
    @Test(arguments: [1, 8, 32, 64])
    func masksCancelExactly(modulusBits: Int) throws {
        var rng = Xoshiro256(seed: 100 + UInt64(modulusBits))
        let parameters = SecureAggregationParameters(
            clientCount: 5, threshold: 3, vectorLength: 40, modulusBits: modulusBits, sessionID: 1)
        let inputs = secureAggregationInputs(clients: 5, length: 40, bits: modulusBits, using: &rng)
        var (clients, server, relayed) = try secureAggregationSetUp(parameters, seed: 7)
        var maskedInputs: [SecureAggregationMaskedInput] = []
        for id in 0..<5 {
            let masked = try clients[id].maskInput(inputs[id], receivedShares: relayed[id] ?? [])
            #expect(masked.values != inputs[id] || modulusBits == 1)
            maskedInputs.append(masked)
            try server.receive(masked)
        }
        let survivors = try server.closeMaskedInputCollection()
        #expect(survivors.maskedClientIDs == [0, 1, 2, 3, 4])
        for id in 0..<5 { try server.receive(try clients[id].unmaskingResponse(survivors: survivors)) }
        let result = try server.finishUnmasking()
        #expect(result.clientIDs == [0, 1, 2, 3, 4])
        #expect(result.sum == secureAggregationPlainSum(inputs, ids: Array(0..<5), bits: modulusBits))

        // Pairwise masks cancel in the raw sum of masked inputs: what is left is Σ inputs + Σ self masks.
        let mask = parameters.modulusMask
        var rawSum = [UInt64](repeating: 0, count: 40)
        for masked in maskedInputs {
            SecureAggregationModular.accumulate(&rawSum, masked.values, subtract: false, mask: mask)
        }
        #expect(rawSum != result.sum || modulusBits == 1)
    }

    @Test func threeOfTwentyDroppingAfterMaskingLeavesTheExactSumOfTheOther17() throws {
        var rng = Xoshiro256(seed: 200)
        let parameters = SecureAggregationParameters(
            clientCount: 20, threshold: 11, vectorLength: 50, modulusBits: 32, sessionID: 2)
        let inputs = secureAggregationInputs(clients: 20, length: 50, bits: 32, using: &rng)
        let dropped: Set<Int> = [3, 11, 19]
        let result = try SecureAggregationSimulation.run(
            inputs: inputs, parameters: parameters, droppedBeforeMasking: dropped, using: &rng)
        let rest = (0..<20).filter { !dropped.contains($0) }
        #expect(result.clientIDs == rest)
        #expect(result.sum == secureAggregationPlainSum(inputs, ids: rest, bits: 32))
        #expect(result.sum != secureAggregationPlainSum(inputs, ids: Array(0..<20), bits: 32))
    }

    @Test func clientsVanishingDuringUnmaskingStillCount() throws {
        var rng = Xoshiro256(seed: 201)
        let parameters = SecureAggregationParameters(
            clientCount: 20, threshold: 11, vectorLength: 30, modulusBits: 32, sessionID: 3)
        let inputs = secureAggregationInputs(clients: 20, length: 30, bits: 32, using: &rng)
        let result = try SecureAggregationSimulation.run(
            inputs: inputs, parameters: parameters, droppedBeforeMasking: [0, 7],
            droppedBeforeUnmasking: [4, 5, 6], using: &rng)
        let counted = (0..<20).filter { $0 != 0 && $0 != 7 }
        #expect(result.clientIDs == counted)
        #expect(result.sum == secureAggregationPlainSum(inputs, ids: counted, bits: 32))
    }

    @Test func tooManyDropoutsAbort() throws {
        var rng = Xoshiro256(seed: 202)
        let parameters = SecureAggregationParameters(clientCount: 6, threshold: 4, vectorLength: 8, modulusBits: 16)
        let inputs = secureAggregationInputs(clients: 6, length: 8, bits: 16, using: &rng)
        // Only 3 masked inputs: the server must not unmask a sum of fewer than t inputs.
        #expect {
            try SecureAggregationSimulation.run(
                inputs: inputs, parameters: parameters, droppedBeforeMasking: [0, 1, 2], using: &rng)
        } throws: { ($0 as? SecureAggregationError)?.code == .tooFewClients }
        // 4 masked inputs but only 3 unmasking responses: shares below the threshold.
        #expect {
            try SecureAggregationSimulation.run(
                inputs: inputs, parameters: parameters, droppedBeforeMasking: [0, 1],
                droppedBeforeUnmasking: [2], using: &rng)
        } throws: { ($0 as? SecureAggregationError)?.code == .tooFewClients }
    }

    /// One client's masked vector is uniform on Z_{2^32} even when its input is constant: χ² over the
    /// 256 values of the top byte and of the low byte, 255 degrees of freedom, 5σ tolerance.
    @Test func singleMaskedVectorLooksUniform() throws {
        let length = 1 << 14
        let parameters = SecureAggregationParameters(
            clientCount: 3, threshold: 2, vectorLength: length, modulusBits: 32, sessionID: 4)
        var (clients, _, relayed) = try secureAggregationSetUp(parameters, seed: 300)
        let constant = [UInt64](repeating: 0x1234_5678, count: length)
        let masked = try clients[0].maskInput(constant, receivedShares: relayed[0] ?? [])
        #expect(masked.values.allSatisfy { $0 < 1 << 32 })
        let bound = 255 + 5 * 510.0.squareRoot()
        for shift in [24, 0, 12] as [UInt64] {
            var counts = [Int](repeating: 0, count: 256)
            for value in masked.values { counts[Int((value >> shift) & 0xFF)] += 1 }
            let expected = Double(length) / 256
            let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            #expect(chiSquare < bound, "byte at bit \(shift): χ² = \(chiSquare)")
            #expect(chiSquare > 255 - 5 * 510.0.squareRoot(), "byte at bit \(shift): suspiciously regular")
        }
        // The input's own top byte (0x12) is not over-represented.
        let hits = masked.values.filter { $0 >> 24 == 0x12 }.count
        #expect(Double(hits) < Double(length) / 256 + 5 * (Double(length) / 256).squareRoot())
    }

    /// The server keeps no individual vector: the only stored vector of input length is the running
    /// sum of masked inputs, and what it finally returns is the sum.
    @Test func serverHoldsOnlyTheRunningSum() throws {
        var rng = Xoshiro256(seed: 400)
        let length = 16
        let parameters = SecureAggregationParameters(
            clientCount: 4, threshold: 2, vectorLength: length, modulusBits: 32, sessionID: 5)
        let inputs = secureAggregationInputs(clients: 4, length: length, bits: 32, using: &rng)
        var (clients, server, relayed) = try secureAggregationSetUp(parameters, seed: 401)
        var masked: [[UInt64]] = []
        for id in 0..<4 {
            let m = try clients[id].maskInput(inputs[id], receivedShares: relayed[id] ?? [])
            masked.append(m.values)
            try server.receive(m)
        }
        func storedVectors(_ value: Any) -> [[UInt64]] {
            var found: [[UInt64]] = []
            for child in Mirror(reflecting: value).children {
                if let vector = child.value as? [UInt64] { found.append(vector) }
                if let vectors = child.value as? [Int: [UInt64]] { found += vectors.values }
                if let vectors = child.value as? [[UInt64]] { found += vectors }
            }
            return found
        }
        let vectors = storedVectors(server).filter { $0.count == length }
        #expect(vectors.count == 1)
        for vector in vectors {
            for id in 0..<4 {
                #expect(vector != inputs[id])
                #expect(vector != masked[id])
            }
        }
        #expect(server.contributingClientIDs == [0, 1, 2, 3])

        // A late or repeated masked input is refused.
        #expect(throws: SecureAggregationError.self) {
            try server.receive(SecureAggregationMaskedInput(clientID: 2, values: masked[2]))
        }
        let survivors = try server.closeMaskedInputCollection()
        // A client answers one survivor list only: a server that later claims client 3 dropped cannot
        // collect client 3's masking-key shares on top of its self-mask shares.
        var responses: [SecureAggregationUnmaskingResponse] = []
        for id in 0..<4 { responses.append(try clients[id].unmaskingResponse(survivors: survivors)) }
        #expect(responses.allSatisfy { $0.maskingKeyShares.isEmpty && $0.selfMaskShares.count == 4 })
        let forged = SecureAggregationSurvivorList(sharingClientIDs: [0, 1, 2, 3], maskedClientIDs: [0, 1, 2])
        #expect { try clients[0].unmaskingResponse(survivors: forged) } throws: {
            ($0 as? SecureAggregationError)?.code == .outOfOrder
        }
        for response in responses { try server.receive(response) }
        let result = try server.finishUnmasking()
        #expect(result.sum == secureAggregationPlainSum(inputs, ids: [0, 1, 2, 3], bits: 32))
    }

    @Test func sameSeedSameSessionSameMessages() throws {
        let parameters = SecureAggregationParameters(
            clientCount: 3, threshold: 2, vectorLength: 8, modulusBits: 32, sessionID: 6)
        let input = [UInt64](repeating: 5, count: 8)
        func maskedFirst(_ parameters: SecureAggregationParameters, seed: UInt64) throws -> [UInt64] {
            var (clients, _, relayed) = try secureAggregationSetUp(parameters, seed: seed)
            return try clients[0].maskInput(input, receivedShares: relayed[0] ?? []).values
        }
        let a = try maskedFirst(parameters, seed: 500)
        #expect(a == (try maskedFirst(parameters, seed: 500)))
        #expect(a != (try maskedFirst(parameters, seed: 501)))
        let otherSession = SecureAggregationParameters(
            clientCount: 3, threshold: 2, vectorLength: 8, modulusBits: 32, sessionID: 7)
        #expect(a != (try maskedFirst(otherSession, seed: 500)))

        var r1 = Xoshiro256(seed: 502)
        var r2 = Xoshiro256(seed: 502)
        let inputs = [[UInt64]](repeating: input, count: 3)
        #expect(
            try SecureAggregationSimulation.run(inputs: inputs, parameters: parameters, using: &r1)
                == SecureAggregationSimulation.run(inputs: inputs, parameters: parameters, using: &r2))
    }

    /// Quantize real updates, aggregate them securely with dropouts, dequantize: the result is the
    /// sum of the surviving clients' updates up to rounding.
    @Test func quantizedUpdatesAggregateEndToEnd() throws {
        var rng = Xoshiro256(seed: 600)
        let clients = 8
        let dimension = 30
        var shared = Xoshiro256(seed: 601)
        let rotation = RandomizedHadamardRotation(dimension: dimension, using: &shared)
        let scale = SecureAggregationQuantizer.maximumScale(clipBound: 1, modulusBits: 32, clientCount: clients)
        let quantizer = SecureAggregationQuantizer(
            dimension: dimension, clipBound: 1, scale: scale, modulusBits: 32, rotation: rotation)
        let updates = (0..<clients).map { _ in (0..<dimension).map { _ in 0.2 * (rng.nextStandardGaussian() as Double) }
        }
        let quantized = updates.map { quantizer.quantize($0, using: &rng) }
        let parameters = SecureAggregationParameters(
            clientCount: clients, threshold: 5, vectorLength: quantizer.quantizedLength, modulusBits: 32, sessionID: 8)
        let result = try SecureAggregationSimulation.run(
            inputs: quantized, parameters: parameters, droppedBeforeMasking: [2], using: &rng)
        #expect(result.sum == secureAggregationPlainSum(quantized, ids: result.clientIDs, bits: 32))
        let decoded = quantizer.dequantizeSum(result.sum)
        for i in 0..<dimension {
            let truth = result.clientIDs.reduce(0.0) { $0 + updates[$1][i] }
            #expect(abs(decoded[i] - truth) <= 1e-6)
        }
    }

    @Test func tamperedOrMisaddressedSharesAreRejected() throws {
        let parameters = SecureAggregationParameters(clientCount: 3, threshold: 2, vectorLength: 4, modulusBits: 16)
        let input = [UInt64](repeating: 1, count: 4)
        var (clients, _, relayed) = try secureAggregationSetUp(parameters, seed: 700)
        var shares = try #require(relayed[1])
        var bytes = shares[0].ciphertext
        bytes[20] ^= 1
        shares[0] = SecureAggregationEncryptedShare(senderID: shares[0].senderID, recipientID: 1, ciphertext: bytes)
        #expect { try clients[1].maskInput(input, receivedShares: shares) } throws: {
            ($0 as? SecureAggregationError)?.code == .decryptionFailed
        }
        // A share meant for client 2 relabelled for client 0 fails authentication.
        let stolen = try #require(relayed[2]?.first { $0.senderID == 1 })
        let relabelled = SecureAggregationEncryptedShare(senderID: 1, recipientID: 0, ciphertext: stolen.ciphertext)
        let others = (relayed[0] ?? []).filter { $0.senderID != 1 }
        #expect { try clients[0].maskInput(input, receivedShares: others + [relabelled]) } throws: {
            ($0 as? SecureAggregationError)?.code == .decryptionFailed
        }
        // A share addressed elsewhere is refused outright.
        #expect { try clients[2].maskInput(input, receivedShares: relayed[0] ?? []) } throws: {
            ($0 as? SecureAggregationError)?.code == .unknownClient
        }
    }

    @Test func serverRejectsBadMessages() throws {
        var rng = Xoshiro256(seed: 800)
        let parameters = SecureAggregationParameters(clientCount: 3, threshold: 2, vectorLength: 4, modulusBits: 16)
        var server = SecureAggregationServer(parameters: parameters)
        let clients = (0..<3).map { SecureAggregationClient(id: $0, parameters: parameters, using: &rng) }
        func code(_ body: () throws -> Void) -> SecureAggregationError.Code? {
            do {
                try body()
                return nil
            } catch let error as SecureAggregationError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code { _ = try server.closeAdvertising() } == .tooFewClients)
        try server.receive(clients[0].advertisement())
        #expect(code { try server.receive(clients[0].advertisement()) } == .duplicateMessage)
        let ad = clients[1].advertisement()
        #expect(
            code {
                try server.receive(
                    SecureAggregationKeyAdvertisement(
                        clientID: 9, encryptionPublicKey: ad.encryptionPublicKey, maskingPublicKey: ad.maskingPublicKey)
                )
            } == .unknownClient)
        #expect(
            code {
                try server.receive(
                    SecureAggregationKeyAdvertisement(
                        clientID: 1, encryptionPublicKey: [1, 2, 3], maskingPublicKey: ad.maskingPublicKey))
            } == .malformedMessage)
        #expect(
            code { try server.receive(SecureAggregationMaskedInput(clientID: 0, values: [0, 0, 0, 0])) } == .outOfOrder)
        try server.receive(ad)
        try server.receive(clients[2].advertisement())
        let directory = try server.closeAdvertising()
        var c0 = clients[0]
        let shares = try c0.shareKeys(directory: directory, using: &rng)
        #expect(code { try server.receiveShares(shares, from: 1) } == .unknownClient)
        #expect(code { try server.receiveShares(Array(shares.prefix(1)), from: 0) } == .malformedMessage)
        try server.receiveShares(shares, from: 0)
        #expect(code { try server.receiveShares(shares, from: 0) } == .duplicateMessage)
        #expect(code { _ = try server.closeSharing() } == .tooFewClients)
        var c1 = clients[1]
        try server.receiveShares(try c1.shareKeys(directory: directory, using: &rng), from: 1)
        let relayed = try server.closeSharing()
        #expect(relayed.keys.sorted() == [0, 1])
        #expect(
            code { try server.receive(SecureAggregationMaskedInput(clientID: 2, values: [0, 0, 0, 0])) }
                == .unknownClient)
        #expect(
            code { try server.receive(SecureAggregationMaskedInput(clientID: 0, values: [0, 0, 0])) }
                == .malformedMessage)
        #expect(
            code { try server.receive(SecureAggregationMaskedInput(clientID: 0, values: [0, 0, 70000, 0])) }
                == .malformedMessage)
        #expect(code { _ = try c0.shareKeys(directory: directory, using: &rng) } == .outOfOrder)
    }

    @Test func sparseGraphIsRegularSymmetricAndPerSession() {
        let parameters = SecureAggregationParameters(
            clientCount: 30, threshold: 4, vectorLength: 1, sessionID: 9, neighborCount: 6)
        let graph = SecureAggregationGraph(parameters: parameters)
        for u in 0..<30 {
            let neighbors = graph.neighbors(of: u)
            #expect(neighbors.count == 6)
            #expect(!neighbors.contains(u))
            for v in 0..<30 { #expect(graph.areNeighbors(u, v) == neighbors.contains(v)) }
            for v in neighbors { #expect(graph.neighbors(of: v).contains(u)) }
        }
        let again = SecureAggregationGraph(parameters: parameters)
        #expect((0..<30).allSatisfy { graph.neighbors(of: $0) == again.neighbors(of: $0) })
        let otherSession = SecureAggregationGraph(
            parameters: SecureAggregationParameters(
                clientCount: 30, threshold: 4, vectorLength: 1, sessionID: 10, neighborCount: 6))
        #expect((0..<30).contains { graph.neighbors(of: $0) != otherSession.neighbors(of: $0) })
        let complete = SecureAggregationGraph(
            parameters: SecureAggregationParameters(clientCount: 5, threshold: 2, vectorLength: 1))
        #expect(complete.neighbors(of: 2) == [0, 1, 3, 4])
    }

    /// SecAgg+ (Bell et al. 2020): masks and shares only along a 6-regular graph; three dropouts
    /// before masking and two during unmasking still give the exact sum of the counted clients.
    @Test func sparseGraphVariantRecoversTheSumWithDropouts() throws {
        var rng = Xoshiro256(seed: 900)
        let parameters = SecureAggregationParameters(
            clientCount: 20, threshold: 4, vectorLength: 40, modulusBits: 32, sessionID: 11, neighborCount: 6)
        let inputs = secureAggregationInputs(clients: 20, length: 40, bits: 32, using: &rng)
        let dropped: Set<Int> = [3, 11, 19]
        let result = try SecureAggregationSimulation.run(
            inputs: inputs, parameters: parameters, droppedBeforeMasking: dropped,
            droppedBeforeUnmasking: [5, 6], using: &rng)
        let rest = (0..<20).filter { !dropped.contains($0) }
        #expect(result.clientIDs == rest)
        #expect(result.sum == secureAggregationPlainSum(inputs, ids: rest, bits: 32))

        // A client sends shares only to its 6 neighbours.
        var (clients, _, relayed) = try secureAggregationSetUp(parameters, seed: 901)
        #expect(relayed.values.allSatisfy { $0.count == 6 })
        let masked = try clients[0].maskInput(inputs[0], receivedShares: relayed[0] ?? [])
        #expect(masked.values != inputs[0])
    }

    @Test func oddNeighborCountTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationParameters(clientCount: 10, threshold: 3, vectorLength: 4, neighborCount: 5)
        }
    }

    @Test func thresholdAboveNeighborhoodTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationParameters(clientCount: 10, threshold: 6, vectorLength: 4, neighborCount: 4)
        }
    }

    @Test func thresholdAboveClientCountTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationParameters(clientCount: 5, threshold: 6, vectorLength: 10)
        }
    }

    @Test func thresholdBelowTwoTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationParameters(clientCount: 5, threshold: 1, vectorLength: 10)
        }
    }

    @Test func modulusBitsOutOfRangeTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationParameters(clientCount: 5, threshold: 3, vectorLength: 10, modulusBits: 65)
        }
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationParameters(clientCount: 5, threshold: 3, vectorLength: 10, modulusBits: 0)
        }
    }

    @Test func inputLengthMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            let parameters = SecureAggregationParameters(clientCount: 3, threshold: 2, vectorLength: 4, modulusBits: 16)
            var rng = Xoshiro256(seed: 0)
            _ = try SecureAggregationSimulation.run(
                inputs: [[1, 2, 3, 4], [1, 2, 3], [1, 2, 3, 4]], parameters: parameters, using: &rng)
        }
    }
}
