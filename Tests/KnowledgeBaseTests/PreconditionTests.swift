// Misuse of the KnowledgeBase API traps (exit tests, as swift-nio's ByteBufferCrashTests).

import KnowledgeBase
import TensorCore
import Testing

@Suite struct PreconditionTests {
    @Test func duplicateTokensTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = Vocabulary(["a", "b", "a"])
        }
    }

    @Test func emptySectionNamesTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = Section(name: "", content: .raw([]))
        }
    }

    @Test func duplicateSectionsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = KnowledgeBase(
                manifest: Manifest(name: "x", modality: .text, task: "t", createdBy: "tests"),
                sections: [Section(name: "a", content: .raw([])), Section(name: "a", content: .raw([1]))])
        }
    }

    @Test func negativeStandardDeviationTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Normalizer(field: "x", method: .standardize(mean: 0, standardDeviation: -1))
        }
    }
}
