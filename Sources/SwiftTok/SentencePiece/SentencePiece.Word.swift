extension SentencePiece {
    /// The WORD and CHAR models (`word::Model`, `character::Model`): WORD cuts the normalized
    /// text before each `▁` (after it with treat_whitespace_as_suffix, spm's `SplitIntoWords`),
    /// CHAR into single characters; each part is then looked up whole with `PieceToId`
    /// (reserved pieces, then the others, else unknown). CHAR keeps user-defined symbols whole.
    func simpleSegments(_ text: UnsafeBufferPointer<UInt8>, into out: inout [(Int, Int, Int32)]) {
        let n = text.count
        func isSpace(_ i: Int) -> Bool {
            i + 2 < n && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81
        }
        func emit(_ start: Int, _ end: Int) {
            let piece = UnsafeBufferPointer(rebasing: text[start..<end])
            var id = reserved.id(piece)
            if id == nil {
                switch algorithm {
                case .word(let t), .char(let t, _): id = t.id(piece)
                default: break
                }
            }
            out.append((start, end, id ?? unkId))
        }
        var at = 0
        var wordStart = 0
        var isChar = false
        var userDefined: Trie? = nil
        if case .char(_, let ud) = algorithm { isChar = true; userDefined = ud }
        let suffix = proto.trainerSpec.treatWhitespaceAsSuffix
        while at < n {
            var len = Swift.min(UTF8Text.oneCharLen(text[at]), n - at)
            if isChar {
                // spm's PrefixMatcher: the longest user-defined symbol here, else one character.
                if let ud = userDefined { len = Swift.max(len, ud.longestPrefix(text, from: at)) }
                emit(at, at + len)
            } else if suffix {
                // A `▁` ends the current word.
                if len == 3 && isSpace(at) {
                    emit(wordStart, at + len)
                    wordStart = at + len
                }
            } else if at > 0 && len == 3 && isSpace(at) {
                // A `▁` starts a new word.
                emit(wordStart, at)
                wordStart = at
            }
            at += len
        }
        if !isChar && wordStart < n { emit(wordStart, n) }
    }
}
