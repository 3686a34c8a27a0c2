// The JSON manifest of a knowledge base: what it is for, how it was built and how well it works.

/// The self-description of a knowledge base, stored as the first section of a `.semkb` file in canonical
/// JSON (snake_case keys, sorted, no whitespace; see <doc:SemKBFormat>).
///
/// A manifest says what the knowledge base is for (``modality``, ``task``, ``labelNames``), what its
/// input looks like (``schema``), how its codec is built (``architecture``), how it was trained
/// (``provenance``) and how well it did (``metrics``).
///
/// **Extensibility.** Readers tolerate JSON keys they do not know: a manifest written by a newer SemCom
/// with extra keys decodes, and because ``KnowledgeBase`` keeps the manifest's bytes exactly as read,
/// the extra keys survive a read → write round trip and the fingerprint is unchanged. Assigning a new
/// ``KnowledgeBase/manifest`` re-encodes it and drops unknown keys. New optional keys may be added in
/// later versions without changing the format version; removing or retyping a key needs a new version.
///
/// ```swift
/// let manifest = Manifest(
///     name: "bcwd-tabular", modality: .tabular, task: "diagnosis", labelNames: ["benign", "malignant"],
///     createdBy: "semcom 0.1")
/// ```
public struct Manifest: Codable, Sendable, Hashable {
    /// A short identifier, e.g. `"bcwd-tabular"`.
    public var name: String
    /// The kind of data the codec handles.
    public var modality: Modality
    /// The task the decoder performs, e.g. `"diagnosis"`.
    public var task: String
    /// The class names in label-index order (empty for regression or reconstruction tasks).
    public var labelNames: [String]
    /// The input schema (tabular records), if the modality has one.
    public var schema: Schema?
    /// The codec's network and channel interface.
    public var architecture: CodecArchitecture?
    /// How the knowledge base was trained.
    public var provenance: TrainingProvenance?
    /// Measured metrics, by snake_case name (e.g. `"test_accuracy"`), as plain numbers.
    public var metrics: [String: Double]
    /// The software that wrote the file, e.g. `"semcom 0.1.0"`.
    public var createdBy: String
    /// Free text for people (no record values), if any.
    public var notes: String?

    /// Creates a manifest.
    /// - Parameters:
    ///   - name: a short identifier.
    ///   - modality: the kind of data.
    ///   - task: the decoder's task.
    ///   - labelNames: the class names in label-index order.
    ///   - schema: the input schema.
    ///   - architecture: the codec's architecture.
    ///   - provenance: how it was trained.
    ///   - metrics: measured metrics by name.
    ///   - createdBy: the writing software and version.
    ///   - notes: free text.
    public init(
        name: String, modality: Modality, task: String, labelNames: [String] = [], schema: Schema? = nil,
        architecture: CodecArchitecture? = nil, provenance: TrainingProvenance? = nil, metrics: [String: Double] = [:],
        createdBy: String, notes: String? = nil
    ) {
        self.name = name
        self.modality = modality
        self.task = task
        self.labelNames = labelNames
        self.schema = schema
        self.architecture = architecture
        self.provenance = provenance
        self.metrics = metrics
        self.createdBy = createdBy
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case name, modality, task
        case labelNames = "label_names"
        case schema, architecture, provenance, metrics
        case createdBy = "created_by"
        case notes
    }
}

/// The kind of health data a knowledge base's codec handles.
///
/// An open set (a struct over its JSON string) so that a manifest naming a modality added later still
/// decodes: compare with `==` against the static members.
public struct Modality: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The JSON spelling, e.g. `"tabular"`.
    public var rawValue: String
    /// Creates a modality from its JSON spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Tabular health records (numeric and categorical fields).
    public static let tabular = Modality(rawValue: "tabular")
    /// Clinical free text.
    public static let text = Modality(rawValue: "text")
    /// Vital-sign time series (heart rate, blood pressure, SpO₂, …).
    public static let vitals = Modality(rawValue: "vitals")
    /// Body-pose keypoint sequences.
    public static let pose = Modality(rawValue: "pose")
    /// Several modalities combined.
    public static let multimodal = Modality(rawValue: "multimodal")

    /// The JSON spelling.
    public var description: String { rawValue }

    /// Decodes the bare JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A closed interval `[minimum, maximum]` of real values, in the unit of the field it describes.
public struct ValueRange: Codable, Sendable, Hashable {
    /// The smallest value.
    public var minimum: Double
    /// The largest value.
    public var maximum: Double

    /// Creates a range.
    /// - Precondition: `minimum ≤ maximum`.
    public init(minimum: Double, maximum: Double) {
        precondition(minimum <= maximum, "ValueRange minimum \(minimum) exceeds maximum \(maximum)")
        self.minimum = minimum
        self.maximum = maximum
    }

    enum CodingKeys: String, CodingKey {
        case minimum = "min"
        case maximum = "max"
    }
}
