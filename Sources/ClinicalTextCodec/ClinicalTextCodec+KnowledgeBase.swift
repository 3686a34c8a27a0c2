// Rebuilding a clinical-text codec from its knowledge base.

import HealthData
import KnowledgeBase

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NeuralNet
import SemanticCodec
import TensorCore

extension ClinicalTextCodec {
    /// Rebuilds the codec — vocabulary, synonym sets, featurizer, encoder and decoder — from a
    /// knowledge base written by ``ClinicalTextKnowledgeBase``.
    /// - Throws: ``ClinicalTextCodecError`` naming the section: `missingSection` for an absent
    ///   section or manifest entry, `sectionMismatch` for another modality, an unknown layer kind,
    ///   or tensor shapes that do not chain (bytes → features → hidden → 2·k → 3 + 3·concepts).
    public init(knowledgeBase kb: KnowledgeBase) throws(ClinicalTextCodecError) {
        typealias Names = ClinicalTextKnowledgeBase.SectionName
        let manifest = KnowledgeBase.manifestSectionName
        guard kb.manifest.modality == .text else {
            throw ClinicalTextCodecError(
                code: .sectionMismatch, message: "modality is '\(kb.manifest.modality)', expected 'text'", section: manifest)
        }
        func vocabulary(_ name: String) throws(ClinicalTextCodecError) -> [String] {
            guard let v = kb.vocabulary(named: name) else { throw missing(name, "vocabulary") }
            return v.tokens
        }
        func sets(_ name: String) throws(ClinicalTextCodecError) -> [[String]] {
            guard let s = kb.synonymSets(named: name) else { throw missing(name, "synonym sets") }
            return s
        }
        let ids = try vocabulary(Names.concepts)
        let categories = try sets(Names.categories)
        let synonyms = try sets(Names.synonyms)
        guard categories.count == ids.count, synonyms.count == ids.count else {
            throw ClinicalTextCodecError(
                code: .sectionMismatch,
                message: "\(ids.count) concepts but \(categories.count) category and \(synonyms.count) synonym sets",
                section: Names.synonyms)
        }
        var concepts: [ClinicalConcept] = []
        for (index, id) in ids.enumerated() {
            guard let category = categories[index].first.flatMap(ClinicalConceptCategory.init(rawValue:)) else {
                throw ClinicalTextCodecError(
                    code: .sectionMismatch, message: "concept '\(id)' has category \(categories[index]), expected one of \(ClinicalConceptCategory.allCases.map(\.rawValue))",
                    section: Names.categories)
            }
            concepts.append(ClinicalConcept(id: id, category: category, synonyms: synonyms[index], heldOutSynonyms: []))
        }
        let vitalSets = try sets(Names.vitalMentions)
        guard vitalSets.count == VitalSign.allCases.count else {
            throw ClinicalTextCodecError(
                code: .sectionMismatch, message: "\(vitalSets.count) vital-mention sets, expected \(VitalSign.allCases.count)",
                section: Names.vitalMentions)
        }
        let lexicon = ClinicalLexicon(
            concepts: concepts, negationCues: try vocabulary(Names.negationCues),
            scopeTerminators: try vocabulary(Names.scopeTerminators), severityWords: try vocabulary(Names.severityWords),
            bodySites: try vocabulary(Names.bodySites),
            vitalMentions: Dictionary(uniqueKeysWithValues: zip(VitalSign.allCases, vitalSets)))
        var grids: [VitalGrid] = []
        for sign in VitalSign.allCases {
            let name = Names.gridPrefix + sign.rawValue
            guard let tensor = kb.tensor(named: name) else { throw missing(name, "vital-sign grid") }
            guard tensor.rank == 1, tensor.scalars.allSatisfy(\.isFinite) else {
                throw ClinicalTextCodecError(
                    code: .sectionMismatch, message: "grid has shape \(tensor.shape) or non-finite values; expected finite [n]",
                    section: name)
            }
            grids.append(VitalGrid(sign: sign, thresholds: tensor.scalars.map(Double.init)))
        }
        guard let architecture = kb.manifest.architecture else { throw missing(manifest, "architecture") }
        let k = architecture.channelUsesPerSample
        guard k >= 1, let features = architecture.encoder.first, features.kind == "clinical_text_features",
            let buckets = features.options["hash_buckets"].flatMap(Int.init), buckets >= 1,
            let seed = features.options["hash_seed"].flatMap(UInt64.init),
            let maximumBytes = features.options["maximum_bytes"].flatMap(Int.init), maximumBytes >= 1
        else {
            throw ClinicalTextCodecError(
                code: .sectionMismatch,
                message: "the encoder must start with a clinical_text_features layer with hash_buckets, hash_seed and maximum_bytes options, and k ≥ 1",
                section: manifest)
        }
        let featurizer = ClinicalTextFeaturizer(
            matcher: ClinicalTermMatcher(lexicon: lexicon), conceptCount: concepts.count,
            severityCount: lexicon.severityWords.count, hashBuckets: buckets, hashSeed: seed, grids: grids)
        guard features.outputSize == featurizer.width else {
            throw ClinicalTextCodecError(
                code: .sectionMismatch,
                message: "the feature layer outputs \(features.outputSize ?? 0) values, but the vocabulary gives \(featurizer.width)",
                section: manifest)
        }
        let encoder = try denseChain(
            Array(architecture.encoder.dropFirst()), in: kb, inputSize: featurizer.width, outputSize: 2 * k, role: "encoder")
        let decoder = try denseChain(
            architecture.decoder, in: kb, inputSize: 2 * k, outputSize: Self.outputWidth(conceptCount: concepts.count),
            role: "decoder")
        func pipeline(_ encoder: [any Layer<Float>], _ decoder: [any Layer<Float>], k: Int) -> Pipeline {
            Pipeline(
                encoder: NetworkEncoder(
                    network: Sequential([ClinicalTextFeatureLayer(featurizer: featurizer)] + encoder), channelUsesPerSample: k),
                decoder: NetworkDecoder(network: Sequential(decoder), channelUsesPerSample: k))
        }
        var rateHeads: [Pipeline] = []
        if let bytes = kb.rawBytes(named: Names.rateHeads) {
            let descriptions: [ClinicalTextKnowledgeBase.RateHeadDescription]
            do {
                descriptions = try JSONDecoder().decode([ClinicalTextKnowledgeBase.RateHeadDescription].self, from: Data(bytes))
            } catch {
                throw ClinicalTextCodecError(
                    code: .sectionMismatch, message: "the rate-head list does not decode: \(error)", section: Names.rateHeads)
            }
            var seen: Set<Int> = [k]
            for d in descriptions {
                let headK = d.channelUsesPerSample
                guard headK >= 1, seen.insert(headK).inserted else {
                    throw ClinicalTextCodecError(
                        code: .sectionMismatch, message: "rate head k = \(headK) is < 1 or repeats another head's k",
                        section: Names.rateHeads)
                }
                rateHeads.append(
                    pipeline(
                        try denseChain(d.encoder, in: kb, inputSize: featurizer.width, outputSize: 2 * headK, role: "rate head \(headK) encoder"),
                        try denseChain(
                            d.decoder, in: kb, inputSize: 2 * headK, outputSize: Self.outputWidth(conceptCount: concepts.count),
                            role: "rate head \(headK) decoder"),
                        k: headK))
            }
        }
        self.init(
            lexicon: lexicon, featurizer: featurizer, maximumBytes: maximumBytes, pipeline: pipeline(encoder, decoder, k: k),
            rateHeads: rateHeads)
        self.knowledgeBaseFingerprint = kb.fingerprint
    }
}

/// Builds a `Dense`/`ReLU` chain from its description, checking every shape first
/// (``KnowledgeBaseNetwork``).
private func denseChain(
    _ layers: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
) throws(ClinicalTextCodecError) -> [any Layer<Float>] {
    do {
        return try KnowledgeBaseNetwork.layers(layers, in: kb, inputSize: inputSize, outputSize: outputSize, role: role)
    } catch {
        throw ClinicalTextCodecError(
            code: error.code == .missingSection ? .missingSection : .sectionMismatch, message: error.message,
            section: error.section)
    }
}

private func missing(_ section: String, _ what: String) -> ClinicalTextCodecError {
    ClinicalTextCodecError(code: .missingSection, message: "the knowledge base lacks the \(what) '\(section)'", section: section)
}
