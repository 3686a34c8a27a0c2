// The clinical vocabulary of the note generator and the clinical-text codec: concepts with
// synonym sets, a held-out synonym list, common misspellings, negation cues, severity words,
// body sites and vital-sign mentions.

/// What kind of thing a clinical concept is.
public enum ClinicalConceptCategory: String, Sendable, Hashable, CaseIterable, Codable {
    /// A symptom the patient reports (chest pain, dyspnea).
    case symptom
    /// A finding the clinician observes (diaphoresis, facial droop).
    case finding
    /// Past medical history (hypertension, diabetes).
    case history
}

/// One labelled clinical concept: an identifier, its category, the synonym set the codec may
/// learn from (the knowledge base stores it), a **second, held-out** synonym list that no
/// training note and no knowledge base contains (the honest generalization test), and common
/// misspellings.
public struct ClinicalConcept: Sendable, Hashable {
    /// The stable identifier, e.g. `"dyspnea"` (snake_case ASCII).
    public var id: String
    /// The category.
    public var category: ClinicalConceptCategory
    /// Interchangeable surface forms (lowercase; multi-word phrases allowed; the first is preferred).
    public var synonyms: [String]
    /// Surface forms reserved for testing: never generated into training notes, never stored in a KB.
    public var heldOutSynonyms: [String]
    /// Common misspellings of the synonyms (stored in the KB as part of the synonym set).
    public var misspellings: [String]

    /// Creates a concept.
    public init(
        id: String, category: ClinicalConceptCategory, synonyms: [String], heldOutSynonyms: [String],
        misspellings: [String] = []
    ) {
        precondition(!synonyms.isEmpty, "concept \(id) needs at least one synonym")
        self.id = id
        self.category = category
        self.synonyms = synonyms
        self.heldOutSynonyms = heldOutSynonyms
        self.misspellings = misspellings
    }
}

/// A vital sign the notes report as a number with a unit.
public enum VitalSign: String, Sendable, Hashable, CaseIterable, Codable {
    /// Peripheral oxygen saturation, %.
    case spo2
    /// Heart rate, beats per minute.
    case heartRate = "hr"
    /// Systolic blood pressure, mmHg (written `systolic/diastolic`).
    case systolicBP = "sbp"
    /// Body temperature, °C.
    case temperature = "temp"
    /// Respiratory rate, breaths per minute.
    case respiratoryRate = "rr"

    /// The plausible range of values (what generators draw from and featurizers scale by).
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .spo2: 70...100
        case .heartRate: 35...200
        case .systolicBP: 60...220
        case .temperature: 34...42
        case .respiratoryRate: 6...44
        }
    }
}

/// The clinical vocabulary in force: concepts (the labels of the concept-set task), negation cues,
/// pseudo-negations and scope terminators (after NegEx: Chapman et al., "A simple algorithm for
/// identifying negated findings and diseases in discharge summaries", J Biomed Inform 2001),
/// severity words, body sites and vital-sign mentions with their abbreviations.
///
/// ``standard`` is the vocabulary of the shipped notes and knowledge base. Everything a knowledge
/// base stores comes from ``knowledgeBaseSynonymSets``, which leaves out every
/// ``ClinicalConcept/heldOutSynonyms`` entry.
public struct ClinicalLexicon: Sendable, Hashable {
    /// The labelled concepts, in label order.
    public var concepts: [ClinicalConcept]
    /// Words and phrases that open a negation scope ("denies", "no", "negative for").
    public var negationCues: [String]
    /// Words that end a negation scope ("but", "however").
    public var scopeTerminators: [String]
    /// Severity words, mildest first.
    public var severityWords: [String]
    /// Body sites (vocabulary only, not labels).
    public var bodySites: [String]
    /// The mentions of each vital sign (abbreviations and phrases).
    public var vitalMentions: [VitalSign: [String]]

    /// Creates a lexicon.
    public init(
        concepts: [ClinicalConcept], negationCues: [String], scopeTerminators: [String], severityWords: [String],
        bodySites: [String], vitalMentions: [VitalSign: [String]]
    ) {
        self.concepts = concepts
        self.negationCues = negationCues
        self.scopeTerminators = scopeTerminators
        self.severityWords = severityWords
        self.bodySites = bodySites
        self.vitalMentions = vitalMentions
    }

    /// The concept identifiers, in label order.
    public var conceptIDs: [String] { concepts.map(\.id) }

    /// The index of a concept identifier.
    public func conceptIndex(of id: String) -> Int? { concepts.firstIndex { $0.id == id } }

    /// The synonym sets a knowledge base stores: one group per concept (synonyms, then
    /// misspellings), in label order — never the held-out synonyms.
    public var knowledgeBaseSynonymSets: [[String]] { concepts.map { $0.synonyms + $0.misspellings } }

    /// The standard clinical vocabulary (26 concepts).
    public static let standard = ClinicalLexicon(
        concepts: [
            ClinicalConcept(
                id: "chest_pain", category: .symptom,
                synonyms: ["chest pain", "chest discomfort", "chest pressure", "cp", "chest tightness"],
                heldOutSynonyms: ["thoracic pain", "retrosternal ache"], misspellings: ["chest pian", "chset pain"]),
            ClinicalConcept(
                id: "dyspnea", category: .symptom,
                synonyms: ["shortness of breath", "dyspnea", "breathlessness", "sob", "short of breath"],
                heldOutSynonyms: ["air hunger", "labored breathing"], misspellings: ["dyspnoea", "dispnea", "shortnes of breath"]),
            ClinicalConcept(
                id: "fever", category: .symptom, synonyms: ["fever", "febrile", "pyrexia", "fevers"],
                heldOutSynonyms: ["feeling hot", "high temperature"], misspellings: ["fevre", "feever"]),
            ClinicalConcept(
                id: "cough", category: .symptom, synonyms: ["cough", "coughing", "productive cough"],
                heldOutSynonyms: ["hacking", "tussis"], misspellings: ["cuogh", "coff"]),
            ClinicalConcept(
                id: "headache", category: .symptom, synonyms: ["headache", "cephalgia", "head pain"],
                heldOutSynonyms: ["cranial ache", "migraine-like pain"], misspellings: ["headahce", "hedache"]),
            ClinicalConcept(
                id: "abdominal_pain", category: .symptom,
                synonyms: ["abdominal pain", "belly pain", "stomach pain", "abd pain"],
                heldOutSynonyms: ["tummy ache", "epigastric discomfort"], misspellings: ["abdominal pian", "abdomnal pain"]),
            ClinicalConcept(
                id: "nausea", category: .symptom, synonyms: ["nausea", "nauseated", "queasy"],
                heldOutSynonyms: ["sick to the stomach", "upset stomach"], misspellings: ["nasuea", "nausia"]),
            ClinicalConcept(
                id: "vomiting", category: .symptom, synonyms: ["vomiting", "emesis", "throwing up"],
                heldOutSynonyms: ["retching", "puking"], misspellings: ["vomitting", "vomitng"]),
            ClinicalConcept(
                id: "dizziness", category: .symptom, synonyms: ["dizziness", "dizzy", "lightheaded", "vertigo"],
                heldOutSynonyms: ["giddiness", "woozy"], misspellings: ["dizzyness", "lightheadded"]),
            ClinicalConcept(
                id: "syncope", category: .symptom,
                synonyms: ["syncope", "fainting", "passed out", "loss of consciousness", "loc"],
                heldOutSynonyms: ["blacked out", "collapsed"], misspellings: ["syncopy", "fainting spel"]),
            ClinicalConcept(
                id: "palpitations", category: .symptom,
                synonyms: ["palpitations", "racing heart", "heart pounding"],
                heldOutSynonyms: ["fluttering in the chest", "skipped beats"], misspellings: ["palpitatons", "palpatations"]),
            ClinicalConcept(
                id: "fatigue", category: .symptom, synonyms: ["fatigue", "tiredness", "malaise", "exhaustion"],
                heldOutSynonyms: ["lethargy", "worn out"], misspellings: ["fatigeu", "fatique"]),
            ClinicalConcept(
                id: "confusion", category: .finding,
                synonyms: ["confusion", "altered mental status", "ams", "disoriented", "confused"],
                heldOutSynonyms: ["delirium", "muddled thinking"], misspellings: ["confusoin", "disorientated"]),
            ClinicalConcept(
                id: "sore_throat", category: .symptom, synonyms: ["sore throat", "pharyngitis", "throat pain"],
                heldOutSynonyms: ["scratchy throat", "odynophagia"], misspellings: ["sore throaht", "soar throat"]),
            ClinicalConcept(
                id: "rash", category: .finding, synonyms: ["rash", "skin eruption", "hives"],
                heldOutSynonyms: ["dermatitis", "skin spots"], misspellings: ["rahs", "hievs"]),
            ClinicalConcept(
                id: "back_pain", category: .symptom, synonyms: ["back pain", "lumbago", "low back pain"],
                heldOutSynonyms: ["backache", "lumbar ache"], misspellings: ["back pian", "bak pain"]),
            ClinicalConcept(
                id: "diaphoresis", category: .finding, synonyms: ["diaphoresis", "diaphoretic", "sweating", "clammy"],
                heldOutSynonyms: ["perspiring", "drenched in sweat"], misspellings: ["diaphoresus", "diaforesis"]),
            ClinicalConcept(
                id: "facial_droop", category: .finding, synonyms: ["facial droop", "facial asymmetry"],
                heldOutSynonyms: ["drooping face", "crooked smile"], misspellings: ["facial drop", "facail droop"]),
            ClinicalConcept(
                id: "slurred_speech", category: .finding, synonyms: ["slurred speech", "dysarthria"],
                heldOutSynonyms: ["garbled speech", "thick speech"], misspellings: ["slured speech", "disarthria"]),
            ClinicalConcept(
                id: "wheezing", category: .finding, synonyms: ["wheezing", "wheeze", "wheezes"],
                heldOutSynonyms: ["whistling breath", "sibilant rhonchi"], misspellings: ["wheesing", "weezing"]),
            ClinicalConcept(
                id: "edema", category: .finding, synonyms: ["edema", "leg swelling", "pedal edema"],
                heldOutSynonyms: ["puffy ankles", "fluid retention"], misspellings: ["oedema", "edemma"]),
            ClinicalConcept(
                id: "hypertension", category: .history, synonyms: ["hypertension", "htn", "high blood pressure"],
                heldOutSynonyms: ["raised blood pressure", "elevated bp history"], misspellings: ["hypertenion", "hypertention"]),
            ClinicalConcept(
                id: "diabetes", category: .history, synonyms: ["diabetes", "dm2", "diabetes mellitus", "t2dm"],
                heldOutSynonyms: ["sugar disease", "hyperglycemia history"], misspellings: ["diabetis", "diabets"]),
            ClinicalConcept(
                id: "coronary_disease", category: .history,
                synonyms: ["coronary artery disease", "cad", "prior mi", "heart attack"],
                heldOutSynonyms: ["ischemic heart disease", "ihd"], misspellings: ["coronary artery diseas", "prior myocardial infraction"]),
            ClinicalConcept(
                id: "asthma", category: .history, synonyms: ["asthma", "reactive airway disease"],
                heldOutSynonyms: ["bronchial hyperreactivity", "wheezy bronchitis"], misspellings: ["athsma", "asthama"]),
            ClinicalConcept(
                id: "copd", category: .history, synonyms: ["copd", "emphysema", "chronic bronchitis"],
                heldOutSynonyms: ["chronic obstructive lung disease", "smoker's lung"], misspellings: ["emphysemia", "cpod"]),
        ],
        negationCues: ["denies", "no", "without", "negative for", "not", "absent", "no evidence of", "free of"],
        scopeTerminators: ["but", "however", "although", "reports", "endorses", "with", "has"],
        severityWords: ["mild", "moderate", "severe"],
        bodySites: ["chest", "abdomen", "left arm", "jaw", "back", "head", "throat", "legs", "epigastrium"],
        vitalMentions: [
            .spo2: ["spo2", "sat", "o2 sat", "oxygen saturation", "pulse ox", "sats"],
            .heartRate: ["hr", "pulse", "heart rate"],
            .systolicBP: ["bp", "blood pressure"],
            .temperature: ["t", "temp", "temperature"],
            .respiratoryRate: ["rr", "resp rate", "respiratory rate"],
        ])
}
