/// The byte layout of `.npy` files (NEP 1; `numpy/lib/format.py`):
///
/// | bytes | content |
/// |---|---|
/// | 6 | magic `\x93NUMPY` |
/// | 2 | major, minor version: 1.0, 2.0 or 3.0 |
/// | 2 (v1) or 4 (v2, v3) | header length H, little-endian |
/// | H | a Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, padded with spaces and ended by `\n` so that the data start at a multiple of 64 (16 in older files); ASCII/Latin-1 (v1, v2) or UTF-8 (v3) |
/// | … | the elements, C order |
extension NumPyArray {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Decodes the bytes of a `.npy` file.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: the name used in errors (a path, or e.g. `"<stdin>"`).
    /// - Throws: ``NumPyFormatError`` with the byte offset: `.notNumPy`, `.unsupportedVersion`,
    ///   `.malformedHeader`, `.unsupportedDType` (anything but `<f4`/`<f8`), `.fortranOrder`,
    ///   `.truncated` (data shorter or longer than the shape needs).
    public static func decode(_ bytes: [UInt8], source: String) throws -> NumPyArray {
        func fail(_ code: NumPyFormatError.Code, _ message: String, at offset: Int) -> NumPyFormatError {
            NumPyFormatError(code: code, message: message, file: source, offset: offset)
        }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail(
                .notNumPy, "not a NumPy .npy file: expected the magic string \\x93NUMPY and a version", at: 0)
        }
        let major = bytes[6]
        let minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw fail(.unsupportedVersion, "format version \(major).\(minor); expected 1.0, 2.0 or 3.0", at: 6)
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else {
            throw fail(.truncated, "file ends inside the header length; expected \(lengthBytes) bytes", at: 8)
        }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(bytes[8 + k]) << (8 * k) }
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart + headerLength else {
            throw fail(
                .truncated,
                "header declares \(headerLength) bytes but the file has \(bytes.count - headerStart) after the length",
                at: headerStart)
        }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        let header: String
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else {
                throw fail(.malformedHeader, "header is not valid UTF-8 (format 3.0)", at: headerStart)
            }
            header = text
        } else {
            header = String(headerBytes.map { Character(UnicodeScalar($0)) })  // Latin-1
        }
        let fields = try NumPyHeader.parse(header, source: source, offset: headerStart)
        guard let dtype = NumPyDType(rawValue: fields.descr) else {
            let hint =
                fields.descr.hasPrefix(">") ? " (big-endian)" : fields.descr.hasSuffix("f2") ? " (float16)" : ""
            throw fail(
                .unsupportedDType, "dtype '\(fields.descr)'\(hint); expected '<f4' (float32) or '<f8' (float64)",
                at: headerStart)
        }
        guard !fields.fortranOrder else {
            throw fail(.fortranOrder, "array is in Fortran order; expected C order (fortran_order: False)", at: headerStart)
        }
        let dataStart = headerStart + headerLength
        let (count, overflow) = fields.shape.reduce((1, false)) { acc, extent in
            let (product, o) = acc.0.multipliedReportingOverflow(by: extent)
            return (product, acc.1 || o)
        }
        let (needed, overflow2) = count.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow, !overflow2 else {
            throw fail(.malformedHeader, "shape \(tupleText(fields.shape)) is too large", at: headerStart)
        }
        let available = bytes.count - dataStart
        guard available == needed else {
            throw fail(
                .truncated,
                "shape \(tupleText(fields.shape)) of \(dtype) needs \(needed) data bytes, the file has \(available)",
                at: dataStart)
        }
        return bytes.withUnsafeBytes { raw in
            switch dtype {
            case .float32:
                let values = (0..<count).map { i in
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self)))
                }
                return NumPyArray(shape: fields.shape, float32: values)
            case .float64:
                let values = (0..<count).map { i in
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 8 * i, as: UInt64.self)))
                }
                return NumPyArray(shape: fields.shape, float64: values)
            }
        }
    }

    /// The bytes of a `.npy` file holding this array: format 1.0 (2.0 if the header is longer than
    /// 65,535 bytes), header padded so the data start at a multiple of 64, as NumPy writes it.
    public func encoded() -> [UInt8] {
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(Self.tupleText(shape)), }"
        func padding(prefix: Int) -> Int { (prefix + header.utf8.count + 1 + 63) / 64 * 64 - prefix }
        let version1 = padding(prefix: 10) <= 65_535
        let headerLength = padding(prefix: version1 ? 10 : 12)
        header += String(repeating: " ", count: headerLength - header.utf8.count - 1) + "\n"
        var out = Self.magic + [version1 ? 1 : 2, 0]
        let length = header.utf8.count
        for k in 0..<(version1 ? 2 : 4) { out.append(UInt8((length >> (8 * k)) & 0xFF)) }
        out += Array(header.utf8)
        out.reserveCapacity(out.count + count * dtype.byteCount)
        switch values {
        case .float32(let v):
            for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
        case .float64(let v):
            for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
        }
        return out
    }
}

/// The three fields of a `.npy` header dictionary.
struct NumPyHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }` (keys in any order,
    /// single or double quotes, trailing commas, surrounding spaces and the final newline).
    static func parse(_ text: String, source: String, offset: Int) throws -> NumPyHeader {
        var scanner = Scanner(characters: Array(text), source: source, offset: offset)
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        try scanner.expect("{")
        while true {
            scanner.skipSpaces()
            if scanner.consume("}") { break }
            let key = try scanner.string()
            try scanner.expect(":")
            switch key {
            case "descr": descr = try scanner.string()
            case "fortran_order": fortran = try scanner.boolean()
            case "shape": shape = try scanner.tuple()
            default: throw scanner.error("unexpected key '\(key)'; expected 'descr', 'fortran_order' and 'shape'")
            }
            scanner.skipSpaces()
            if scanner.consume(",") { continue }
            try scanner.expect("}")
            break
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw scanner.error("unexpected text after the header dictionary") }
        guard let descr, let fortran, let shape else {
            throw scanner.error("header lacks \(descr == nil ? "'descr'" : fortran == nil ? "'fortran_order'" : "'shape'")")
        }
        return NumPyHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }

    struct Scanner {
        let characters: [Character]
        let source: String
        let offset: Int
        var position = 0

        var atEnd: Bool { position >= characters.count }

        func error(_ message: String) -> NumPyFormatError {
            NumPyFormatError(
                code: .malformedHeader, message: "malformed header: \(message)", file: source, offset: offset + position)
        }

        mutating func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        mutating func consume(_ c: Character) -> Bool {
            skipSpaces()
            guard position < characters.count, characters[position] == c else { return false }
            position += 1
            return true
        }

        mutating func expect(_ c: Character) throws {
            guard consume(c) else { throw error("expected '\(c)'") }
        }

        mutating func string() throws -> String {
            skipSpaces()
            guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else {
                throw error("expected a quoted string")
            }
            let quote = characters[position]
            position += 1
            let start = position
            while position < characters.count, characters[position] != quote { position += 1 }
            guard position < characters.count else { throw error("unterminated string") }
            let value = String(characters[start..<position])
            position += 1
            return value
        }

        mutating func boolean() throws -> Bool {
            skipSpaces()
            for (word, value) in [("True", true), ("False", false)] where matches(word) {
                position += word.count
                return value
            }
            throw error("expected True or False")
        }

        private func matches(_ word: String) -> Bool {
            let w = Array(word)
            return position + w.count <= characters.count && Array(characters[position..<(position + w.count)]) == w
        }

        mutating func tuple() throws -> [Int] {
            try expect("(")
            var values: [Int] = []
            while true {
                skipSpaces()
                if consume(")") { return values }
                let start = position
                while position < characters.count, characters[position].isASCII, characters[position].isNumber {
                    position += 1
                }
                // A trailing `L` is what Python 2 wrote for long integers.
                guard position > start, let value = Int(String(characters[start..<position])) else {
                    throw error("expected a non-negative integer in the shape")
                }
                if position < characters.count, characters[position] == "L" { position += 1 }
                values.append(value)
                skipSpaces()
                if consume(",") { continue }
                try expect(")")
                return values
            }
        }
    }
}
