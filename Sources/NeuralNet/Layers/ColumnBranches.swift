import TensorCore

/// Parallel branches over column blocks of the input, concatenated: branch `i` reads the columns
/// `columns[i]` of `[batch, inputWidth]` and its outputs are placed side by side, giving
/// `[batch, Σ outᵢ]`. The building block of late/intermediate fusion of several modalities
/// (one encoder per modality, then a fusion network on the concatenation: Ngiam et al.,
/// "Multimodal deep learning", ICML 2011).
///
/// Parameters are the branches' parameters, branch by branch. The column ranges may overlap or
/// leave columns unused (those get a zero input gradient).
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let table = Sequential<Float>(Dense(inputSize: 18, outputSize: 32, using: &rng), ReLU())
/// let note = Sequential<Float>(Dense(inputSize: 257, outputSize: 64, using: &rng), ReLU())
/// let branches = ColumnBranches(inputWidth: 275, branches: [(0..<18, table), (18..<275, note)])  // → [batch, 96]
/// ```
public struct ColumnBranches<Scalar: TensorScalar>: Layer {
    /// The input width.
    public let inputWidth: Int
    /// The column range each branch reads.
    public let columns: [Range<Int>]
    /// The branch networks.
    public var networks: [Sequential<Scalar>]

    /// Creates the layer.
    /// - Precondition: at least one branch; every range non-empty and within `0..<inputWidth`.
    public init(inputWidth: Int, branches: [(columns: Range<Int>, network: Sequential<Scalar>)]) {
        precondition(!branches.isEmpty, "ColumnBranches needs at least one branch")
        for (columns, _) in branches {
            precondition(
                !columns.isEmpty && columns.lowerBound >= 0 && columns.upperBound <= inputWidth,
                "branch columns \(columns) outside 0..<\(inputWidth)")
        }
        self.inputWidth = inputWidth
        self.columns = branches.map(\.columns)
        self.networks = branches.map(\.network)
    }

    /// The branches' parameters, branch by branch.
    public var parameters: [Tensor<Scalar>] {
        get { networks.flatMap(\.parameters) }
        set {
            var offset = 0
            for i in networks.indices {
                let count = networks[i].parameters.count
                precondition(offset + count <= newValue.count, "ColumnBranches got \(newValue.count) parameter tensors, too few")
                networks[i].parameters = Array(newValue[offset..<(offset + count)])
                offset += count
            }
            precondition(offset == newValue.count, "ColumnBranches has \(offset) parameter tensors, got \(newValue.count)")
        }
    }

    /// Forward with pullback: `[batch, inputWidth]` → `[batch, Σ outᵢ]`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        check(input)
        let batch = input.shape[0]
        var outputs: [Tensor<Scalar>] = []
        var pullbacks: [@Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])] = []
        for (range, network) in zip(columns, networks) {
            let step = network.forward(Self.slice(input, range), training: training, using: &rng)
            outputs.append(step.output)
            pullbacks.append(step.pullback)
        }
        let widths = outputs.map { $0.shape[1] }
        let columns = self.columns
        let inputWidth = self.inputWidth
        return (
            Self.concatenate(outputs),
            { [pullbacks] gradient in
                var dx = [Scalar](repeating: 0, count: batch * inputWidth)
                var parameterGradients: [Tensor<Scalar>] = []
                var offset = 0
                for (i, pullback) in pullbacks.enumerated() {
                    let g = Self.slice(gradient, offset..<(offset + widths[i]))
                    offset += widths[i]
                    let (dInput, dParameters) = pullback(g)
                    parameterGradients += dParameters
                    let w = columns[i].count
                    for r in 0..<batch {
                        for j in 0..<w { dx[r * inputWidth + columns[i].lowerBound + j] += dInput.scalars[r * w + j] }
                    }
                }
                return (Tensor(shape: [batch, inputWidth], scalars: dx), parameterGradients)
            }
        )
    }

    /// Inference: `[batch, inputWidth]` → `[batch, Σ outᵢ]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        check(input)
        return Self.concatenate(zip(columns, networks).map { $1(Self.slice(input, $0)) })
    }

    private func check(_ input: Tensor<Scalar>) {
        precondition(
            input.rank == 2 && input.shape[1] == inputWidth, "ColumnBranches expects [batch, \(inputWidth)], got \(input.shape)")
    }

    /// The columns `range` of `[rows, width]`.
    static func slice(_ x: Tensor<Scalar>, _ range: Range<Int>) -> Tensor<Scalar> {
        let rows = x.shape[0]
        let width = x.shape[1]
        var out: [Scalar] = []
        out.reserveCapacity(rows * range.count)
        for r in 0..<rows { out += x.scalars[(r * width + range.lowerBound)..<(r * width + range.upperBound)] }
        return Tensor(shape: [rows, range.count], scalars: out)
    }

    /// `[rows, wᵢ]` blocks side by side.
    static func concatenate(_ blocks: [Tensor<Scalar>]) -> Tensor<Scalar> {
        let rows = blocks[0].shape[0]
        let total = blocks.reduce(0) { $0 + $1.shape[1] }
        var out: [Scalar] = []
        out.reserveCapacity(rows * total)
        for r in 0..<rows {
            for b in blocks {
                let w = b.shape[1]
                out += b.scalars[(r * w)..<((r + 1) * w)]
            }
        }
        return Tensor(shape: [rows, total], scalars: out)
    }
}
