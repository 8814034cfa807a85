extension Decoders {
    /// `Fuse` joins every token into one string (`TokenDecoder.fuse`).
    public enum Fuse {
        /// The single-string result of `Fuse` over `tokens`.
        public static func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
    }
}
