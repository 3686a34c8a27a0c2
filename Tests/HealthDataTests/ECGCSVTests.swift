import Testing

@testable import HealthData

@Suite struct ECGCSVTests {
    @Test func oneColumnWithRateAndHeaderAndComments() throws {
        let loaded = try ECGCSV.parse("# lead II\necg_mv\n0.1\n0.2\n\n-0.3\n", sampleRateHertz: 250)
        #expect(loaded.recording.ecg == [0.1, 0.2, -0.3])
        #expect(loaded.recording.sampleRateHertz == 250)
        #expect(!loaded.hadTimeColumn && loaded.erasedSampleCount == 0)
    }

    @Test func timeValueInfersTheRate() throws {
        let loaded = try ECGCSV.parse("time_s,ecg_mv\n0.000,1\n0.004,2\n0.008,3\n", sampleRateHertz: nil)
        #expect(Swift.abs(loaded.recording.sampleRateHertz - 250) < 1e-6)
        #expect(loaded.hadTimeColumn)
    }

    @Test func missingRateIsAnError() {
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("0.1\n0.2\n", sampleRateHertz: nil) }
        do {
            _ = try ECGCSV.parse("0.1\n0.2\n", source: "x.csv", sampleRateHertz: nil)
        } catch let error as HealthDataError {
            #expect(error.code == .missingValue && error.file == "x.csv")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func wrongRateGapsAndNonIncreasingTimesAreErrorsWithTheLine() {
        func code(_ text: String, rate: Double?) -> (HealthDataError.Code, Int?)? {
            do {
                _ = try ECGCSV.parse(text, sampleRateHertz: rate)
                return nil
            } catch let e as HealthDataError {
                return (e.code, e.line)
            } catch {
                return nil
            }
        }
        let regular = "0.000,1\n0.004,2\n0.008,3\n0.012,4\n"
        #expect(code(regular, rate: 500)?.0 == .valueOutOfRange)  // time stamps say 250 Hz
        let gap = "0.000,1\n0.004,2\n0.008,3\n0.020,4\n0.024,5\n"
        #expect(code(gap, rate: nil)?.0 == .valueOutOfRange)
        #expect(code(gap, rate: nil)?.1 == 4)
        #expect(code("0.000,1\n0.004,2\n0.004,3\n", rate: nil)?.1 == 3)
        #expect(code("0.1\n0.2\n", rate: 0)?.0 == .valueOutOfRange)
        #expect(code("0.1\n0.2\n", rate: .nan)?.0 == .valueOutOfRange)
    }

    @Test func nonFiniteSamplesAreRejectedOrCountedErasures() throws {
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("0.1\nnan\n0.3\n", sampleRateHertz: 250) }
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("0.1\ninf\n0.3\n", sampleRateHertz: 250) }
        let repaired = try ECGCSV.parse("0.1\nnan\nNaN\n0.4\ninf\n", sampleRateHertz: 250, nonFinite: .interpolate)
        #expect(repaired.erasedSampleCount == 3)
        #expect(repaired.recording.ecg.map { ($0 * 1000).rounded() / 1000 } == [0.1, 0.2, 0.3, 0.4, 0.4])
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("nan\nnan\n", sampleRateHertz: 250, nonFinite: .interpolate) }
    }

    @Test func malformedFilesAreErrors() {
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("", sampleRateHertz: 250) }
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("ecg_mv\n", sampleRateHertz: 250) }
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("0.1\n0.2,0.3\n", sampleRateHertz: 250) }
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("0.1\nabc\n", sampleRateHertz: 250) }
        #expect(throws: HealthDataError.self) { try ECGCSV.parse("1,2,3\n", sampleRateHertz: 250) }
        #expect(throws: HealthDataError.self) { try ECGCSV.load(contentsOfFile: "/nonexistent/ecg.csv", sampleRateHertz: 250) }
    }

    @Test func writtenSamplesLoadBack() throws {
        let text = ECGCSV.text(ecg: [0.5, -0.25, 1], sampleRateHertz: 500, includesTime: true, comments: ["test"])
        let loaded = try ECGCSV.parse(text, sampleRateHertz: 500)
        #expect(loaded.recording.ecg == [0.5, -0.25, 1])
    }
}
