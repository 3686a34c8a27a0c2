import Federated
import HealthData
import TensorCore

/// The embedded Breast Cancer Wisconsin table (683 complete rows, features ÷ 10) as a dataset.
func bcwd() throws -> FederatedDataset {
    let table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
    return try FederatedDataset(features: table.features, labels: table.labels)
}

/// A fixed 80/20 split of the table.
func bcwdSplit() throws -> (train: FederatedDataset, test: FederatedDataset) {
    let data = try bcwd()
    var rng = Xoshiro256(seed: 7)
    let split = DataSplit.stratifiedHoldOut(labels: data.labels, testFraction: 0.2, using: &rng)
    return (data.subset(split.trainIndices), data.subset(split.testIndices))
}
