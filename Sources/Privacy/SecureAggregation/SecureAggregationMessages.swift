// The messages exchanged between secure-aggregation clients and the server.

/// Round 0 (AdvertiseKeys), client → server: a client's two X25519 public keys
/// (Bonawitz et al. 2017, Figure 4: c_u^PK for share encryption, s_u^PK for pairwise masks).
public struct SecureAggregationKeyAdvertisement: Sendable, Hashable {
    /// The sender, in `0..<clientCount`.
    public let clientID: Int
    /// The 32-byte X25519 public key used to derive share-encryption keys.
    public let encryptionPublicKey: [UInt8]
    /// The 32-byte X25519 public key used to derive pairwise mask keys.
    public let maskingPublicKey: [UInt8]

    /// Creates an advertisement (as received from a transport).
    public init(clientID: Int, encryptionPublicKey: [UInt8], maskingPublicKey: [UInt8]) {
        self.clientID = clientID
        self.encryptionPublicKey = encryptionPublicKey
        self.maskingPublicKey = maskingPublicKey
    }
}

/// Round 0 result, server → clients: the advertisements of the set U1 of clients that advertised,
/// sorted by client ID.
public struct SecureAggregationKeyDirectory: Sendable, Hashable {
    /// One advertisement per client in U1, sorted by ID.
    public let advertisements: [SecureAggregationKeyAdvertisement]

    /// Creates a directory; the advertisements are sorted by client ID.
    public init(advertisements: [SecureAggregationKeyAdvertisement]) {
        self.advertisements = advertisements.sorted { $0.clientID < $1.clientID }
    }

    /// The IDs of U1, ascending.
    public var clientIDs: [Int] { advertisements.map(\.clientID) }
}

/// Round 1 (ShareKeys), client → server → client: the Shamir shares of the sender's masking secret
/// key and self-mask seed meant for one recipient, encrypted with ChaCha20-Poly1305 under a key only
/// sender and recipient can derive. The server relays it and learns nothing from it.
public struct SecureAggregationEncryptedShare: Sendable, Hashable {
    /// The client that made the shares.
    public let senderID: Int
    /// The client the shares are for.
    public let recipientID: Int
    /// The ChaCha20-Poly1305 combined box: 12-byte nonce ‖ ciphertext ‖ 16-byte tag.
    public let ciphertext: [UInt8]

    /// Creates an encrypted share (as received from a transport).
    public init(senderID: Int, recipientID: Int, ciphertext: [UInt8]) {
        self.senderID = senderID
        self.recipientID = recipientID
        self.ciphertext = ciphertext
    }
}

/// Round 2 (MaskedInputCollection), client → server: the client's input plus its self mask and
/// pairwise masks, modulo 2^b. On its own it is uniformly distributed on Z_{2^b}^L.
public struct SecureAggregationMaskedInput: Sendable, Hashable {
    /// The sender.
    public let clientID: Int
    /// `[vectorLength]` masked elements of Z_{2^b}.
    public let values: [UInt64]

    /// Creates a masked input (as received from a transport).
    public init(clientID: Int, values: [UInt64]) {
        self.clientID = clientID
        self.values = values
    }
}

/// Round 2 result, server → clients: who shared keys (U2) and whose masked inputs were counted (U3 ⊆ U2).
public struct SecureAggregationSurvivorList: Sendable, Hashable {
    /// U2, ascending: clients whose shares were relayed.
    public let sharingClientIDs: [Int]
    /// U3, ascending: clients whose masked inputs are in the sum.
    public let maskedClientIDs: [Int]

    /// Creates a survivor list (as received from a transport).
    public init(sharingClientIDs: [Int], maskedClientIDs: [Int]) {
        self.sharingClientIDs = sharingClientIDs.sorted()
        self.maskedClientIDs = maskedClientIDs.sorted()
    }
}

/// Round 3 (Unmasking), client → server: the responding client's shares of the masking secret keys
/// of the dropped clients (U2 \ U3) and of the self-mask seeds of the counted clients (U3) — never
/// both for one client, so the server can remove masks only from the sum.
public struct SecureAggregationUnmaskingResponse: Sendable, Hashable {
    /// The responding client.
    public let clientID: Int
    /// Dropped client ID → this client's share of its masking secret key.
    public let maskingKeyShares: [Int: ShamirShare]
    /// Counted client ID → this client's share of its self-mask seed.
    public let selfMaskShares: [Int: ShamirShare]

    /// Creates a response (as received from a transport).
    public init(clientID: Int, maskingKeyShares: [Int: ShamirShare], selfMaskShares: [Int: ShamirShare]) {
        self.clientID = clientID
        self.maskingKeyShares = maskingKeyShares
        self.selfMaskShares = selfMaskShares
    }
}

/// The outcome of a session: the sum of the counted clients' inputs — the only input-dependent
/// value the server ever computes.
public struct SecureAggregationResult: Sendable, Hashable {
    /// U3, ascending: the clients whose inputs are in ``sum``.
    public let clientIDs: [Int]
    /// `[vectorLength]`: Σ_{u ∈ U3} x_u mod 2^b.
    public let sum: [UInt64]
}
