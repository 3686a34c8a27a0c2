// Deterministic test inputs for the Compression tests (no dependency on TensorCore).

/// A tiny SplitMix64 so the tests need nothing beyond the module under test.
struct TestGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TestData {
    static let words = [
        "patient", "heart_rate", "systolic", "diastolic", "oxygen", "saturation", "temperature", "benign",
        "malignant", "clump", "thickness", "nuclei", "chromatin", "mitoses", "window", "sample",
    ]

    /// Compressible text-like bytes: words with random numbers, plus a sprinkle of random bytes.
    static func text(count: Int, seed: UInt64) -> [UInt8] {
        var rng = TestGenerator(seed: seed)
        var out = [UInt8]()
        out.reserveCapacity(count + 32)
        while out.count < count {
            if rng.next() % 16 == 0 {
                out.append(UInt8(truncatingIfNeeded: rng.next()))
            } else {
                out += Array(words[Int(rng.next() % UInt64(words.count))].utf8)
                out += Array("=\(rng.next() % 1000), ".utf8)
            }
        }
        return Array(out.prefix(count))
    }

    /// Incompressible bytes.
    static func random(count: Int, seed: UInt64) -> [UInt8] {
        var rng = TestGenerator(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// A JSON-like health record, as sent in many small messages (dictionary training material).
    static func record(_ index: Int, rng: inout TestGenerator) -> [UInt8] {
        let text =
            "{\"record\":\(index),\"heart_rate_bpm\":\(50 + rng.next() % 70),\"systolic_mmhg\":\(100 + rng.next() % 60),"
            + "\"diastolic_mmhg\":\(60 + rng.next() % 40),\"spo2_percent\":\(90 + rng.next() % 10),"
            + "\"temperature_celsius\":\(36 + rng.next() % 3).\(rng.next() % 10),\"activity\":\"\(words[Int(rng.next() % 16)])\"}"
        return Array(text.utf8)
    }

    static func records(count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = TestGenerator(seed: seed)
        return (0..<count).map { record($0, rng: &rng) }
    }
}
