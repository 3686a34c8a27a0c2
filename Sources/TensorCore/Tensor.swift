/// A dense, row-major tensor of `Float` or `Double`.
///
/// `Tensor` is a value type over a Swift array (copy-on-write). Its `shape` lists the
/// extent of each axis, outermost first; element `[i, j, k]` of a `[a, b, c]` tensor is
/// `scalars[(i · b + j) · c + k]`. A rank-0 tensor (shape `[]`) holds one scalar.
///
/// Conventions used across SemCom:
/// - a batch of vectors is `[batch, features]`;
/// - a batch of sequences is `[batch, time, channels]`;
/// - complex baseband symbols are stored as interleaved (real, imaginary) pairs in the last axis.
///
/// ```swift
/// let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let w = Tensor<Float>(shape: [3, 1], scalars: [1, 0, -1])
/// let y = x.matmul(w)            // [[-2], [-2]]
/// let p = x.softmax()            // row-wise softmax over the last axis
/// ```
///
/// Misuse (shape mismatch, wrong scalar count) traps with a message naming the shapes.
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable, Codable {
    /// Extent of each axis, outermost first.
    @inlinable public var shape: [Int] { storedShape }
    @usableFromInline var storedShape: [Int]
    /// The elements in row-major order. Its count must stay equal to the product of `shape`.
    public var scalars: [Scalar]

    /// Creates a tensor from a shape and its row-major elements.
    /// - Precondition: `scalars.count` equals the product of `shape`, and no extent is negative.
    @inlinable
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        precondition(
            scalars.count == shape.reduce(1, *),
            "Tensor of shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.storedShape = shape
        self.scalars = scalars
    }

    /// Creates a tensor with every element equal to `value`.
    @inlinable
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// Creates a tensor of zeros.
    @inlinable
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// Creates a rank-0 tensor holding `value`.
    @inlinable
    public init(_ value: Scalar) {
        self.init(shape: [], scalars: [value])
    }

    /// Creates a rank-1 tensor from `values`.
    @inlinable
    public init(_ values: [Scalar]) {
        self.init(shape: [values.count], scalars: values)
    }

    /// Creates a rank-2 tensor from equal-length rows.
    /// - Precondition: every row has the same count.
    @inlinable
    public init(rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows:) needs rows of equal length")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// Number of elements (the product of `shape`).
    @inlinable public var count: Int { scalars.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// Element access by multi-index (slow path; hot loops use `scalars` directly).
    @inlinable
    public subscript(_ indices: Int...) -> Scalar {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    @inlinable
    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "Index \(indices) has wrong rank for shape \(shape)")
        var flat = 0
        for (axis, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Index \(indices) out of bounds for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// The same elements under a new shape.
    /// - Precondition: the new shape has the same element count; at most one extent may be -1 (inferred).
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "Cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "Cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: resolved, scalars: scalars)
    }

    /// Converts the element type (e.g. `Tensor<Double>` to `Tensor<Float>`).
    @inlinable
    public func converted<Other: TensorScalar>(to: Other.Type = Other.self) -> Tensor<Other> {
        Tensor<Other>(shape: shape, scalars: scalars.map { Other($0) })
    }

    /// Whether every element is finite (no NaN or infinity).
    @inlinable
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", …" : "")]"
    }
}
