/// The single error type thrown by the VitalSignsCodec module: bad input signals, unusable
/// knowledge bases and malformed noise specifications.
public struct VitalSignsCodecError: Error, Sendable, CustomStringConvertible {
    /// What went wrong (extensible).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The knowledge base lacks a section the codec needs.
        public static let missingSection = Code("missingSection")
        /// A section or manifest entry has the wrong shape, kind or value.
        public static let sectionMismatch = Code("sectionMismatch")
        /// The knowledge base is for another modality or task.
        public static let wrongKnowledgeBase = Code("wrongKnowledgeBase")
        /// A sample rate outside the supported range.
        public static let unsupportedSampleRate = Code("unsupportedSampleRate")
        /// A non-finite sample.
        public static let nonFiniteSample = Code("nonFiniteSample")
        /// A signal too short for one window.
        public static let signalTooShort = Code("signalTooShort")
        /// A malformed noise specification.
        public static let invalidNoiseSpecification = Code("invalidNoiseSpecification")
        /// A parameter outside its range.
        public static let invalidParameter = Code("invalidParameter")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation (field names, offsets and shapes, never signal values).
    public var message: String
    /// The knowledge-base section involved, if any.
    public var section: String?
    /// The sample offset involved, if any.
    public var sampleOffset: Int?

    /// Creates an error.
    public init(code: Code, message: String, section: String? = nil, sampleOffset: Int? = nil) {
        self.code = code
        self.message = message
        self.section = section
        self.sampleOffset = sampleOffset
    }

    public var description: String {
        "VitalSignsCodecError.\(code): \(message)" + (section.map { " [section \($0)]" } ?? "")
            + (sampleOffset.map { " [sample \($0)]" } ?? "")
    }
}
