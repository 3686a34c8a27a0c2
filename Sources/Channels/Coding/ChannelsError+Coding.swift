extension ChannelsError.Code {
    /// A bit array holds a value other than 0 or 1.
    public static let nonBinaryInput = ChannelsError.Code("nonBinaryInput")
}

extension ChannelsError {
    /// Throws `.invalidLength` unless `actual == expected`, naming `field` and both lengths.
    static func checkCodingLength(_ field: String, expected: Int, actual: Int) throws {
        if actual != expected {
            throw ChannelsError(
                code: .invalidLength, message: "\(field) has length \(actual), expected \(expected)")
        }
    }

    /// Throws `.nonBinaryInput` naming the first offset of `bits` that is neither 0 nor 1.
    static func checkCodingBits(_ bits: [UInt8], field: String) throws {
        if let offset = bits.firstIndex(where: { $0 > 1 }) {
            throw ChannelsError(
                code: .nonBinaryInput,
                message: "\(field)[\(offset)] is neither 0 nor 1")
        }
    }

    /// Throws `.nonFiniteInput` naming the first offset of `values` that is NaN or infinite.
    static func checkCodingFinite(_ values: [Float], field: String) throws {
        if let offset = values.firstIndex(where: { !$0.isFinite }) {
            throw ChannelsError(
                code: .nonFiniteInput, message: "\(field)[\(offset)] is not finite")
        }
    }
}
