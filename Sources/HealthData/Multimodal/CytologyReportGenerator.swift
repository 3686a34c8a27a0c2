// Cytology-report sentences that describe a Breast Cancer Wisconsin record's findings in words.

import TensorCore

/// Generates free-text cytology reports for Breast Cancer Wisconsin (BCWD) records: each of the 9
/// graded findings (1…10) is described in words at one of four levels — grades 1–2 *normal*,
/// 3–4 *slight*, 5–7 *moderate*, 8–10 *marked* — with two or three phrasings per level, in the
/// vocabulary of breast fine-needle-aspiration cytology (Wolberg & Mangasarian's features:
/// clump thickness, anisocytosis, pleomorphism, cohesion, bare nuclei, chromatin, nucleoli,
/// mitoses).
///
/// Variation (all drawn from the generator): one of several openings; each finding is mentioned
/// with probability ``mentionProbability`` (a report rarely lists every finding); the mentioned
/// findings come in random order, as separate sentences or joined by `;`; with probability
/// ``gradeProbability`` a finding adds its exact grade (`(grade 7/10)`). The report never states
/// the diagnosis: the note carries the findings only, coarser and less complete than the table.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let note = CytologyReportGenerator().report(grades: [5, 1, 1, 1, 2, 1, 3, 1, 1], using: &rng)
/// ```
public struct CytologyReportGenerator: Sendable {
    /// The probability that a finding is mentioned (default 0.85).
    public var mentionProbability: Double
    /// The probability that a mentioned finding also gives its numeric grade (default 0.2).
    public var gradeProbability: Double

    /// Creates a generator.
    /// - Precondition: both probabilities in [0, 1].
    public init(mentionProbability: Double = 0.85, gradeProbability: Double = 0.2) {
        precondition((0...1).contains(mentionProbability) && (0...1).contains(gradeProbability), "probabilities must be in [0, 1]")
        self.mentionProbability = mentionProbability
        self.gradeProbability = gradeProbability
    }

    /// The level of a grade: 0 (1–2), 1 (3–4), 2 (5–7), 3 (8–10).
    public static func level(ofGrade grade: Double) -> Int {
        grade < 2.5 ? 0 : grade < 4.5 ? 1 : grade < 7.5 ? 2 : 3
    }

    /// Phrasings per finding (in ``BreastCancerWisconsin/featureNames`` order) and level.
    public static let phrases: [[[String]]] = [
        [  // clump thickness
            ["cells lie in flat monolayers", "thin clumps"], ["slightly thickened clumps", "clumps a little thickened"],
            ["moderately thick clumps", "clumps of moderate thickness"],
            ["markedly thick multilayered clumps", "thick three-dimensional clusters"],
        ],
        [  // uniformity of cell size
            ["cells uniform in size", "no anisocytosis"], ["slight variation in cell size", "mild anisocytosis"],
            ["moderate variation in cell size", "moderate anisocytosis"],
            ["marked variation in cell size", "marked anisocytosis"],
        ],
        [  // uniformity of cell shape
            ["regular cell shapes", "cell shape uniform"], ["slight variation in cell shape", "mild pleomorphism"],
            ["moderate pleomorphism", "moderately irregular cell shapes"],
            ["marked pleomorphism", "highly irregular cell shapes"],
        ],
        [  // marginal adhesion
            ["cohesive cell groups", "cells adhere well"], ["slightly reduced cohesion", "mild loss of adhesion"],
            ["moderate loss of cohesion", "moderately dyscohesive groups"],
            ["cells largely dissociated", "marked loss of adhesion"],
        ],
        [  // single epithelial cell size
            ["small single epithelial cells", "single cells of normal size"],
            ["slightly enlarged single cells", "single epithelial cells mildly enlarged"],
            ["moderately enlarged single epithelial cells", "single cells moderately enlarged"],
            ["markedly enlarged single epithelial cells", "large single cells"],
        ],
        [  // bare nuclei
            ["no bare nuclei", "bare nuclei absent"], ["few bare nuclei", "occasional stripped nuclei"],
            ["bare nuclei in moderate numbers", "a moderate number of stripped nuclei"],
            ["numerous bare nuclei", "many stripped nuclei"],
        ],
        [  // bland chromatin
            ["fine bland chromatin", "chromatin finely granular"], ["slightly coarse chromatin", "mildly granular chromatin"],
            ["moderately coarse chromatin", "chromatin moderately clumped"],
            ["coarse clumped chromatin", "markedly coarse chromatin"],
        ],
        [  // normal nucleoli
            ["nucleoli inconspicuous", "no visible nucleoli"], ["small nucleoli", "nucleoli barely visible"],
            ["moderately prominent nucleoli", "distinct nucleoli"], ["large prominent nucleoli", "macronucleoli"],
        ],
        [  // mitoses
            ["no mitoses seen", "mitoses absent"], ["rare mitoses", "a single mitosis"],
            ["occasional mitoses", "some mitotic figures"], ["frequent mitoses", "numerous mitotic figures"],
        ],
    ]

    /// The openings of a report.
    public static let openings = [
        "Fine-needle aspirate of breast lesion.", "FNA breast, smears reviewed.", "Cytology report:",
        "Aspirate smears show the following.", "Breast FNA, Papanicolaou stain.", "",
    ]

    /// A report for one record's 9 grades (`nil`: the finding was not assessed and is not mentioned).
    /// - Precondition: `grades.count == 9`.
    public func report<G: RandomNumberGenerator>(grades: [Double?], using rng: inout G) -> String {
        precondition(grades.count == Self.phrases.count, "a report needs \(Self.phrases.count) grades, got \(grades.count)")
        var findings: [String] = []
        for (feature, grade) in grades.enumerated() {
            guard let grade, rng.nextUnitDouble() < mentionProbability else { continue }
            let options = Self.phrases[feature][Self.level(ofGrade: grade)]
            var phrase = options[Int(rng.next() % UInt64(options.count))]
            if rng.nextUnitDouble() < gradeProbability { phrase += " (grade \(Int(grade.rounded()))/10)" }
            findings.append(phrase)
        }
        findings.shuffle(using: &rng)
        var text = Self.openings[Int(rng.next() % UInt64(Self.openings.count))]
        if findings.isEmpty { return text.isEmpty ? "Smears reviewed." : text }
        let joined: String
        if rng.nextUnitDouble() < 0.5 {
            joined = findings.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." }.joined(separator: " ")
        } else {
            joined = findings[0].prefix(1).uppercased() + findings[0].dropFirst() + "; "
                + findings.dropFirst().joined(separator: "; ") + "."
        }
        text += text.isEmpty ? joined : " " + joined
        return text
    }

    /// A note of random letters (`words` words of 2–9 letters with sentence punctuation): what
    /// "the note replaced by noise" means in the multi-modal evaluation.
    public static func noiseNote<G: RandomNumberGenerator>(words: Int, using rng: inout G) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var out: [String] = []
        for w in 0..<Swift.max(words, 1) {
            let length = 2 + Int(rng.next() % 8)
            var word = String((0..<length).map { _ in letters[Int(rng.next() % 26)] })
            if w % 7 == 6 { word += "." }
            out.append(word)
        }
        return out.joined(separator: " ")
    }
}

/// Breast Cancer Wisconsin records paired with generated cytology reports: the multi-modal example
/// (table + note, malignancy task).
public enum BCWDMultimodal {
    /// The field names (``BreastCancerWisconsin/featureNames``).
    public static var fieldNames: [String] { BreastCancerWisconsin.featureNames }
    /// The label names (`benign`, `malignant`).
    public static var labelNames: [String] { BreastCancerWisconsin.labelNames }

    /// The 683 complete embedded BCWD rows (original 1–10 grades), each with a report drawn from
    /// `Xoshiro256(seed: seed, stream: 7)` in row order; ids `bcwd-<row>`.
    public static func records(seed: UInt64, generator: CytologyReportGenerator = CytologyReportGenerator()) throws
        -> [HealthRecord]
    {
        let data = try BreastCancerWisconsin.embedded()
        var rng = Xoshiro256(seed: seed, stream: 7)
        let width = BreastCancerWisconsin.featureCount
        return (0..<data.count).map { row in
            let grades = (0..<width).map { Optional(data.features.scalars[row * width + $0]) }
            return HealthRecord(
                id: "bcwd-\(row)", fields: grades, note: generator.report(grades: grades, using: &rng),
                label: data.labels[row])
        }
    }
}
