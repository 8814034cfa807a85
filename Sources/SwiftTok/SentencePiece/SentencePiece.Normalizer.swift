extension SentencePiece {
    /// SentencePiece's normalizer (`normalizer::Normalizer`): the charsmap's longest-prefix rules over
    /// UTF-8 bytes, user-defined symbols kept verbatim, leading/trailing/repeated space removal,
    /// the dummy prefix and `▁` for spaces. It records, for each normalized byte, the original
    /// byte offset it came from (`norm_to_orig`).
    struct Normalizer: Sendable {
        let charsMap: CharsMap?
        /// User-defined symbols, matched before the charsmap and copied as they are.
        let userDefined: Trie?
        let addDummyPrefix: Bool
        let removeExtraWhitespaces: Bool
        let escapeWhitespaces: Bool
        let treatWhitespaceAsSuffix: Bool

        static let space: [UInt8] = [0xE2, 0x96, 0x81]
        static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

        init(spec: SentencePieceModelProto.NormalizerSpec, treatWhitespaceAsSuffix: Bool,
             userDefined: Trie?, path: String) throws {
            charsMap = spec.precompiledCharsmap.isEmpty
                ? nil : try CharsMap(blob: spec.precompiledCharsmap, path: path + ".precompiled_charsmap")
            self.userDefined = userDefined
            addDummyPrefix = spec.addDummyPrefix
            removeExtraWhitespaces = spec.removeExtraWhitespaces
            escapeWhitespaces = spec.escapeWhitespaces
            self.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix
        }

        /// One normalization step at `input[pos...]`: the replacement (a range of the input, or of
        /// the charsmap's strings, or U+FFFD) and how many input bytes it consumes.
        enum Source { case input, table, replacementCharacter }

        @inline(__always)
        func prefix(_ input: UnsafeBufferPointer<UInt8>, at pos: Int) -> (source: Source, range: Range<Int>, consumed: Int) {
            if let ud = userDefined {
                let n = ud.longestPrefix(input, from: pos)
                if n > 0 { return (.input, pos..<(pos + n), n) }
            }
            if let map = charsMap {
                if let m = map.longestMatch(UnsafeBufferPointer(rebasing: input[pos...])) {
                    return (.table, m.replacement, m.length)
                }
            }
            let rest = UnsafeBufferPointer(rebasing: input[pos...])
            let len = UTF8Text.sequenceLength(lead: input[pos])
            if len == 0 || len > rest.count || !UTF8Text.isValid(UnsafeBufferPointer(rebasing: rest[0..<len])) {
                return (.replacementCharacter, 0..<3, 1)
            }
            return (.input, pos..<(pos + len), len)
        }

        /// True when a normalization step produces exactly one space.
        @inline(__always)
        private func isSingleSpace(_ step: (source: Source, range: Range<Int>, consumed: Int),
                                   _ input: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<UInt8>) -> Bool {
            guard step.range.count == 1 else { return false }
            switch step.source {
            case .input: return input[step.range.lowerBound] == 0x20
            case .table: return table[step.range.lowerBound] == 0x20
            case .replacementCharacter: return false
            }
        }

        /// Normalizes `input`; with `offsets`, `normToOrig` gets one entry per normalized byte plus one.
        ///
        /// With `continuation`, `input` is a stretch that follows, inside a longer text, a step whose
        /// output ends with a byte that is not a space (see `SentencePiece.FastCuts`): no leading
        /// spaces are removed, no dummy prefix is added, and the first step is not after a space.
        /// The result is then the part of the whole text's normalization that comes from `input`.
        func normalize(_ input: UnsafeBufferPointer<UInt8>, into normalized: inout [UInt8],
                       normToOrig: inout [Int32], offsets: Bool, continuation: Bool = false) {
            normalized.removeAll(keepingCapacity: true)
            normToOrig.removeAll(keepingCapacity: true)
            if input.isEmpty { return }
            let emptyTable: [UInt8] = []
            let tableBytes = charsMap?.normalized ?? emptyTable
            tableBytes.withUnsafeBufferPointer { table in
                var pos = 0
                var consumed = 0
                if removeExtraWhitespaces && !continuation {
                    while pos < input.count {
                        let step = prefix(input, at: pos)
                        if !isSingleSpace(step, input, table) { break }
                        pos += step.consumed
                        consumed += step.consumed
                    }
                }
                if pos >= input.count { return }
                normalized.reserveCapacity((input.count - pos) * 3 / 2 + 8)
                if offsets { normToOrig.reserveCapacity((input.count - pos) * 3 / 2 + 8) }

                func addSpace() {
                    if escapeWhitespaces {
                        normalized.append(contentsOf: Self.space)
                        if offsets { for _ in 0..<3 { normToOrig.append(Int32(consumed)) } }
                    } else {
                        normalized.append(0x20)
                        if offsets { normToOrig.append(Int32(consumed)) }
                    }
                }
                if !treatWhitespaceAsSuffix && addDummyPrefix && !continuation { addSpace() }

                var isPrevSpace = removeExtraWhitespaces && !continuation
                while pos < input.count {
                    let step = prefix(input, at: pos)
                    if step.source == .replacementCharacter {
                        // Malformed UTF-8 (never from validated input): U+FFFD for one byte.
                        normalized.append(contentsOf: Self.replacementCharacter)
                        if offsets { for _ in 0..<3 { normToOrig.append(Int32(consumed)) } }
                        isPrevSpace = false
                        consumed += 1
                        pos += 1
                        continue
                    }
                    let src = step.source == .table ? table : input
                    var r = step.range
                    if isPrevSpace {
                        while !r.isEmpty && src[r.lowerBound] == 0x20 { r = (r.lowerBound + 1)..<r.upperBound }
                    }
                    if !r.isEmpty {
                        for i in r {
                            let b = src[i]
                            if escapeWhitespaces && b == 0x20 {
                                normalized.append(contentsOf: Self.space)
                                if offsets { for _ in 0..<3 { normToOrig.append(Int32(consumed)) } }
                            } else {
                                normalized.append(b)
                                if offsets { normToOrig.append(Int32(consumed)) }
                            }
                        }
                        isPrevSpace = src[r.upperBound - 1] == 0x20
                    }
                    consumed += step.consumed
                    pos += step.consumed
                    if !removeExtraWhitespaces { isPrevSpace = false }
                }

                if removeExtraWhitespaces {
                    let sp: [UInt8] = escapeWhitespaces ? Self.space : [0x20]
                    while normalized.count >= sp.count && normalized.suffix(sp.count).elementsEqual(sp) {
                        let length = normalized.count - sp.count
                        if offsets { consumed = Int(normToOrig[length]); normToOrig.removeLast(sp.count) }
                        normalized.removeLast(sp.count)
                    }
                }
                if treatWhitespaceAsSuffix && addDummyPrefix && !continuation { addSpace() }
                if offsets { normToOrig.append(Int32(consumed)) }
            }
        }

        /// Normalizes a whole string (the denormalizer's use).
        func normalize(_ text: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var map: [Int32] = []
            text.withUnsafeBufferPointer { normalize($0, into: &out, normToOrig: &map, offsets: false) }
            return out
        }
    }
}
