import SemanticCodec
import Testing
import TensorCore

@testable import VitalSignsCodec

@Suite struct VitalsNoiseTests {
    static var catalog: SemanticNoiseCatalog { SemanticNoiseCatalog([.vitals: VitalsNoise.kinds]) }

    @Test func mapsSensorTermsToArtefactsAndSymbolTermsToPerturbations() throws {
        let spec = try Self.catalog.parse("wander:0.2,emg:0.05,powerline:0.02,motion:0.3,drop:0.1,jam:0.1", for: .vitals)
        let noise = try VitalsNoise(spec: spec)
        #expect(noise.name == "wander:0.2,emg:0.05,powerline:0.02,motion:0.3,drop:0.1,jam:0.1")
        #expect(noise.sensor.wanderMillivolts == 0.2 && noise.sensor.muscleMillivolts == 0.05)
        #expect(noise.sensor.powerlineMillivolts == 0.02 && noise.sensor.powerlineHertz == 50)
        #expect(noise.sensor.motionMillivolts == 0.3 && noise.sensor.dropRatePerSecond == 0.1)
        #expect(noise.symbols.count == 1 && noise.symbols[0].stage == .symbols)
        #expect(try VitalsNoise(spec: .none).sensor.isNone)
    }

    @Test func unknownNamesAreRejectedByTheCatalogAndTheCodec() throws {
        #expect(throws: SemanticCodecError.self) { try Self.catalog.parse("jitter:0.1", for: .vitals) }
        #expect(throws: SemanticCodecError.self) { try Self.catalog.parse("emg:2", for: .vitals) }  // rates are in [0, 1]
        let foreign = try SemanticNoiseSpec.parse("synonym:0.2")
        #expect(throws: VitalSignsCodecError.self) { try VitalsNoise(spec: foreign) }
    }
}
