import Foundation
import Testing

@testable import TensorCore

/// The `.npy` format (NEP 1, `numpy/lib/format.py`): headers as NumPy writes them, and the
/// typed errors for files SemCom must refuse.
@Suite struct NumPyArrayTests {
    /// A file assembled byte by byte: magic, version, length, header, data.
    static func file(version: UInt8 = 1, header: String, data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = header.utf8.count
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)] : (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) }
        return bytes + Array(header.utf8) + data
    }

    static func littleEndian(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func roundTripsBothDTypesAndShapes() throws {
        let cases: [NumPyArray] = [
            NumPyArray(shape: [3], float64: [1.5, -2.25, .pi]),
            NumPyArray(shape: [2, 3], float32: [1, 2, 3, 4, 5, -6.5]),
            NumPyArray(shape: [], float64: [42]),
            NumPyArray(shape: [0], float32: []),
        ]
        for array in cases {
            let bytes = array.encoded()
            #expect(bytes.count % 64 == (array.count * array.dtype.byteCount) % 64)  // data start on a 64-byte boundary
            #expect(try NumPyArray.decode(bytes, source: "mem") == array)
        }
    }

    @Test func writesTheHeaderNumPyWrites() throws {
        // np.save of np.arange(3.0) writes exactly this 128-byte header (NumPy ≥ 1.17: 64-byte alignment).
        let bytes = NumPyArray(shape: [3], float64: [0, 1, 2]).encoded()
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(bytes[8] == 118 && bytes[9] == 0 && bytes.count == 128 + 24)
    }

    @Test(arguments: [UInt8(1), 2, 3])
    func readsVersionsOneTwoAndThree(version: UInt8) throws {
        let header = "{\"shape\": (2, 2), \"fortran_order\": False, \"descr\": \"<f8\"}   \n"
        let bytes = Self.file(version: version, header: header, data: Self.littleEndian([1, 2, 3, 4]))
        let array = try NumPyArray.decode(bytes, source: "v\(version).npy")
        #expect(array.shape == [2, 2] && array.doubles == [1, 2, 3, 4] && array.dtype == .float64)
    }

    @Test func convertsToTensors() throws {
        let array = NumPyArray(shape: [2, 2], float32: [1, 2, 3, 4])
        #expect(array.tensor(of: Double.self) == Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4]))
        #expect(NumPyArray(Tensor<Float>(shape: [2], scalars: [1, 2])).dtype == .float32)
        #expect(NumPyArray(Tensor<Double>(shape: [2], scalars: [1, 2])).dtype == .float64)
    }

    @Test(
        arguments: [
            ("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", NumPyFormatError.Code.unsupportedDType, "'<f4'"),
            ("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }\n", .unsupportedDType, "big-endian"),
            ("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }\n", .fortranOrder, "C order"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", .truncated, "needs 24 data bytes"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", .truncated, "the file has 16"),
            ("{'descr': '<f8', 'shape': (2,), }\n", .malformedHeader, "'fortran_order'"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", .malformedHeader, "'x'"),
            ("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }\n", .malformedHeader, "True or False"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }\n", .malformedHeader, "integer"),
        ] as [(String, NumPyFormatError.Code, String)])
    func refusesWhatItCannotRead(header: String, code: NumPyFormatError.Code, fragment: String) {
        let bytes = Self.file(header: header, data: Self.littleEndian([1, 2]))
        #expect {
            _ = try NumPyArray.decode(bytes, source: "bad.npy")
        } throws: { error in
            guard let error = error as? NumPyFormatError else { return false }
            return error.code == code && error.file == "bad.npy" && error.offset != nil
                && error.description.contains(fragment)
        }
    }

    @Test func refusesOtherFilesAndVersions() {
        for (bytes, code) in [
            (Array("id,f1\n1,2\n".utf8), NumPyFormatError.Code.notNumPy),
            ([0x93] + Array("NUMPY".utf8) + [4, 0, 0, 0], .unsupportedVersion),
            ([0x93] + Array("NUMPY".utf8) + [1, 0, 200, 0] + Array("{'descr'".utf8), .truncated),
        ] {
            #expect {
                _ = try NumPyArray.decode(bytes, source: "x.npy")
            } throws: { ($0 as? NumPyFormatError)?.code == code }
        }
    }

    @Test func checksShapeDTypeAndFiniteness() throws {
        let array = NumPyArray(shape: [2, 5], float32: [Float](repeating: 1, count: 10))
        #expect(throws: Never.self) { try array.checked(shape: [2, 5], dtype: .float32, source: "a.npy") }
        #expect {
            try array.checked(shape: [10], source: "a.npy")
        } throws: { error in
            let e = error as? NumPyFormatError
            return e?.code == .wrongShape && e?.description.contains("shape (2, 5), expected (10,)") == true
        }
        #expect {
            try array.checked(dtype: .float64, source: "a.npy")
        } throws: { ($0 as? NumPyFormatError)?.code == .wrongDType }
        #expect {
            try NumPyArray(shape: [2], float64: [1, .nan]).checked(source: "n.npy")
        } throws: { ($0 as? NumPyFormatError)?.code == .nonFiniteValue }
    }

    @Test func readsAndWritesFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("semcom-npy-\(UUID()).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let array = NumPyArray(shape: [4], float64: [1, 2, 3, 4])
        try array.write(toFile: path)
        #expect(try NumPyArray.read(contentsOfFile: path) == array)
        #expect {
            _ = try NumPyArray.read(contentsOfFile: path + ".missing")
        } throws: { error in
            let e = error as? NumPyFormatError
            return e?.code == .unreadableFile && e?.file == path + ".missing"
        }
    }
}
