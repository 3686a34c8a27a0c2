import RealModule
import TensorCore

/// How a weight matrix is initialized from its fan-in and fan-out.
///
/// - ``glorotUniform`` / ``glorotNormal``: Glorot & Bengio (2010), "Understanding the difficulty of
///   training deep feedforward neural networks": variance `2 / (fanIn + fanOut)`; the uniform form
///   draws from `U(−a, a)` with `a = √(6 / (fanIn + fanOut))`. Suited to tanh/sigmoid networks.
/// - ``heUniform`` / ``heNormal``: He et al. (2015), "Delving deep into rectifiers": variance
///   `2 / fanIn`; uniform bound `√(6 / fanIn)`. Suited to ReLU networks.
/// - ``zeros``: every weight 0 (linear models such as an SVM, tests).
///
/// Draws come from the generator passed to ``sample(shape:fanIn:fanOut:using:)`` only.
public enum WeightInitializer: Sendable, Hashable {
    /// Glorot (Xavier) uniform: `U(−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut)))`.
    case glorotUniform
    /// Glorot (Xavier) normal: `N(0, 2/(fanIn+fanOut))`.
    case glorotNormal
    /// He (Kaiming) uniform: `U(−√(6/fanIn), +√(6/fanIn))`.
    case heUniform
    /// He (Kaiming) normal: `N(0, 2/fanIn)`.
    case heNormal
    /// All zeros.
    case zeros

    /// Draws a tensor of `shape` with this initializer.
    ///
    /// - Parameters:
    ///   - shape: the shape of the weight tensor.
    ///   - fanIn: the number of inputs feeding each output unit (≥ 1 unless ``zeros``).
    ///   - fanOut: the number of outputs each input feeds.
    ///   - rng: the generator (advanced by one draw per element, two per Gaussian element).
    /// - Returns: the initialized tensor.
    public func sample<Scalar: TensorScalar, G: RandomNumberGenerator>(
        shape: [Int], fanIn: Int, fanOut: Int, using rng: inout G
    ) -> Tensor<Scalar> {
        precondition(fanIn >= 0 && fanOut >= 0, "fanIn \(fanIn) and fanOut \(fanOut) must be ≥ 0")
        switch self {
        case .zeros:
            return Tensor(zeros: shape)
        case .glorotUniform:
            precondition(fanIn + fanOut > 0, "Glorot initialization needs fanIn + fanOut > 0")
            let a = Scalar(Double.sqrt(6 / Double(fanIn + fanOut)))
            return Tensor.uniform(shape: shape, in: -a..<a, using: &rng)
        case .glorotNormal:
            precondition(fanIn + fanOut > 0, "Glorot initialization needs fanIn + fanOut > 0")
            let s = Scalar(Double.sqrt(2 / Double(fanIn + fanOut)))
            return Tensor.gaussian(shape: shape, standardDeviation: s, using: &rng)
        case .heUniform:
            precondition(fanIn > 0, "He initialization needs fanIn > 0")
            let a = Scalar(Double.sqrt(6 / Double(fanIn)))
            return Tensor.uniform(shape: shape, in: -a..<a, using: &rng)
        case .heNormal:
            precondition(fanIn > 0, "He initialization needs fanIn > 0")
            let s = Scalar(Double.sqrt(2 / Double(fanIn)))
            return Tensor.gaussian(shape: shape, standardDeviation: s, using: &rng)
        }
    }
}
