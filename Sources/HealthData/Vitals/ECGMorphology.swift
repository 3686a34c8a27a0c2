import RealModule

/// The five Gaussian attractors (P, Q, R, S, T) of the McSharry et al. dynamical ECG model for one beat.
///
/// McSharry, Clifford, Tarassenko & Smith, "A dynamical model for generating synthetic
/// electrocardiogram signals", IEEE Trans. Biomed. Eng. 50(3), 2003 (ECGSYN). Each wave `i` is an
/// event at angle `θᵢ` on the limit cycle; as the trajectory passes it, `z` is pushed by
/// `−aᵢ Δθᵢ exp(−Δθᵢ² / 2bᵢ²)`. The paper's values are `θ = (−70°, −15°, 0°, 15°, 100°)`,
/// `a = (1.2, −5, 30, −7.5, 0.75)`, `b = (0.25, 0.1, 0.1, 0.1, 0.4)` rad (``standard``).
public struct ECGMorphology: Sendable, Hashable, Codable {
    /// Event angles `θᵢ` (rad), P, Q, R, S, T.
    public var angles: [Double]
    /// Amplitudes `aᵢ` (model units), P, Q, R, S, T.
    public var amplitudes: [Double]
    /// Widths `bᵢ` (rad), P, Q, R, S, T.
    public var widths: [Double]

    /// Creates a morphology.
    /// - Precondition: five finite angles, amplitudes and positive widths.
    public init(angles: [Double], amplitudes: [Double], widths: [Double]) {
        precondition(
            angles.count == 5 && amplitudes.count == 5 && widths.count == 5,
            "ECGMorphology needs 5 angles, amplitudes and widths (P, Q, R, S, T), got \(angles.count), \(amplitudes.count), \(widths.count)"
        )
        precondition(widths.allSatisfy { $0 > 0 && $0.isFinite }, "ECGMorphology widths must be finite and > 0")
        self.angles = angles
        self.amplitudes = amplitudes
        self.widths = widths
    }

    /// The parameters of the paper (Table 1 of McSharry et al. 2003).
    public static let standard = ECGMorphology(
        angles: [-70, -15, 0, 15, 100].map { $0 * Double.pi / 180 },
        amplitudes: [1.2, -5, 30, -7.5, 0.75],
        widths: [0.25, 0.1, 0.1, 0.1, 0.4])

    /// The morphology adapted to a mean heart rate as ECGSYN does: with `h = √(HR/60)`, widths
    /// are multiplied by `h` and the P, Q and S angles by `√h`, `h`, `h`.
    public func adapted(toHeartRate heartRateBeatsPerMinute: Double) -> ECGMorphology {
        let h = (Swift.max(heartRateBeatsPerMinute, 20) / 60).squareRoot()
        let factors = [h.squareRoot(), h, 1, h, 1]
        return ECGMorphology(
            angles: zip(angles, factors).map { $0 * $1 }, amplitudes: amplitudes, widths: widths.map { $0 * h })
    }

    /// The same beat without a P wave (atrial fibrillation, ventricular beats).
    public var withoutPWave: ECGMorphology {
        var copy = self
        copy.amplitudes[0] = 0
        return copy
    }

    /// A subject's premature ventricular contraction derived from its normal beat: no P wave,
    /// QRS `widening`× wider, R scaled by `rScale`, a deeper S and a T wave of opposite polarity
    /// (`tScale`× the normal T magnitude). A wave's deflection grows with `aᵢbᵢ²`, so the widened
    /// waves' amplitudes are divided by `widening²` before `rScale` is applied.
    public func ventricular(widening: Double, rScale: Double, tScale: Double) -> ECGMorphology {
        var copy = withoutPWave
        for i in 1...3 {
            copy.widths[i] *= widening
            copy.amplitudes[i] /= widening * widening
        }
        copy.amplitudes[2] *= rScale
        copy.amplitudes[3] *= 1.5
        copy.amplitudes[4] = -Swift.abs(amplitudes[4]) * tScale
        return copy
    }

    /// `dz/dt`'s wave term at angle `theta` (rad): `−Σᵢ aᵢ Δθᵢ exp(−Δθᵢ² / 2bᵢ²)`, `Δθᵢ = (θ − θᵢ) mod 2π` in (−π, π].
    @inline(__always)
    func forcing(theta: Double) -> Double {
        var sum = 0.0
        for i in 0..<5 {
            var d = theta - angles[i]
            if d > Double.pi { d -= 2 * Double.pi } else if d <= -Double.pi { d += 2 * Double.pi }
            let b = widths[i]
            sum += amplitudes[i] * d * Double.exp(-d * d / (2 * b * b))
        }
        return -sum
    }
}
