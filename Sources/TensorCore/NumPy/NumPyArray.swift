import Foundation

/// The element types SemCom reads and writes in `.npy` files: little-endian IEEE 754 floats.
public enum NumPyDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `<f4`, NumPy's `float32`.
    case float32 = "<f4"
    /// `<f8`, NumPy's `float64`.
    case float64 = "<f8"

    /// Bytes per element.
    public var byteCount: Int { self == .float32 ? 4 : 8 }

    /// `float32 ('<f4')` or `float64 ('<f8')`.
    public var description: String { self == .float32 ? "float32 ('<f4')" : "float64 ('<f8')" }
}

/// An n-dimensional float array in NumPy's `.npy` format (the format NumPy's `np.save` writes
/// and `np.load` reads: "A Simple File Format for NumPy Arrays", NEP 1, format versions 1.0, 2.0
/// and 3.0).
///
/// Only what crosses the boundary between SemCom and Python tools is supported: C-ordered
/// (row-major) arrays of little-endian `float32` or `float64`. Anything else — another dtype, a
/// big-endian or Fortran-ordered array, a truncated file — is refused with a
/// ``NumPyFormatError`` naming the file, the byte offset and what was expected.
///
/// ```swift
/// let weights = NumPyArray(shape: [2, 3], float64: [1, 2, 3, 4, 5, 6])
/// try weights.write(toFile: "w.npy")                  // np.load("w.npy") → array([[1., 2., 3.], [4., 5., 6.]])
/// let back = try NumPyArray.read(contentsOfFile: "w.npy")
///     .checked(shape: [2, 3], dtype: .float64, source: "w.npy")
/// ```
public struct NumPyArray: Sendable, Equatable {
    /// The elements, in C (row-major) order.
    public enum Values: Sendable, Equatable {
        /// `float32` elements.
        case float32([Float])
        /// `float64` elements.
        case float64([Double])
    }

    /// Extent of each axis, outermost first (`[]` for a 0-d array holding one value).
    public let shape: [Int]
    /// The elements, `shape.reduce(1, *)` of them.
    public let values: Values

    /// A `float64` array.
    /// - Precondition: `values.count` equals the product of `shape`; no extent is negative.
    public init(shape: [Int], float64 values: [Double]) {
        Self.checkCount(shape, values.count)
        self.shape = shape
        self.values = .float64(values)
    }

    /// A `float32` array.
    /// - Precondition: `values.count` equals the product of `shape`; no extent is negative.
    public init(shape: [Int], float32 values: [Float]) {
        Self.checkCount(shape, values.count)
        self.shape = shape
        self.values = .float32(values)
    }

    /// The array of a tensor (its shape, and `float32` for `Float`, `float64` for `Double`).
    public init<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) {
        if let floats = tensor.scalars as? [Float] {
            self.init(shape: tensor.shape, float32: floats)
        } else {
            self.init(shape: tensor.shape, float64: tensor.scalars.map { Double($0) })
        }
    }

    private static func checkCount(_ shape: [Int], _ count: Int) {
        precondition(shape.allSatisfy { $0 >= 0 }, "NumPy shape \(shape) has a negative extent")
        precondition(shape.reduce(1, *) == count, "NumPy shape \(shape) needs \(shape.reduce(1, *)) values, got \(count)")
    }

    /// The element type.
    public var dtype: NumPyDType {
        if case .float32 = values { return .float32 }
        return .float64
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The elements as `Double` (exact for both dtypes).
    public var doubles: [Double] {
        switch values {
        case .float32(let v): v.map(Double.init)
        case .float64(let v): v
        }
    }

    /// The elements as a tensor of `Scalar` (float64 → Float rounds to nearest).
    public func tensor<Scalar: TensorScalar>(of type: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        switch values {
        case .float32(let v): Tensor(shape: shape, scalars: v.map { Scalar($0) })
        case .float64(let v): Tensor(shape: shape, scalars: v.map { Scalar($0) })
        }
    }

    /// Checks the array against what the caller needs.
    /// - Parameters:
    ///   - shape: the required shape (`nil`: any).
    ///   - dtype: the required dtype (`nil`: either).
    ///   - finite: whether every value must be finite.
    ///   - source: the file name used in errors.
    /// - Returns: `self`.
    /// - Throws: ``NumPyFormatError`` `.wrongShape`, `.wrongDType` or `.nonFiniteValue` naming the
    ///   file, what it holds and what was expected.
    @discardableResult
    public func checked(shape expected: [Int]? = nil, dtype expectedType: NumPyDType? = nil, finite: Bool = true,
        source: String
    ) throws -> NumPyArray {
        if let expectedType, expectedType != dtype {
            throw NumPyFormatError(
                code: .wrongDType, message: "array has dtype \(dtype), expected \(expectedType)", file: source)
        }
        if let expected, expected != shape {
            throw NumPyFormatError(
                code: .wrongShape,
                message: "array has shape \(Self.tupleText(shape)), expected \(Self.tupleText(expected))",
                file: source)
        }
        if finite, let index = doubles.firstIndex(where: { !$0.isFinite }) {
            throw NumPyFormatError(
                code: .nonFiniteValue, message: "element \(index) (C order) is not finite; expected finite values",
                file: source)
        }
        return self
    }

    // MARK: - Files

    /// Reads a `.npy` file (the file is only read).
    /// - Throws: ``NumPyFormatError`` (`.unreadableFile` and the decoding errors of ``decode(_:source:)``).
    public static func read(contentsOfFile path: String) throws -> NumPyArray {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NumPyFormatError(
                code: .unreadableFile, message: "cannot read the file (\(error.localizedDescription))", file: path)
        }
        return try decode(Array(data), source: path)
    }

    /// Writes the array as a `.npy` file (atomically: a reader never sees half a file).
    /// - Throws: ``NumPyFormatError`` `.unwritableFile`.
    public func write(toFile path: String) throws {
        do {
            try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NumPyFormatError(
                code: .unwritableFile, message: "cannot write the file (\(error.localizedDescription))", file: path)
        }
    }

    static func tupleText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
