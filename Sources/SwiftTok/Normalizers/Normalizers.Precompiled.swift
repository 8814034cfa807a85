extension Normalizers {
    /// SentencePiece's precompiled character map: not supported yet.
    enum Precompiled {
        /// Always throws: the charsmap normalizer is a later issue.
        static func unsupported(at path: String) -> TokenizerError {
            TokenizerError(.unsupported, "the Precompiled (SentencePiece charsmap) normalizer is not supported yet", at: path + ".type")
        }
    }
}
