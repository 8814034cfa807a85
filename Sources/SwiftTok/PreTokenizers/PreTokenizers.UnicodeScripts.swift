extension PreTokenizers {
    /// Splits where the Unicode script changes; Hiragana, Katakana, Hangul and U+30FC count as
    /// Han, and the space (and every character `tokenizers`' own script table lacks) belongs to
    /// any script. The classes are probed from `tokenizers` (make_script_table.py).
    public struct UnicodeScripts: Sendable, Equatable {
        /// The pre-tokenizer (it has no settings).
        public init() {}
        /// Reads `{"type": "UnicodeScripts"}`.
        public init(json f: JSONFields) throws {}
        /// The tokenizer.json object.
        public var json: JSON { .object(JSONObject([("type", .string("UnicodeScripts"))])) }

        static let tables = ReferenceUnicode.twoStage(ReferenceUnicode.decodeRuns(runData, valueDigits: 2))
        static let stage1: [UInt32] = tables.0
        static let stage2: [UInt16] = tables.1
        /// The class of characters that never cause a cut.
        static let any: UInt16 = 0

        /// `tokenizers`' `fixed_script`, as a class number (equal numbers: same script).
        @inline(__always)
        static func script(_ s: UInt32) -> UInt16 {
            guard s < 0x110000 else { return any }
            return stage2[Int(stage1[Int(s >> 8)] + (s & 0xFF))]
        }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, n in
                // As in `tokenizers`, a cut is made before a scalar whose script differs from the
                // last non-space one; text before the first cut (leading spaces) is dropped.
                var cuts: [Int] = []
                var last: UInt16? = nil
                n.normalized.withUnsafeBufferPointer { p in
                    var i = 0
                    while i < p.count {
                        let (s, len) = UTF8Text.decode(p, at: i)
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
