import TensorCore

/// A lookup table mapping token indices to learned vectors.
///
/// The input is a tensor of **whole numbers stored as `Scalar`** (`0, 1, 2, …`), usually of
/// shape `[batch, time]`; any rank ≥ 1 is accepted and the output appends one axis:
/// `output[…, :] = table[input[…], :]`, so `[batch, time]` → `[batch, time, dimension]`.
/// Storing indices as floating-point values lets the embedding sit in a ``Layer`` chain;
/// integers up to 2²⁴ (`Float`) or 2⁵³ (`Double`) are exact.
///
/// The output does not depend continuously on the indices, so the pullback's input gradient
/// is a tensor of **zeros** with the input's shape; only the table receives a gradient
/// (rows scatter-added, as in PyTorch's `nn.Embedding`).
///
/// Distributed word representations follow Bengio et al. (2003), "A neural probabilistic
/// language model".
///
/// - Parameters, in order: `table` `[vocabularySize, dimension]`.
/// - Initialization: `N(0, 1)`, as PyTorch's `nn.Embedding`.
/// - Precondition: every index is a whole number in `0..<vocabularySize`; anything else
///   (fractional, negative, too large, NaN) traps with the offending value and position.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let embed = Embedding<Float>(vocabularySize: 1000, dimension: 32, using: &rng)
/// let tokens = Tensor<Float>(shape: [1, 3], scalars: [4, 17, 0])
/// let vectors = embed(tokens)   // [1, 3, 32]
/// ```
public struct Embedding<Scalar: TensorScalar>: PerExampleDifferentiable {
    /// The embedding vectors, one row per token: `[vocabularySize, dimension]`.
    public var table: Tensor<Scalar>

    /// Number of rows (valid indices are `0..<vocabularySize`).
    public var vocabularySize: Int { table.shape[0] }
    /// Length of each embedding vector.
    public var dimension: Int { table.shape[1] }

    /// `[table]`.
    public var parameters: [Tensor<Scalar>] {
        get { [table] }
        set {
            precondition(
                newValue.count == 1 && newValue[0].shape == table.shape,
                "Embedding has 1 parameter of shape \(table.shape), got \(newValue.map(\.shape))")
            table = newValue[0]
        }
    }

    /// Creates an embedding from an existing table.
    /// - Parameter table: `[vocabularySize, dimension]`, both positive.
    public init(table: Tensor<Scalar>) {
        precondition(
            table.rank == 2 && table.shape[0] > 0 && table.shape[1] > 0,
            "Embedding table must be [vocabularySize, dimension] with positive extents, got \(table.shape)")
        self.table = table
    }

    /// Creates an embedding with `N(0, 1)` entries.
    ///
    /// - Parameters:
    ///   - vocabularySize: number of distinct indices (> 0).
    ///   - dimension: length of each vector (> 0).
    ///   - rng: the generator for the table.
    public init<G: RandomNumberGenerator>(vocabularySize: Int, dimension: Int, using rng: inout G) {
        precondition(
            vocabularySize > 0 && dimension > 0,
            "Embedding needs positive sizes, got vocabularySize \(vocabularySize), dimension \(dimension)")
        self.init(table: Tensor<Scalar>.gaussian(shape: [vocabularySize, dimension], using: &rng))
    }

    /// Converts the index tensor to `Int`s, trapping on anything that is not a valid index.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func indices(of input: Tensor<Scalar>) -> [Int] {
        precondition(input.rank >= 1, "Embedding input must have rank ≥ 1 (e.g. [batch, time]), got \(input.shape)")
        let vocabulary = vocabularySize
        let limit = Scalar(vocabulary)
        var result = [Int](repeating: 0, count: input.count)
        for (position, value) in input.scalars.enumerated() {
            precondition(
                value >= 0 && value < limit && value.rounded(.towardZero) == value,
                "Embedding index \(value) at flat position \(position) of input \(input.shape) is not a whole number in 0..<\(vocabulary)"
            )
            result[position] = Int(value)
        }
        return result
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func lookUp(_ indices: [Int], shape: [Int]) -> Tensor<Scalar> {
        let d = dimension
        var out = [Scalar](repeating: 0, count: indices.count * d)
        out.withUnsafeMutableBufferPointer { o in
            table.scalars.withUnsafeBufferPointer { t in
                for (position, index) in indices.enumerated() {
                    let src = index * d
                    let dst = position * d
                    for j in 0..<d { o[dst + j] = t[src + j] }
                }
            }
        }
        return Tensor(shape: shape + [d], scalars: out)
    }

    /// Scatter-adds the rows of `gradient` (`[n, dimension]` flattened) onto `count` tables of the
    /// table's shape laid end to end; row `p` goes to table `p / rowsPerTable`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func scatter(_ gradient: Tensor<Scalar>, _ indices: [Int], tables: Int, rowsPerTable: Int) -> [Scalar] {
        let d = dimension
        let tableSize = vocabularySize * d
        var out = [Scalar](repeating: 0, count: tables * tableSize)
        out.withUnsafeMutableBufferPointer { o in
            gradient.scalars.withUnsafeBufferPointer { g in
                for (position, index) in indices.enumerated() {
                    let dst = (position / rowsPerTable) * tableSize + index * d
                    let src = position * d
                    for j in 0..<d { o[dst + j] += g[src + j] }
                }
            }
        }
        return out
    }

    /// Looks up the vectors and returns the pullback.
    ///
    /// - Parameters:
    ///   - input: whole-number indices, e.g. `[batch, time]`.
    ///   - training: unused.
    ///   - rng: unused.
    /// - Returns: `input.shape + [dimension]`, and a pullback giving a zero input gradient
    ///   (shape of `input`) and `[∂L/∂table]`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let ids = indices(of: input)
        let output = lookUp(ids, shape: input.shape)
        let layer = self
        let inputShape = input.shape
        return (
            output,
            { gradient in
                precondition(
                    gradient.shape == output.shape,
                    "Embedding pullback expects \(output.shape), got \(gradient.shape)")
                let dTable = layer.scatter(gradient, ids, tables: 1, rowsPerTable: Swift.max(ids.count, 1))
                return (Tensor(zeros: inputShape), [Tensor(shape: layer.table.shape, scalars: dTable)])
            }
        )
    }

    /// Inference: `input.shape + [dimension]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        lookUp(indices(of: input), shape: input.shape)
    }

    /// Per-example table gradients (for DP-SGD, Abadi et al. 2016): example `i`'s output
    /// gradient rows scatter-added onto its own copy of the table.
    ///
    /// - Parameters:
    ///   - input: indices with the batch axis first, e.g. `[batch, time]`.
    ///   - outputGradient: `input.shape + [dimension]`.
    /// - Returns: one tensor `[batch, vocabularySize, dimension]`.
    public func perExampleGradients(input: Tensor<Scalar>, outputGradient: Tensor<Scalar>) -> [Tensor<Scalar>] {
        let ids = indices(of: input)
        precondition(
            outputGradient.shape == input.shape + [dimension],
            "Embedding output gradient must be \(input.shape + [dimension]), got \(outputGradient.shape)")
        let batch = input.shape[0]
        let perExample = batch == 0 ? 1 : ids.count / batch
        let dTables = scatter(outputGradient, ids, tables: batch, rowsPerTable: Swift.max(perExample, 1))
        return [Tensor(shape: [batch] + table.shape, scalars: dTables)]
    }
}
