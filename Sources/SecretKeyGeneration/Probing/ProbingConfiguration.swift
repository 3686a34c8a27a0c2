/// What each end measures from a probe.
public enum MeasuredQuantity: String, Sendable, Hashable, CaseIterable, Codable {
    /// The channel-estimate amplitude `|ĥ|` (CSI amplitude).
    case amplitude
    /// The received power `10·log10 |ĥ|²` in dB (RSSI up to a constant offset).
    case powerDecibels = "rssi"
}

/// The probing scenario of physical-layer key generation: Alice (a wearable) and Bob (an access
/// point) take turns sending probes over a reciprocal narrowband channel (time-division duplex
/// "ping-pong"), and an eavesdropper (Eve) near Bob listens.
///
/// ## Model
/// - Probe `i` is sent by Alice at `t_i = i/R` (`R` = ``probeRateHertz``) and measured by Bob;
///   Bob answers after the **probing delay** `δ` and Alice measures at `t_i + δ`. Both see the
///   same reciprocal coefficient process `h(t)`: Rayleigh fading with Clarke's Doppler spectrum
///   (`E[h(t)h*(t+τ)] = J0(2π f_D τ)`, `Channels.JakesFading`); `f_D = 0` is a static room
///   (a constant coefficient per session).
/// - Each end's channel estimate has its own complex Gaussian error at the measurement SNR:
///   `ĥ = h + n`, `n ~ CN(0, 1/SNR)` (the estimate's SNR: the pilot energy over the noise,
///   independently at each end — noise is not reciprocal).
/// - Eve at distance `d` from Bob overhears Alice's probes at `t_i`. Her channel is
///   `h_E(t) = ρ·h(t) + √(1−ρ²)·w(t)` with `ρ = J0(2π d/λ)` (Clarke's spatial correlation,
///   `Channels.SpatialCorrelation`) and `w` an independent Jakes process with the same Doppler,
///   so her coefficients have the right temporal statistics and exactly the correlation `ρ` with
///   Bob's. She measures at the same SNR.
///
/// The public anchors: S. Mathur et al., "Radio-telepathy: extracting a secret key from an
/// unauthenticated wireless channel", MobiCom 2008; S. Jana et al., "On the effectiveness of
/// secret key extraction from wireless signal strength in real environments", MobiCom 2009.
public struct ProbingConfiguration: Sendable, Hashable {
    /// Probes per session (each gives one measurement at each end), `N ≥ 1`.
    public var probes: Int
    /// The channel-estimate SNR at each end, dB.
    public var snrDecibels: Double
    /// Maximum Doppler frequency `f_D = v/λ`, Hz (0: static room).
    public var dopplerHertz: Double
    /// Probes per second, `R` (Hz).
    public var probeRateHertz: Double
    /// Time between Bob's and Alice's measurement of one probe exchange, `δ` (s). It must divide
    /// the probe period `1/R` (the simulation samples the fading on a grid of step `δ`), or be 0.
    public var probingDelaySeconds: Double
    /// Eavesdropper distances from Bob in wavelengths (one eavesdropper each).
    public var eveDistancesWavelengths: [Double]
    /// What the ends measure.
    public var quantity: MeasuredQuantity
    /// Sinusoids per quadrature of the Jakes simulator (Zheng & Xiao 2003).
    public var sinusoids: Int

    /// Creates a scenario. Call ``validate()`` (or let the session do it) before use.
    public init(
        probes: Int, snrDecibels: Double, dopplerHertz: Double, probeRateHertz: Double = 100,
        probingDelaySeconds: Double = 0.001, eveDistancesWavelengths: [Double] = [0.5],
        quantity: MeasuredQuantity = .amplitude, sinusoids: Int = 16
    ) {
        self.probes = probes
        self.snrDecibels = snrDecibels
        self.dopplerHertz = dopplerHertz
        self.probeRateHertz = probeRateHertz
        self.probingDelaySeconds = probingDelaySeconds
        self.eveDistancesWavelengths = eveDistancesWavelengths
        self.quantity = quantity
        self.sinusoids = sinusoids
    }

    /// The number of fine-grid steps per probe period, `1/(R·δ)` (1 when `δ = 0`).
    public var gridStepsPerProbe: Int {
        probingDelaySeconds == 0 ? 1 : Int((1 / (probeRateHertz * probingDelaySeconds)).rounded())
    }

    /// Checks every field.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidParameter`` naming the field and the range.
    public func validate() throws(SecretKeyGenerationError) {
        func fail(_ message: String) -> SecretKeyGenerationError {
            SecretKeyGenerationError(code: .invalidParameter, message: message)
        }
        guard probes >= 1 else { throw fail("probes must be ≥ 1, got \(probes)") }
        guard probes <= 1 << 22 else { throw fail("probes must be ≤ \(1 << 22), got \(probes)") }
        guard snrDecibels.isFinite, snrDecibels >= -30, snrDecibels <= 80 else {
            throw fail("snr_db must be finite and in [-30, 80] dB, got \(snrDecibels)")
        }
        guard dopplerHertz.isFinite, dopplerHertz >= 0 else {
            throw fail("doppler_hz must be finite and ≥ 0, got \(dopplerHertz)")
        }
        guard probeRateHertz.isFinite, probeRateHertz > 0 else {
            throw fail("probe_rate_hz must be finite and > 0, got \(probeRateHertz)")
        }
        guard probingDelaySeconds.isFinite, probingDelaySeconds >= 0, probingDelaySeconds < 1 / probeRateHertz else {
            throw fail("probing delay must be in [0, 1/probe_rate) = [0, \(1 / probeRateHertz)) s, got \(probingDelaySeconds)")
        }
        if probingDelaySeconds > 0 {
            let steps = 1 / (probeRateHertz * probingDelaySeconds)
            guard abs(steps - steps.rounded()) < 1e-6 * steps, steps.rounded() <= 1000 else {
                throw fail(
                    "probing delay \(probingDelaySeconds) s must divide the probe period \(1 / probeRateHertz) s "
                        + "into at most 1000 steps")
            }
        }
        for (i, d) in eveDistancesWavelengths.enumerated() where !(d.isFinite && d >= 0) {
            throw fail("eve distance \(i) must be finite and ≥ 0 wavelengths, got \(d)")
        }
        guard sinusoids >= 1, sinusoids <= 1024 else { throw fail("sinusoids must be in 1…1024, got \(sinusoids)") }
    }
}
