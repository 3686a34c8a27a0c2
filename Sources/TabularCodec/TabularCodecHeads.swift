// Extra encoder/decoder heads of a tabular knowledge base and the transmitter's rate table.

import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One more encoder/decoder pair of a tabular codec, sharing its schema and preprocessing: another
/// bandwidth `k` (rate adaptation), or a decoder for fading without CSI.
///
/// - ``Receiver/coherent``: trained over AWGN like the main codec; used over AWGN and over fading
///   with CSI (equalized symbols).
/// - ``Receiver/noncoherent``: trained end to end over Rayleigh block fading **without** CSI (one
///   `h ~ CN(0, 1)` per record, random phase) with ``PhaseInvariantFeatures`` in front of its
///   decoder MLP, so it learns to signal through energies and relative phases across its `k`
///   symbols. With no diversity over one block its error falls like `1/SNR` at best.
public struct TabularCodecHead: Sendable {
    /// The kind of receiver a head decodes for.
    public enum Receiver: String, Codable, Sendable, Hashable {
        /// Symbols arrive over AWGN or equalized with CSI.
        case coherent = "coherent"
        /// Block fading without CSI: the decoder sees `h·x + n`.
        case noncoherent = "noncoherent"
    }

    /// The head's name, e.g. `k1`, `nocsi-k4` (its tensor sections are `head.<name>.…`).
    public var name: String
    /// The receiver it was trained for.
    public var receiver: Receiver
    /// Its encoder, power normalization and decoder.
    public var pipeline: TabularCodec.Pipeline

    /// Creates a head.
    public init(name: String, receiver: Receiver, pipeline: TabularCodec.Pipeline) {
        self.name = name
        self.receiver = receiver
        self.pipeline = pipeline
    }

    /// `k`, complex channel uses per record.
    public var channelUsesPerSample: Int { pipeline.channelUsesPerSample }

    /// How a head is described in the `tabular.heads` section.
    struct Description: Codable, Hashable {
        var name: String
        var receiver: Receiver
        var channelUsesPerSample: Int
        var encoder: [CodecArchitecture.Layer]
        var decoder: [CodecArchitecture.Layer]

        enum CodingKeys: String, CodingKey {
            case name, receiver
            case channelUsesPerSample = "channel_uses_per_sample"
            case encoder, decoder
        }
    }
}

/// The transmitter's rate rule of a tabular knowledge base: for each channel (`awgn`, `rayleigh`
/// with CSI) and SNR of a grid, the **validation-split** accuracy of every coherent bandwidth `k`,
/// and the `k` chosen from them.
///
/// **Rule** (like adaptive modulation and coding picks a scheme per SNR): at a grid SNR, with
/// `a_max` the validation accuracy of the largest `k` and `n` the validation records, choose the
/// smallest `k` whose accuracy is at least `a_max − m·√(a_max(1 − a_max)/n)` — within `m` binomial
/// standard errors of the validation split (``standardErrors``, default 1). At an operating SNR
/// between grid points the transmitter uses the choice of the highest grid SNR not above it
/// (accuracy grows with SNR, so this is conservative); below the grid it uses the largest `k`.
/// The table is measured at build time on the validation records only — never on the test split.
///
/// ```swift
/// let k = codec.rateTable?.channelUses(channel: "awgn", snrDecibels: 7)   // e.g. 2
/// ```
public struct TabularRateTable: Codable, Sendable, Hashable {
    /// The measured accuracies of one channel.
    public struct Channel: Codable, Sendable, Hashable {
        /// `awgn` or `rayleigh` (block fading, CSI, MMSE equalization).
        public var name: String
        /// One point per grid SNR, ascending.
        public var points: [Point]

        /// Creates a channel's entry.
        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    /// One grid SNR.
    public struct Point: Codable, Sendable, Hashable {
        /// Es/N0, dB.
        public var snrDecibels: Double
        /// Validation accuracy per entry of ``TabularRateTable/channelUses``.
        public var accuracies: [Double]
        /// The chosen `k`.
        public var selected: Int

        /// Creates a grid point.
        public init(snrDecibels: Double, accuracies: [Double], selected: Int) {
            self.snrDecibels = snrDecibels
            self.accuracies = accuracies
            self.selected = selected
        }

        enum CodingKeys: String, CodingKey {
            case snrDecibels = "snr_db"
            case accuracies, selected
        }
    }

    /// The candidate bandwidths, ascending (the last is the reference).
    public var channelUses: [Int]
    /// Validation records.
    public var validationRecords: Int
    /// Channel realizations per validation record and point.
    public var repeats: Int
    /// `m`, the tolerance in binomial standard errors of the validation split.
    public var standardErrors: Double
    /// The channels.
    public var channels: [Channel]

    /// Creates a table (``select(accuracies:channelUses:validationRecords:standardErrors:)`` gives
    /// each point's choice).
    public init(
        channelUses: [Int], validationRecords: Int, repeats: Int, standardErrors: Double, channels: [Channel]
    ) {
        self.channelUses = channelUses
        self.validationRecords = validationRecords
        self.repeats = repeats
        self.standardErrors = standardErrors
        self.channels = channels
    }

    enum CodingKeys: String, CodingKey {
        case channelUses = "channel_uses"
        case validationRecords = "validation_records"
        case repeats
        case standardErrors = "standard_errors"
        case channels
    }

    /// The rule at one grid point: the smallest `k` whose accuracy is within `standardErrors`
    /// binomial standard errors (of `validationRecords` records) of the last entry's accuracy.
    /// - Precondition: `accuracies.count == channelUses.count ≥ 1`, `validationRecords ≥ 1`.
    public static func select(
        accuracies: [Double], channelUses: [Int], validationRecords: Int, standardErrors: Double
    ) -> Int {
        precondition(
            !channelUses.isEmpty && accuracies.count == channelUses.count,
            "\(accuracies.count) accuracies for bandwidths \(channelUses)")
        precondition(validationRecords >= 1, "validationRecords must be ≥ 1, got \(validationRecords)")
        let reference = accuracies[accuracies.count - 1]
        let tolerance = standardErrors * (reference * (1 - reference) / Double(validationRecords)).squareRoot()
        let index = accuracies.indices.first { accuracies[$0] >= reference - tolerance - 1e-12 } ?? accuracies.count - 1
        return channelUses[index]
    }

    /// The `k` the transmitter uses on `channel` at `snrDecibels` (see the type's rule), or `nil`
    /// when the table has no such channel.
    public func channelUses(channel: String, snrDecibels: Double) -> Int? {
        guard let entry = channels.first(where: { $0.name == channel }) else { return nil }
        let below = entry.points.filter { $0.snrDecibels <= snrDecibels + 1e-9 }
        return below.max { $0.snrDecibels < $1.snrDecibels }?.selected ?? channelUses.last
    }
}

extension TabularCodec {
    /// Raw section: JSON list of the extra heads (name, receiver, `k`, encoder and decoder layers).
    public static let headsSectionName = "tabular.heads"
    /// Raw section: the ``TabularRateTable`` as JSON.
    public static let rateTableSectionName = "tabular.rate_table"
    /// Tensor section `[validation records]`: the record indices of the validation split.
    public static let validationIndicesSectionName = "split.validation_indices"

    /// The head named `name`, if any.
    public func head(named name: String) -> TabularCodecHead? {
        heads.first { $0.name == name }
    }

    /// The non-coherent head (fading without CSI), if the knowledge base has one.
    public var noncoherentHead: TabularCodecHead? {
        heads.first { $0.receiver == .noncoherent }
    }

    /// The coherent pipeline with `k` channel uses per record: the main codec's, or a head's.
    public func coherentPipeline(channelUses k: Int) -> Pipeline? {
        if k == channelUsesPerSample { return pipeline }
        return heads.first { $0.receiver == .coherent && $0.channelUsesPerSample == k }?.pipeline
    }

    /// Reads the heads of `tabular.heads` (none if the section is absent).
    static func heads(in kb: KnowledgeBase, inputSize: Int, classes: Int) throws(TabularCodecError)
        -> [TabularCodecHead]
    {
        guard let bytes = kb.rawBytes(named: headsSectionName) else { return [] }
        let descriptions: [TabularCodecHead.Description]
        do {
            descriptions = try JSONDecoder().decode([TabularCodecHead.Description].self, from: Data(bytes))
        } catch {
            throw TabularCodecError(
                code: .sectionMismatch, message: "the head list does not decode: \(error)", section: headsSectionName)
        }
        var heads: [TabularCodecHead] = []
        for d in descriptions {
            guard d.channelUsesPerSample >= 1, !heads.contains(where: { $0.name == d.name }) else {
                throw TabularCodecError(
                    code: .sectionMismatch,
                    message:
                        "head '\(d.name)' has k = \(d.channelUsesPerSample) or repeats a name; expected k ≥ 1, distinct names",
                    section: headsSectionName)
            }
            let k = d.channelUsesPerSample
            let encoder = try network(
                d.encoder, in: kb, inputSize: inputSize, outputSize: 2 * k, role: "head \(d.name) encoder")
            let decoder = try network(
                d.decoder, in: kb, inputSize: 2 * k, outputSize: classes, role: "head \(d.name) decoder")
            heads.append(
                TabularCodecHead(
                    name: d.name, receiver: d.receiver,
                    pipeline: Pipeline(
                        encoder: NetworkEncoder(network: encoder, channelUsesPerSample: k),
                        decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k))))
        }
        return heads
    }

    /// Reads `tabular.rate_table` (`nil` if the section is absent).
    static func rateTable(in kb: KnowledgeBase) throws(TabularCodecError) -> TabularRateTable? {
        guard let bytes = kb.rawBytes(named: rateTableSectionName) else { return nil }
        let table: TabularRateTable
        do {
            table = try JSONDecoder().decode(TabularRateTable.self, from: Data(bytes))
        } catch {
            throw TabularCodecError(
                code: .sectionMismatch, message: "the rate table does not decode: \(error)",
                section: rateTableSectionName)
        }
        let valid =
            !table.channelUses.isEmpty && table.channelUses == table.channelUses.sorted()
            && table.channelUses.allSatisfy { $0 >= 1 } && table.validationRecords >= 1
            && table.channels.allSatisfy { channel in
                channel.points.allSatisfy {
                    $0.accuracies.count == table.channelUses.count && table.channelUses.contains($0.selected)
                }
            }
        guard valid else {
            throw TabularCodecError(
                code: .sectionMismatch,
                message:
                    "the rate table is inconsistent: bandwidths \(table.channelUses) must be ascending and ≥ 1, every point needs one accuracy per bandwidth and a listed choice",
                section: rateTableSectionName)
        }
        return table
    }
}

/// Deterministic JSON (sorted keys) for raw sections.
/// - Throws: ``TabularCodecError`` `sectionMismatch` if the value does not encode (e.g. a non-finite number).
func sortedJSON<T: Encodable>(_ value: T) throws(TabularCodecError) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
        return Array(try encoder.encode(value))
    } catch {
        throw TabularCodecError(
            code: .sectionMismatch, message: "cannot encode \(T.self) as JSON: \(error)", cause: error)
    }
}
