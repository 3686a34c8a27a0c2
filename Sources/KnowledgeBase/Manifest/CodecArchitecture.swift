// The structure of the codec that a knowledge base's tensors belong to.

/// The codec's networks and channel interface, as structured data.
///
/// Free-form on purpose: ``Layer/kind`` and ``Layer/options`` are strings, so a new layer type needs no
/// format change. ``Layer/tensors`` names the tensor sections holding the layer's parameters.
public struct CodecArchitecture: Codable, Sendable, Hashable {
    /// The encoder's layers, input first.
    public var encoder: [Layer]
    /// The decoder's layers, input (channel output) first.
    public var decoder: [Layer]
    /// Real channel uses per sample (the bandwidth *k*; a complex symbol is two).
    public var channelUsesPerSample: Int
    /// The power normalization before the channel, e.g. `"average_power"` (E‖x‖² = k per sample).
    public var powerNormalization: String

    /// Creates an architecture description.
    public init(encoder: [Layer], decoder: [Layer], channelUsesPerSample: Int, powerNormalization: String) {
        self.encoder = encoder
        self.decoder = decoder
        self.channelUsesPerSample = channelUsesPerSample
        self.powerNormalization = powerNormalization
    }

    enum CodingKeys: String, CodingKey {
        case encoder, decoder
        case channelUsesPerSample = "channel_uses_per_sample"
        case powerNormalization = "power_normalization"
    }

    /// One layer of a network.
    public struct Layer: Codable, Sendable, Hashable {
        /// The layer type, e.g. `"dense"`, `"relu"`, `"layer_norm"`.
        public var kind: String
        /// Input features, if the layer has a fixed size.
        public var inputSize: Int?
        /// Output features, if the layer has a fixed size.
        public var outputSize: Int?
        /// The names of the tensor sections holding this layer's parameters, in the layer's parameter order.
        public var tensors: [String]
        /// Other settings (activation, dropout rate, …) as strings.
        public var options: [String: String]

        /// Creates a layer description.
        public init(
            kind: String, inputSize: Int? = nil, outputSize: Int? = nil, tensors: [String] = [],
            options: [String: String] = [:]
        ) {
            self.kind = kind
            self.inputSize = inputSize
            self.outputSize = outputSize
            self.tensors = tensors
            self.options = options
        }

        enum CodingKeys: String, CodingKey {
            case kind
            case inputSize = "input_size"
            case outputSize = "output_size"
            case tensors, options
        }
    }
}
