/// SentencePiece's compiled character map (`precompiled_charsmap`): a Darts-clone double-array
/// trie over UTF-8 bytes whose values are offsets of NUL-terminated replacement strings.
///
/// Blob layout: a little-endian `u32` trie size in bytes, the trie's `u32` units, then the
/// replacement strings. Everything is validated when the blob is read (every trie value must
/// point at a replacement that is valid UTF-8), so lookups need no error handling.
package struct CharsMap: Sendable, Equatable {
    /// The double-array units.
    package let units: [UInt32]
    /// The replacement strings, NUL-separated.
    package let normalized: [UInt8]
    /// Byte range in `normalized` of the replacement at each value offset, keyed by offset.
    /// Ranges stop at the first NUL (or the end of the blob).
    let replacementEnd: [Int32]

    /// Parses a blob; `path` names it in errors (a JSON path or a file location).
    package init(blob: [UInt8], path: String) throws {
        func bad(_ message: String) -> TokenizerError {
            TokenizerError(.invalidField, "precompiled charsmap: \(message)", at: path)
        }
        guard blob.count >= 4 else { throw bad("the blob has \(blob.count) byte(s), fewer than the 4 of its trie size") }
        let trieBytes = Int(UInt32(blob[0]) | UInt32(blob[1]) << 8 | UInt32(blob[2]) << 16 | UInt32(blob[3]) << 24)
        let unitCount = trieBytes / 4
        guard unitCount <= (blob.count - 4) / 4 else {
            throw bad("the trie size \(trieBytes) is larger than the \(blob.count - 4) byte(s) after it")
        }
        guard unitCount > 0 else { throw bad("the trie is empty") }
        var units = [UInt32](repeating: 0, count: unitCount)
        for i in 0..<unitCount {
            let o = 4 + 4 * i
            units[i] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        let normalized = Array(blob[(4 + 4 * unitCount)...])
        guard normalized.withUnsafeBufferPointer({ UTF8Text.isValid($0) }) else { throw bad("the replacement strings are not valid UTF-8") }
        self.units = units
        self.normalized = normalized
        // End of the replacement starting at each offset (the next NUL, or the end).
        var ends = [Int32](repeating: Int32(normalized.count), count: normalized.count + 1)
        var next = normalized.count
        var i = normalized.count - 1
        while i >= 0 {
            if normalized[i] == 0 { next = i }
            ends[i] = Int32(next)
            i -= 1
        }
        self.replacementEnd = ends
        try validateValues(bad)
    }

    // Darts-clone unit fields.
    @inline(__always) static func hasLeaf(_ u: UInt32) -> Bool { (u >> 8) & 1 == 1 }
    @inline(__always) static func value(_ u: UInt32) -> Int { Int(u & 0x7FFF_FFFF) }
    @inline(__always) static func label(_ u: UInt32) -> UInt32 { u & (0x8000_0000 | 0xFF) }
    @inline(__always) static func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }

    /// Calls `body(from, label, child, next)` for every edge of the trie reachable from node
    /// `start`, each node expanded once (darts-clone shares suffix subtrees, so the trie is a DAG),
    /// until `body` returns false (then false). Labels 0...255: lookups treat NUL as a key byte.
    /// `child` is the edge's unit, `next` the node it leads to; a `next` outside the array is
    /// passed to `body` but not expanded.
    package func forEachEdge(from start: Int,
                             _ body: (_ from: Int, _ label: Int, _ child: Int, _ next: Int) throws -> Bool) rethrows -> Bool {
        guard start >= 0 && start < units.count else { return true }
        var seen = [Bool](repeating: false, count: units.count)
        var stack = [start]
        seen[start] = true
        while let pos = stack.popLast() {
            for c in 0...255 {
                let child = pos ^ c
                guard child < units.count else { continue }
                let unit = units[child]
                guard Self.label(unit) == UInt32(c) else { continue }
                let next = child ^ Self.offset(unit)
                if try !body(pos, c, child, next) { return false }
                if next < units.count && !seen[next] {
                    seen[next] = true
                    stack.append(next)
                }
            }
        }
        return true
    }

    /// The trie's root node (may be outside the array: then no key matches).
    package var root: Int { Self.offset(units[0]) }

    /// Every reachable edge (`forEachEdge`) must stay inside the array, and every value must be
    /// the offset of a UTF-8 replacement starting at a character boundary.
    private func validateValues(_ bad: (String) -> TokenizerError) throws {
        _ = try forEachEdge(from: root) { _, _, child, next in
            guard next < units.count else { throw bad("the trie does not decode: unit \(child) points outside the array") }
            if Self.hasLeaf(units[child]) {
                let v = Self.value(units[next])
                guard v <= normalized.count else {
                    throw bad("a replacement offset \(v) is past the end of the \(normalized.count) byte(s) of strings")
                }
                guard v == normalized.count || normalized[v] & 0xC0 != 0x80 else {
                    throw bad("a replacement offset \(v) is not at a character boundary")
                }
            }
            return true
        }
    }

    /// Calls `body(length, valueOffset)` for each key of the map that is a prefix of `key`,
    /// shortest first, until it returns false. With `stopAtNul` a NUL byte ends the key (as
    /// `spm_precompiled` does); without, NUL is an ordinary byte (as SentencePiece does).
    @inline(__always)
    package func forEachPrefix(of key: UnsafeBufferPointer<UInt8>, stopAtNul: Bool,
                               _ body: (_ length: Int, _ value: Int) -> Bool) {
        units.withUnsafeBufferPointer { a in
            var pos = Self.offset(a[0])
            for i in 0..<key.count {
                let c = key[i]
                if stopAtNul && c == 0 { return }
                pos ^= Int(c)
                guard pos < a.count else { return }
                let unit = a[pos]
                guard Self.label(unit) == UInt32(c) else { return }
                pos ^= Self.offset(unit)
                // Safe: validated at load, a node's target is inside the array.
                if Self.hasLeaf(unit) && !body(i + 1, Self.value(a[pos])) { return }
            }
        }
    }

    /// The replacement of the shortest key that is a prefix of `key` (the match `tokenizers`'
    /// Precompiled uses), as a byte range of `normalized`.
    @inline(__always)
    package func firstMatch(_ key: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var found: Range<Int>?
        forEachPrefix(of: key, stopAtNul: true) { _, value in
            found = replacement(at: value)
            return false
        }
        return found
    }

    /// The longest key that is a prefix of `key` and its replacement (SentencePiece's
    /// `Normalizer::NormalizePrefix` rule); NUL is an ordinary byte.
    package func longestMatch(_ key: UnsafeBufferPointer<UInt8>) -> (length: Int, replacement: Range<Int>)? {
        var best: (length: Int, replacement: Range<Int>)?
        forEachPrefix(of: key, stopAtNul: false) { length, value in
            best = (length, replacement(at: value))
            return true
        }
        return best
    }

    /// The replacement starting at value offset `value`.
    @inline(__always)
    package func replacement(at value: Int) -> Range<Int> { value..<Int(replacementEnd[value]) }
}
