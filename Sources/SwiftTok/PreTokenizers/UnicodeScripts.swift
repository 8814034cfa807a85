extension PreTokenizers {
    /// Splits where the Unicode script changes; Hiragana, Katakana, Hangul and U+30FC count as
    /// Han, and the space belongs to any script.
    public struct UnicodeScripts: Sendable, Equatable {
        /// The pre-tokenizer (it has no settings).
        public init() {}
        /// Reads `{"type": "UnicodeScripts"}`.
        public init(json f: JSONFields) throws {}
        /// The tokenizer.json object.
        public var json: JSON { .object(JSONObject([("type", .string("UnicodeScripts"))])) }

        static let any: Int32 = -2
        static let han: Int32 = 17

        /// `tokenizers`' `fixed_script` over ICU script codes.
        static func script(_ s: UInt32) -> Int32 {
            if s == 0x30FC { return han }
            if s == 0x20 { return any }
            let raw = UnicodeProperties.script(s)
            switch raw {
            case 18, 20, 22: return han  // Hangul, Hiragana, Katakana
            default: return raw
            }
        }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, n in
                // As in `tokenizers`, a cut is made before a scalar whose script differs from the
                // last non-space one; text before the first cut (leading spaces) is dropped.
                var cuts: [Int] = []
                var last: Int32? = nil
                n.normalized.withUnsafeBufferPointer { p in
                    var i = 0
                    while i < p.count {
                        let (s, len) = UTF8.decode(p, at: i)
                        let sc = UnicodeScripts.script(s)
                        if sc != UnicodeScripts.any && last != UnicodeScripts.any && last != sc { cuts.append(i) }
                        if sc != UnicodeScripts.any { last = sc }
                        i += len
                    }
                }
                cuts.append(n.normalized.count)
                var pieces: [NormalizedString] = []
                for k in 0..<(cuts.count - 1) {
                    if let s = n.slice(normalized: cuts[k]..<cuts[k + 1]) { pieces.append(s) }
                }
                return pieces
            }
        }
    }
}
