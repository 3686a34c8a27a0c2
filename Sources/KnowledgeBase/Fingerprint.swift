// The SHA-256 identity of a knowledge base's content.

import Crypto

/// The identity of a knowledge base: the SHA-256 (FIPS 180-4) of its canonical content.
///
/// The hashed bytes are defined in <doc:SemKBFormat> ("Fingerprint"): a domain-separation prefix, the
/// manifest's canonical JSON, and every data section's kind, name and *uncompressed* payload, in file
/// order, each length-prefixed. The fingerprint therefore does not depend on the zstd level or library
/// version, and changes whenever any manifest field, tensor value, token or section name changes.
///
/// Semantic frames (`.semf`) carry the ``shortForm`` (the first 8 bytes), so a decoder can refuse
/// frames produced with another knowledge base.
public struct Fingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Creates a fingerprint from 32 digest bytes.
    /// - Precondition: `bytes.count == 32`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a fingerprint has 32 bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses 64 hexadecimal digits (either case); `nil` if `hexString` is anything else.
    public init?(hexString: String) {
        let digits = Array(hexString.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The first 8 bytes, as carried in semantic frames.
    public var shortBytes: [UInt8] { Array(bytes.prefix(8)) }

    /// The first 8 bytes read as a big-endian integer, so that its 16 hexadecimal digits are the first 16 of
    /// ``hexString``.
    public var shortForm: UInt64 { bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }

    /// The 64 lowercase hexadecimal digits.
    public var hexString: String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// ``hexString``.
    public var description: String { hexString }

    /// The domain-separation prefix of the hashed content: ASCII `"semkb fingerprint v1"` and a line feed.
    static let domain: [UInt8] = Array("semkb fingerprint v1\n".utf8)

    /// Computes the fingerprint of a manifest's JSON bytes and data sections (kind, name, uncompressed
    /// payload) in file order.
    static func compute(manifestJSON: [UInt8], sections: [RawSection]) -> Fingerprint {
        var hasher = SHA256()
        var prefix = ByteWriter()
        prefix.writeBytes(domain)
        prefix.writeInteger(UInt64(manifestJSON.count), endianness: .little)
        hasher.update(data: prefix.bytes)
        hasher.update(data: manifestJSON)
        var count = ByteWriter()
        count.writeInteger(UInt32(sections.count), endianness: .little)
        hasher.update(data: count.bytes)
        for section in sections {
            var header = ByteWriter()
            header.writeInteger(section.kind.rawValue, endianness: .little)
            header.writeInteger(UInt16(section.name.utf8.count), endianness: .little)
            header.writeUTF8String(section.name)
            header.writeInteger(UInt64(section.payload.count), endianness: .little)
            hasher.update(data: header.bytes)
            hasher.update(data: section.payload)
        }
        return Fingerprint(unchecked: Array(hasher.finalize()))
    }
}

/// A section as stored: kind, name and uncompressed payload bytes.
struct RawSection {
    var kind: Section.Kind
    var name: String
    var payload: [UInt8]
}
