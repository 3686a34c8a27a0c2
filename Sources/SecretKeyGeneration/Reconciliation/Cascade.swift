/// Cascade information reconciliation (G. Brassard and L. Salvail, "Secret-key reconciliation by
/// public discussion", EUROCRYPT 1993): Bob corrects his bits to Alice's by asking for parities
/// of blocks over a public channel. Every parity Alice reveals is counted, because privacy
/// amplification must subtract it.
///
/// ## Protocol
/// - Pass 1 splits the string into blocks of `k₁ = ⌈0.73/p⌉` bits (`p`: the expected error rate),
///   pass `i > 1` uses `kᵢ = min(2·kᵢ₋₁, ⌈n/2⌉)` on a fresh public random permutation (the cap
///   keeps extra passes useful on the short strings of key generation).
/// - For each block Alice reveals its parity (1 bit). Where Bob's parity differs, BINARY search
///   finds one error: Alice reveals the parity of the first half of the current range (1 bit per
///   step, `⌈log₂ k⌉` steps) and Bob recurses into the half that disagrees, then flips the bit.
/// - Cascade effect: the flipped bit changes the parity of the block containing it in every
///   earlier pass; each such block now has an odd number of errors and is searched again
///   (smallest block first), until no block of any pass done so far disagrees.
///
/// With a few passes the residual error probability is small but not zero; key confirmation
/// (``KeyConfirmation``) catches the rest.
public struct Cascade: Sendable, Hashable {
    /// Number of passes (Brassard–Salvail use 4; the default 8 suits the few hundred bits of a
    /// key-generation session, where 4 passes leave a residual error in a few percent of sessions).
    public var passes: Int
    /// The smallest first-pass block size.
    public var minimumBlockSize: Int

    /// Creates a Cascade configuration.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidParameter`` unless `1 ≤ passes ≤ 32` and
    ///   `minimumBlockSize ≥ 2`.
    public init(passes: Int = 8, minimumBlockSize: Int = 4) throws(SecretKeyGenerationError) {
        guard passes >= 1, passes <= 32 else {
            throw SecretKeyGenerationError(code: .invalidParameter, message: "Cascade passes must be in 1…32, got \(passes)")
        }
        guard minimumBlockSize >= 2 else {
            throw SecretKeyGenerationError(
                code: .invalidParameter, message: "Cascade minimum block size must be ≥ 2, got \(minimumBlockSize)")
        }
        self.passes = passes
        self.minimumBlockSize = minimumBlockSize
    }

    /// The first-pass block size for an expected error rate `p`: `⌈0.73/p⌉`, at least
    /// ``minimumBlockSize`` and at most `n`.
    public func initialBlockSize(errorRate p: Double, length n: Int) -> Int {
        let raw = p > 0 ? (0.73 / p).rounded(.up) : Double(n)
        return Swift.max(minimumBlockSize, Swift.min(Swift.max(n, 1), Int(Swift.min(raw, 1e9))))
    }

    /// Reconciles Bob's bits to Alice's.
    /// - Parameters:
    ///   - alice: Alice's bits (0/1).
    ///   - bob: Bob's bits (0/1), corrected in place.
    ///   - errorRate: the expected bit disagreement rate (public, e.g. from calibration), in [0, 0.5].
    ///   - rng: the public randomness for the permutations of passes 2….
    /// - Returns: the parity bits revealed and the bits Bob flipped.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidInput`` for different lengths or an error
    ///   rate outside [0, 0.5].
    public func reconcile<G: RandomNumberGenerator>(
        alice: [UInt8], bob: inout [UInt8], errorRate: Double, using rng: inout G
    ) throws(SecretKeyGenerationError) -> CascadeReport {
        guard alice.count == bob.count else {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "Cascade needs equal lengths, Alice \(alice.count) and Bob \(bob.count) bits")
        }
        guard errorRate.isFinite, errorRate >= 0, errorRate <= 0.5 else {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "Cascade error rate must be in [0, 0.5], got \(errorRate)")
        }
        let n = alice.count
        guard n > 0 else { return CascadeReport(revealedParityBits: 0, correctedBits: 0) }
        var revealed = 0
        var corrected = 0
        // Per pass: the order of the bits (position → index), the inverse, the block size, and
        // whether each block's parities currently disagree.
        var orders: [[Int]] = []
        var positions: [[Int]] = []
        var blockSizes: [Int] = []
        var mismatched: [[Bool]] = []
        var blockSize = initialBlockSize(errorRate: errorRate, length: n)

        func parity(_ bits: [UInt8], _ pass: Int, _ range: Range<Int>) -> UInt8 {
            var p: UInt8 = 0
            for position in range { p ^= bits[orders[pass][position]] }
            return p
        }
        func blockRange(_ pass: Int, _ block: Int) -> Range<Int> {
            let size = blockSizes[pass]
            return (block * size)..<Swift.min(n, (block + 1) * size)
        }
        // BINARY on one disagreeing block: returns the index of the error found.
        func binarySearch(_ pass: Int, _ block: Int) -> Int {
            var range = blockRange(pass, block)
            while range.count > 1 {
                let mid = range.lowerBound + range.count / 2
                let firstHalf = range.lowerBound..<mid
                revealed += 1  // Alice reveals the parity of the first half.
                if parity(alice, pass, firstHalf) != parity(bob, pass, firstHalf) {
                    range = firstHalf
                } else {
                    range = mid..<range.upperBound
                }
            }
            return orders[pass][range.lowerBound]
        }
        func flip(_ index: Int) {
            bob[index] ^= 1
            corrected += 1
            for pass in orders.indices {
                let block = positions[pass][index] / blockSizes[pass]
                mismatched[pass][block].toggle()
            }
        }

        for pass in 0..<passes {
            var order = Array(0..<n)
            if pass > 0 { order.shuffle(using: &rng) }
            var inverse = [Int](repeating: 0, count: n)
            for (position, index) in order.enumerated() { inverse[index] = position }
            orders.append(order)
            positions.append(inverse)
            blockSizes.append(Swift.min(blockSize, n))
            let blocks = (n + blockSizes[pass] - 1) / blockSizes[pass]
            mismatched.append(
                (0..<blocks).map { block in
                    revealed += 1  // Alice reveals the block parity.
                    return parity(alice, pass, blockRange(pass, block)) != parity(bob, pass, blockRange(pass, block))
                })
            // Correct until no block of any pass so far disagrees, smallest blocks (earliest pass) first.
            while let (p, b) = firstMismatch(mismatched) {
                flip(binarySearch(p, b))
            }
            // Doubling stops at half the string: a single block of n bits can never show an even
            // number of remaining errors, two random halves can.
            blockSize = Swift.min(2 * blockSize, Swift.max(2, (n + 1) / 2))
        }
        return CascadeReport(revealedParityBits: revealed, correctedBits: corrected)
    }

    private func firstMismatch(_ mismatched: [[Bool]]) -> (Int, Int)? {
        for (pass, blocks) in mismatched.enumerated() {
            if let block = blocks.firstIndex(of: true) { return (pass, block) }
        }
        return nil
    }
}

/// What one Cascade run revealed and corrected.
public struct CascadeReport: Sendable, Hashable {
    /// Parity bits revealed on the public channel (block parities and every BINARY step).
    public var revealedParityBits: Int
    /// Bits Bob flipped.
    public var correctedBits: Int
}
