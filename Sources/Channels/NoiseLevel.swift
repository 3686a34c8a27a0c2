import TensorCore

/// The signal power an SNR is measured against.
public enum SignalPowerReference: Sendable, Equatable {
    /// A known average energy per complex symbol, Es (unit power after ``PowerNormalization``).
    case nominal(Float)
    /// The measured average power per complex symbol of each example, `‖x_b‖² / k`.
    ///
    /// The noise then scales with the transmitted signal; ``AWGN/pullback(_:state:)`` treats
    /// the noise level as a constant (as Sionna and DeepJSCC implementations do).
    case measured

    /// Unit nominal power, `Es = 1` (the default).
    public static let unit = SignalPowerReference.nominal(1)
}

/// How much additive white Gaussian noise a channel adds: an SNR (Es/N0 in dB, one for the
/// batch or one per example) relative to a signal-power reference, or an explicit noise variance.
///
/// The noise is circularly-symmetric complex Gaussian with variance **N0 per complex symbol**,
/// i.e. `N0 / 2` on each of the real and imaginary parts (Sionna's `awgn.py` convention). For an
/// SNR `s` in dB and reference power `Es`, `N0 = Es / 10^(s/10)`.
///
/// ```swift
/// let fixed: NoiseLevel = .snr(decibels: 10)                       // Es/N0 = 10 dB, Es = 1
/// let sweep: NoiseLevel = .snr(perExampleDecibels: [0, 5, 10, 15])  // one per example
/// let measured: NoiseLevel = .snr(decibels: 10, relativeTo: .measured)
/// let raw: NoiseLevel = .noiseVariance(0.1)                         // N0 directly
/// ```
public struct NoiseLevel: Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        case snr(decibels: [Float], reference: SignalPowerReference)
        case variance([Float])
    }

    let storage: Storage

    /// Es/N0 = `decibels` for every example, relative to `reference` (default: unit nominal power).
    public static func snr(decibels: Float, relativeTo reference: SignalPowerReference = .unit) -> NoiseLevel {
        NoiseLevel(checking: .snr(decibels: [decibels], reference: reference))
    }

    /// One Es/N0 per example (`perExampleDecibels.count` must equal the batch size at use),
    /// relative to `reference` (default: unit nominal power).
    public static func snr(perExampleDecibels: [Float], relativeTo reference: SignalPowerReference = .unit) -> NoiseLevel {
        precondition(!perExampleDecibels.isEmpty, "Per-example SNR list must not be empty")
        return NoiseLevel(checking: .snr(decibels: perExampleDecibels, reference: reference))
    }

    /// An explicit noise variance N0 per complex symbol (≥ 0) for every example.
    public static func noiseVariance(_ variance: Float) -> NoiseLevel {
        NoiseLevel(checking: .variance([variance]))
    }

    /// One explicit noise variance N0 per complex symbol per example.
    public static func noiseVariance(perExample variances: [Float]) -> NoiseLevel {
        precondition(!variances.isEmpty, "Per-example noise variance list must not be empty")
        return NoiseLevel(checking: .variance(variances))
    }

    private init(checking storage: Storage) {
        switch storage {
        case .snr(let decibels, let reference):
            precondition(decibels.allSatisfy { !$0.isNaN }, "SNR in dB must not be NaN, got \(decibels)")
            if case .nominal(let power) = reference {
                precondition(power > 0 && power.isFinite, "Nominal signal power must be finite and > 0, got \(power)")
            }
        case .variance(let variances):
            precondition(
                variances.allSatisfy { $0 >= 0 && $0.isFinite }, "Noise variances must be finite and ≥ 0, got \(variances)")
        }
        self.storage = storage
    }

    /// Whether the noise level depends on the transmitted signal (``SignalPowerReference/measured``).
    public var dependsOnSignal: Bool {
        if case .snr(_, .measured) = storage { return true }
        return false
    }

    /// The noise variance N0 per complex symbol of each example, for a batch of `batch` examples.
    /// - Precondition: the level does not depend on the signal (use ``noiseVariances(for:)``), and a
    ///   per-example list has `batch` entries.
    public func noiseVariances(batch: Int) -> [Float] {
        switch storage {
        case .variance(let v):
            return Self.broadcast(v, batch)
        case .snr(let decibels, .nominal(let power)):
            return Self.broadcast(decibels, batch).map { power / SNR.linear(fromDecibels: $0) }
        case .snr(_, .measured):
            preconditionFailure("A noise level relative to the measured signal power needs the signal: use noiseVariances(for:)")
        }
    }

    /// The noise variance N0 per complex symbol of each example of `x`.
    /// - Parameter x: transmitted tensor `[batch, …, 2·k]` (interleaved complex pairs).
    /// - Returns: `[batch]` noise variances; with a measured reference,
    ///   `N0_b = (‖x_b‖² / k) / 10^(s_b/10)`.
    public func noiseVariances(for x: Tensor<Float>) -> [Float] {
        let (batch, symbols) = channelsComplexLayout(x.shape, "NoiseLevel")
        guard case .snr(let decibels, .measured) = storage else { return noiseVariances(batch: batch) }
        let snrs = Self.broadcast(decibels, batch)
        let perExample = symbols * 2
        return x.scalars.withUnsafeBufferPointer { p in
            (0..<batch).map { b in
                var energy: Double = 0
                for i in (b * perExample)..<((b + 1) * perExample) { energy += Double(p[i]) * Double(p[i]) }
                let power = symbols > 0 ? energy / Double(symbols) : 0
                return Float(power / SNR.linear(fromDecibels: Double(snrs[b])))
            }
        }
    }

    private static func broadcast(_ values: [Float], _ batch: Int) -> [Float] {
        if values.count == 1 { return Array(repeating: values[0], count: batch) }
        precondition(values.count == batch, "Per-example noise level has \(values.count) entries for a batch of \(batch)")
        return values
    }
}
