import Crypto
import Foundation
import Privacy
import TensorCore
import Testing

@Suite struct AttributeBoundsTests {
    @Test func minimumAtOrAboveMaximumIsATypedError() {
        for (lower, upper) in [(1.9, 1.5), (1.7, 1.7), (Double.nan, 2), (1, Double.infinity)] {
            #expect(throws: PrivacyError.self) { try AttributeBounds(lower: lower, upper: upper) }
            do {
                _ = try AttributeBounds(lower: lower, upper: upper)
            } catch {
                #expect(error.code == .invalidBounds)
            }
        }
    }

    @Test func percentilesInterpolateOrderStatistics() throws {
        var rng = SplitMix64(seed: 3)
        let values = (0...100).map(Double.init).shuffled(using: &rng)
        let bounds = try AttributeBounds.percentiles(of: values, lower: 0.01, upper: 0.99)
        #expect(abs(bounds.lower - 1) < 1e-12 && abs(bounds.upper - 99) < 1e-12)
        #expect(bounds.range == 98)
        #expect(bounds.clamp(-5) == 1 && bounds.clamp(200) == 99 && bounds.clamp(50) == 50)
        do {
            _ = try AttributeBounds.percentiles(of: [2, 2, 2, 2])
            Issue.record("a constant population must not give bounds")
        } catch {
            #expect(error.code == .invalidBounds)
        }
        #expect(throws: PrivacyError.self) { try AttributeBounds.percentiles(of: [1], lower: 0.1, upper: 0.9) }
        #expect(throws: PrivacyError.self) { try AttributeBounds.percentiles(of: [1, 2, 3], lower: 0.9, upper: 0.1) }
    }
}

@Suite struct BoundedLaplaceMechanismTests {
    let heights = try! AttributeBounds(lower: 1.45, upper: 1.95)

    @Test func nonPositiveEpsilonIsATypedError() {
        for epsilon in [0, -1, .nan, .infinity] {
            for variant in BoundedLaplaceMechanism.Variant.allCases {
                do {
                    _ = try BoundedLaplaceMechanism(epsilon: epsilon, bounds: heights, variant: variant)
                    Issue.record("ε = \(epsilon) accepted")
                } catch {
                    #expect(error.code == .invalidEpsilon)
                }
            }
        }
    }

    @Test func truncatedScaleIsCalibratedToHolohansBound() throws {
        for epsilon in [0.5, 1.0, 3.0, 5.0] {
            let mechanism = try BoundedLaplaceMechanism(epsilon: epsilon, bounds: heights)
            let loss = BoundedLaplaceMechanism.truncatedPrivacyLoss(scale: mechanism.scale, bounds: heights)
            #expect(loss <= epsilon && loss > epsilon * (1 - 1e-9))
            // The naive scale Δ/ε is not enough once the output is renormalized.
            #expect(BoundedLaplaceMechanism.truncatedPrivacyLoss(scale: heights.range / epsilon, bounds: heights) > epsilon)
            #expect(mechanism.scale > heights.range / epsilon)
            let clamped = try BoundedLaplaceMechanism(epsilon: epsilon, bounds: heights, variant: .clamped)
            #expect(abs(clamped.scale - heights.range / epsilon) < 1e-15)
            #expect(mechanism.privacy == .pure(epsilon: epsilon))
        }
    }

    @Test(.tags(.statistical)) func releasesStayInTheDomainWithTheExpectedMean() throws {
        var rng = Xoshiro256(seed: 11)
        for variant in BoundedLaplaceMechanism.Variant.allCases {
            let mechanism = try BoundedLaplaceMechanism(epsilon: 3, bounds: heights, variant: variant)
            for x in [1.3, 1.5, 1.7, 1.93] {
                let n = 40_000
                var sum = 0.0, square = 0.0
                for _ in 0..<n {
                    let y = mechanism.release(x, using: &rng)
                    #expect(y >= heights.lower && y <= heights.upper)
                    sum += y
                    square += y * y
                }
                let mean = sum / Double(n)
                let standardError = ((square / Double(n) - mean * mean) / Double(n)).squareRoot()
                #expect(abs(mean - mechanism.expectedRelease(x)) < 5 * standardError, "\(variant) x = \(x)")
            }
        }
    }

    @Test(.tags(.statistical)) func empiricalLikelihoodRatiosRespectEpsilon() throws {
        // Histograms of the output for the two ends and the middle of the domain: no bin's
        // frequency ratio may exceed e^ε (beyond sampling error).
        var rng = Xoshiro256(seed: 12)
        let epsilon = 1.0
        for variant in BoundedLaplaceMechanism.Variant.allCases {
            let mechanism = try BoundedLaplaceMechanism(epsilon: epsilon, bounds: heights, variant: variant)
            let bins = 10, n = 60_000
            let histograms = [heights.lower, 1.7, heights.upper].map { x in
                var counts = [Double](repeating: 0, count: bins)
                for _ in 0..<n {
                    let y = mechanism.release(x, using: &rng)
                    counts[Swift.min(bins - 1, Int((y - heights.lower) / heights.range * Double(bins)))] += 1
                }
                return counts
            }
            var worst = 0.0
            for a in histograms { for b in histograms { for k in 0..<bins { worst = Swift.max(worst, a[k] / b[k]) } } }
            #expect(worst < exp(epsilon) * 1.08, "\(variant): worst bin ratio \(worst)")
            #expect(worst > 1.5, "the output must still depend on the input")
        }
    }
}

@Suite struct RandomizedResponseTests {
    @Test func invalidParametersAreTypedErrors() {
        #expect(throws: PrivacyError.self) { try RandomizedResponse(epsilon: 0, categories: 3) }
        #expect(throws: PrivacyError.self) { try RandomizedResponse(epsilon: 1, categories: 1) }
        do {
            _ = try RandomizedResponse(epsilon: -2, categories: 4)
        } catch {
            #expect(error.code == .invalidEpsilon)
        }
    }

    @Test(.tags(.statistical)) func reportsFollowTheChannelAndFrequenciesAreRecovered() throws {
        let mechanism = try RandomizedResponse(epsilon: 1, categories: 4)
        #expect(abs(mechanism.truthProbability - exp(1) / (exp(1) + 3)) < 1e-15)
        #expect(abs(mechanism.truthProbability / mechanism.otherProbability - exp(1)) < 1e-12)
        var rng = Xoshiro256(seed: 5)
        let truth = [0.5, 0.3, 0.15, 0.05]
        let n = 100_000
        var values: [Int] = []
        for (c, f) in truth.enumerated() { values += [Int](repeating: c, count: Int(f * Double(n))) }
        let reports = values.map { mechanism.release($0, using: &rng) }
        let kept = zip(values, reports).filter { $0 == $1 }.count
        let p = mechanism.truthProbability
        #expect(abs(Double(kept) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
        let estimate = mechanism.estimateFrequencies(reports)
        #expect(abs(estimate.reduce(0, +) - 1) < 1e-9)
        for (e, t) in zip(estimate, truth) { #expect(abs(e - t) < 0.02) }
    }
}

@Suite struct PrivacyLevelTests {
    @Test func presetsAndNumbersParse() throws {
        #expect(try PrivacyLevel(parsing: "high").epsilon == 1)
        #expect(try PrivacyLevel(parsing: "Medium").epsilon == 3)
        #expect(try PrivacyLevel(parsing: " low ").epsilon == 5)
        #expect(try PrivacyLevel(parsing: "2.5") == .custom(epsilon: 2.5))
    }

    @Test func unknownPresetsAndBadEpsilonsAreTypedErrors() {
        for (text, code) in [
            ("extreme", PrivacyError.Code.unknownPreset), ("", .unknownPreset), ("0", .invalidEpsilon),
            ("-1", .invalidEpsilon), ("nan", .invalidEpsilon), ("inf", .invalidEpsilon),
        ] {
            do {
                _ = try PrivacyLevel(parsing: text)
                Issue.record("'\(text)' accepted")
            } catch {
                #expect(error.code == code, "'\(text)'")
            }
        }
    }
}

@Suite struct LocalPrivacySessionTests {
    let bounds = try! AttributeBounds(lower: 1.45, upper: 1.95)

    @Test func releasesAreDrawnOncePerSessionFromTheKey() throws {
        let mechanism = try BoundedLaplaceMechanism(epsilon: 1, bounds: bounds)
        let key = LocalPrivacySession.key(seed: 9)
        var a = try LocalPrivacySession(key: key, sessionID: "s1")
        var b = try LocalPrivacySession(key: key, sessionID: "s1")
        let first = try a.release(1.70, attribute: "height", mechanism: mechanism)
        #expect(try b.release(1.70, attribute: "height", mechanism: mechanism) == first)
        // Later requests return the same value and cost nothing more.
        #expect(try a.release(1.80, attribute: "height", mechanism: mechanism) == first)
        #expect(a.totalEpsilon == 1)
        // Another session (or key) draws independently.
        var releases = Set<Double>()
        for id in 0..<20 {
            var s = try LocalPrivacySession(key: key, sessionID: "other-\(id)")
            releases.insert(try s.release(1.70, attribute: "height", mechanism: mechanism))
        }
        var otherKey = try LocalPrivacySession(key: LocalPrivacySession.key(seed: 10), sessionID: "s1")
        releases.insert(try otherKey.release(1.70, attribute: "height", mechanism: mechanism))
        #expect(releases.count == 21)
        // Attributes get different generators.
        var g1 = a.generator(for: "height"), g2 = a.generator(for: "wingspan")
        #expect(g1.next() != g2.next())
    }

    @Test func ledgerAddsUpAttributesAndEnforcesTheBudget() throws {
        var session = try LocalPrivacySession(key: LocalPrivacySession.randomKey(), sessionID: "x", budget: 4)
        let one = try BoundedLaplaceMechanism(epsilon: 1, bounds: bounds)
        let three = try BoundedLaplaceMechanism(epsilon: 3, bounds: bounds)
        _ = try session.release(1.7, attribute: "height", mechanism: one)
        _ = try session.release(category: 2, attribute: "handedness", mechanism: try RandomizedResponse(epsilon: 3, categories: 3))
        #expect(session.totalEpsilon == 4)
        #expect(session.ledger.map(\.attribute) == ["height", "handedness"])
        #expect(session.privacy == .pure(epsilon: 4))
        do {
            _ = try session.release(1.8, attribute: "wingspan", mechanism: three)
            Issue.record("budget exceeded silently")
        } catch {
            #expect(error.code == .budgetExceeded)
        }
        #expect(throws: PrivacyError.self) { try LocalPrivacySession(key: LocalPrivacySession.randomKey(), sessionID: "y", budget: 0) }
    }

    /// Why noise is drawn once per session: with fresh noise in every frame an observer who
    /// averages the frames and inverts the (public) mean response recovers the height within
    /// 1 cm; with one draw per session the average is that one draw and the error stays large.
    @Test(.tags(.statistical)) func perFrameNoiseIsAveragedAwayOncePerSessionIsNot() throws {
        let mechanism = try BoundedLaplaceMechanism(epsilon: 1, bounds: bounds)
        func invert(_ average: Double) -> Double {
            var low = bounds.lower, high = bounds.upper
            for _ in 0..<60 {
                let mid = (low + high) / 2
                if mechanism.expectedRelease(mid) < average { low = mid } else { high = mid }
            }
            return (low + high) / 2
        }
        let frames = 200_000  // ≈ 1.9 h at 30 fps
        var rng = Xoshiro256(seed: 21)
        var perSessionErrors: [Double] = []
        for (user, height) in [1.52, 1.63, 1.71, 1.78, 1.88].enumerated() {
            var sum = 0.0
            for _ in 0..<frames { sum += mechanism.release(height, using: &rng) }
            let perFrameError = abs(invert(sum / Double(frames)) - height)
            #expect(perFrameError < 0.01, "per-frame redraw: recovered within \(perFrameError) m")
            for session in 0..<8 {
                var s = try LocalPrivacySession(key: LocalPrivacySession.key(seed: 77), sessionID: "u\(user)-\(session)")
                var total = 0.0
                for _ in 0..<1000 { total += try s.release(height, attribute: "height", mechanism: mechanism) }
                perSessionErrors.append(abs(invert(total / 1000) - height))
            }
        }
        perSessionErrors.sort()
        let withinOneCentimetre = perSessionErrors.filter { $0 < 0.01 }.count
        #expect(withinOneCentimetre <= 6, "once per session: \(withinOneCentimetre)/40 within 1 cm")
        #expect(perSessionErrors[perSessionErrors.count / 2] > 0.05)
    }
}
