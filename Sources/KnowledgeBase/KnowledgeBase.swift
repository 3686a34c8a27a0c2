// The knowledge base shared by the two ends of a semantic link.

import TensorCore

/// A knowledge base (KB): the manifest and data sections that both ends of a semantic link share, stored
/// as a `.semkb` file.
///
/// A knowledge base holds what an encoder and its decoder must agree on — the input schema, vocabularies,
/// synonym sets, normalizers and network weights — plus a ``Manifest`` saying what it is for and how it
/// was built. Its ``fingerprint`` (SHA-256 of the canonical content) identifies it: frames carry the
/// fingerprint's short form and a decoder with a different KB refuses them.
///
/// The file format is defined in <doc:SemKBFormat>. Reading checks every byte — magic, version, header
/// and table CRCs, section layout, each payload's CRC-32C, zstd decompression to the declared length, each
/// payload's encoding, the manifest JSON and the stored fingerprint — and throws a ``KnowledgeBaseError``
/// naming the section and offset on the first problem. It never traps on bad data and never modifies the
/// file.
///
/// ```swift
/// var kb = KnowledgeBase(manifest: Manifest(name: "demo", modality: .tabular, task: "diagnosis",
///                                           createdBy: "semcom 0.1"))
/// kb.insert(Section(name: "encoder.0.weight", content: .tensor(weights)))
/// try kb.write(to: "demo.semkb")
/// let loaded = try KnowledgeBase(contentsOfFile: "demo.semkb")
/// assert(loaded.fingerprint == kb.fingerprint)
/// ```
public struct KnowledgeBase: Sendable, Equatable {
    /// The name of the manifest section (always the first section of a file).
    public static let manifestSectionName = "manifest"

    /// The manifest. Assigning it re-encodes ``manifestJSON`` in canonical form.
    public var manifest: Manifest {
        didSet { manifestJSON = manifest.canonicalJSON }
    }

    /// The manifest's JSON bytes as stored and fingerprinted: the canonical encoding of ``manifest``, or,
    /// for a KB read from a file, the file's bytes exactly (so unknown keys written by a newer version
    /// survive a round trip).
    public private(set) var manifestJSON: [UInt8]

    /// The data sections in file order (the manifest is not among them).
    public private(set) var sections: [Section]

    /// Creates a knowledge base.
    /// - Parameters:
    ///   - manifest: the manifest.
    ///   - sections: data sections in order.
    /// - Precondition: no two sections share a kind and a name.
    public init(manifest: Manifest, sections: [Section] = []) {
        self.manifest = manifest
        self.manifestJSON = manifest.canonicalJSON
        self.sections = []
        for section in sections {
            precondition(
                self.section(section.kind, named: section.name) == nil,
                "two \(section.kind) sections are named '\(section.name)'")
            self.sections.append(section)
        }
    }

    /// Creates a knowledge base from parts already checked by the reader.
    init(manifest: Manifest, manifestJSON: [UInt8], sections: [Section]) {
        self.manifest = manifest
        self.manifestJSON = manifestJSON
        self.sections = sections
    }

    /// Adds `section`, replacing (in place) any section of the same kind and name, otherwise appending it.
    public mutating func insert(_ section: Section) {
        if let index = sections.firstIndex(where: { $0.kind == section.kind && $0.name == section.name }) {
            sections[index] = section
        } else {
            sections.append(section)
        }
    }

    /// Removes and returns the section of this kind and name, if there is one.
    @discardableResult
    public mutating func removeSection(_ kind: Section.Kind, named name: String) -> Section? {
        guard let index = sections.firstIndex(where: { $0.kind == kind && $0.name == name }) else { return nil }
        return sections.remove(at: index)
    }

    /// The section of this kind and name, if any. - Complexity: O(number of sections).
    public func section(_ kind: Section.Kind, named name: String) -> Section? {
        sections.first { $0.kind == kind && $0.name == name }
    }

    /// The float32 tensor section named `name` (weights, embeddings), if any; shape as stored.
    public func tensor(named name: String) -> Tensor<Float>? {
        if case .tensor(let tensor) = section(.tensorFloat32, named: name)?.content { return tensor }
        return nil
    }

    /// The vocabulary section named `name`, if any.
    public func vocabulary(named name: String) -> Vocabulary? {
        if case .vocabulary(let vocabulary) = section(.vocabulary, named: name)?.content { return vocabulary }
        return nil
    }

    /// The synonym-set section named `name`, if any: groups of interchangeable strings.
    public func synonymSets(named name: String) -> [[String]]? {
        if case .synonymSets(let groups) = section(.synonymSets, named: name)?.content { return groups }
        return nil
    }

    /// The normalizer section named `name`, if any.
    public func normalizers(named name: String) -> [Normalizer]? {
        if case .normalizers(let normalizers) = section(.normalizers, named: name)?.content { return normalizers }
        return nil
    }

    /// The raw-bytes section named `name`, if any.
    public func rawBytes(named name: String) -> [UInt8]? {
        if case .raw(let bytes) = section(.raw, named: name)?.content { return bytes }
        return nil
    }

    /// The sections as stored: kind, name, uncompressed payload.
    var rawSections: [RawSection] {
        sections.map { RawSection(kind: $0.kind, name: $0.name, payload: $0.content.payload) }
    }

    /// The SHA-256 fingerprint of the canonical content (see ``Fingerprint``). Equal to the fingerprint
    /// stored in the file this KB was read from, or that ``serializedBytes(compressionLevel:)`` writes.
    /// - Complexity: O(total payload size): it encodes and hashes every section.
    public var fingerprint: Fingerprint {
        Fingerprint.compute(manifestJSON: manifestJSON, sections: rawSections)
    }
}
