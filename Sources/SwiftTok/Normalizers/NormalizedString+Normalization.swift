/// The `NormalizedString` edits that normalizers build on, each producing the same
/// `(scalar, change)` stream as the method of the same name in `tokenizers`' normalizer.rs,
/// so alignments (and encoding offsets) come out identical.
extension NormalizedString {
    typealias Changes = [(scalar: UInt32, change: Int)]

    /// True when every byte is ASCII.
    var isASCII: Bool {
        normalized.withUnsafeBufferPointer { p in
            var acc: UInt8 = 0
            for b in p { acc |= b }
            return acc < 0x80
        }
    }

    /// `tokenizers`' `lowercase`: Rust's `char::to_lowercase` per scalar, extra scalars inserted.
    mutating func lowercaseLikeReference() {
        if isASCII {
            // One byte for one byte keeps every alignment, as the reference's transform does.
            normalized.withUnsafeMutableBufferPointer { p in
                for i in p.indices where p[i] >= 0x41 && p[i] <= 0x5A { p[i] |= 0x20 }
            }
            return
        }
        let all = scalars
        var changes: Changes = []
        changes.reserveCapacity(all.count + 8)
        var changed = false
        let table = NormalizerTables.data.lowercase
        for s in all {
            if s < 0x80 {
                let l = (s >= 0x41 && s <= 0x5A) ? s | 0x20 : s
                changed = changed || l != s
                changes.append((l, 0))
            } else if let mapped = table.lookup(s) {
                changed = true
                var first = true
                for l in mapped {
                    changes.append((l, first ? 0 : 1))
                    first = false
                }
            } else {
                changes.append((s, 0))
            }
        }
        guard changed else { return }
        transform(changes, initialOffset: 0)
    }

    /// `tokenizers`' `lstrip` / `rstrip` / `strip`: removes leading and/or trailing whitespace
    /// (Rust's `char::is_whitespace`).
    mutating func stripLikeReference(left: Bool, right: Bool) {
        let all = scalars
        let isSpace = { (s: UInt32) in NormalizerTables.flags(s) & NormalizerTables.whitespace != 0 }
        var leading = 0
        if left { while leading < all.count && isSpace(all[leading]) { leading += 1 } }
        var trailing = 0
        if right { while trailing < all.count && isSpace(all[all.count - 1 - trailing]) { trailing += 1 } }
        guard leading > 0 || trailing > 0 else { return }
        let keepEnd = all.count - trailing
        var changes: Changes = []
        if leading < keepEnd {
            changes.reserveCapacity(keepEnd - leading)
            for i in leading..<keepEnd {
                changes.append((all[i], i == keepEnd - 1 ? -trailing : 0))
            }
        }
        transform(changes, initialOffset: leading)
    }

    /// `tokenizers`' `replace`: every match of `regex` becomes `content`, whose scalars are
    /// inserted after the match's removal (so they share the alignment of its last byte).
    ///
    /// One pass that writes the new text and alignments, with the alignments that
    /// `replaceMatchByMatch` (the reference's edit per match) gives: the content of a match takes
    /// the alignment of the match's last byte, or for an empty match that of the byte written
    /// before it ((0, 0) at the start). Editing in place per match moved the rest of the text for
    /// each match: hours for a text of a few MB with a space per word (llama2's `" "` → `"▁"`).
    mutating func replaceLikeReference(_ regex: Regex, content: [UInt32]) throws {
        let pieces = try regex.splitPieces(normalized)
        guard pieces.contains(where: \.isMatch) else { return }
        var contentBytes: [UInt8] = []
        for s in content { UTF8Text.appendScalar(s, to: &contentBytes) }
        var newBytes: [UInt8] = []
        var newAlignments: [Alignment] = []
        newBytes.reserveCapacity(normalized.count)
        newAlignments.reserveCapacity(normalized.count)
        for piece in pieces {
            if !piece.isMatch {
                newBytes.append(contentsOf: normalized[piece.range])
                newAlignments.append(contentsOf: alignments[piece.range])
                continue
            }
            let align = piece.range.isEmpty ? (newAlignments.last ?? Alignment(0, 0)) : alignments[piece.range.upperBound - 1]
            newBytes.append(contentsOf: contentBytes)
            for _ in contentBytes.indices { newAlignments.append(align) }
        }
        normalized = newBytes
        alignments = newAlignments
    }

    /// `replaceLikeReference` as the reference writes it, one `transformRange` per match: the
    /// simple implementation the one-pass one is tested against.
    mutating func replaceMatchByMatch(_ regex: Regex, content: [UInt32]) throws {
        let pieces = try regex.splitPieces(normalized)
        var shift = 0
        var contentLength = 0
        for s in content { contentLength += UTF8Text.length(ofScalar: s) }
        let changes: Changes = content.map { ($0, 1) }
        for piece in pieces where piece.isMatch {
            let start = Swift.max(0, piece.range.lowerBound + shift)
            let end = Swift.max(0, piece.range.upperBound + shift)
            let removed = normalized.withUnsafeBufferPointer { p in
                UTF8Text.scalarCount(UnsafeBufferPointer(rebasing: p[start..<end]))
            }
            transformRange(start..<end, changes, initialOffset: removed)
            shift += contentLength - piece.range.count
        }
    }
}
