/// The training words as one text of dense symbol ranks (each word followed by a 0 separator, as
/// `tokenizers` joins them with `\0`), the seed pieces found in it, and every occurrence of every
/// seed in every word. The vocabulary only shrinks during training, so the lattices of later
/// iterations are these occurrence lists filtered by which pieces are still alive: no trie is needed.
struct UnigramCorpus {
    /// One occurrence of a seed piece in a word: `len` symbols from `start` (relative to the word).
    struct Occurrence {
        var start: UInt32
        var len: UInt32
        var piece: UInt32
    }

    /// Distinct code points in increasing order; rank `r + 1` stands for `symbols[r]`, rank 0 for U+0000.
    var symbols: [UInt32] = []
    /// Ranks of all words, each followed by 0.
    var text: [UInt32] = []
    /// Where each word starts in `text`, plus one final entry (`text.count`).
    var wordStart: [Int] = []
    var counts: [Double] = []
    /// The same counts, exact.
    var rawCounts: [UInt64] = []
    /// Occurrences of word `w`: `occurrences[occStart[w] ..< occStart[w + 1]]`, sorted by (start, len).
    var occurrences: [Occurrence] = []
    var occStart: [Int] = []

    /// Seed piece `i` (0 is the trainer's internal unknown piece): its text is `pieceLength[i]`
    /// symbols of `text` from `piecePosition[i]`.
    var piecePosition: [Int] = []
    var pieceLength: [Int] = []
    /// Initial (log-probability) scores of the seeds.
    var seedScores: [Double] = []

    var wordCount: Int { counts.count }

    func wordLength(_ w: Int) -> Int { wordStart[w + 1] - wordStart[w] - 1 }

    /// The code points of seed piece `i`.
    func pieceScalars(_ i: Int) -> [UInt32] {
        let p = piecePosition[i]
        return (p..<(p + pieceLength[i])).map { text[$0] == 0 ? 0 : symbols[Int(text[$0]) - 1] }
    }

    init(words: [(word: String, count: UInt64)], maxPieceLength: Int, seedSize: Int, weightSeedsByCount: Bool = false,
         threads: Int) {
        // Symbols.
        var scalarWords: [[UInt32]] = []
        scalarWords.reserveCapacity(words.count)
        var seen = Set<UInt32>()
        for (word, count) in words where !word.isEmpty && count > 0 {
            let s = word.unicodeScalars.map { $0.value }
            for c in s where c != 0 { seen.insert(c) }
            scalarWords.append(s)
            counts.append(Double(count))
            rawCounts.append(count)
        }
        symbols = seen.sorted()
        var rankOf: [UInt32: UInt32] = [:]
        rankOf.reserveCapacity(symbols.count)
        for (i, c) in symbols.enumerated() { rankOf[c] = UInt32(i + 1) }
        var ascii = [UInt32](repeating: 0, count: 128)
        for c in symbols where c < 128 { ascii[Int(c)] = rankOf[c] ?? 0 }
        let total = scalarWords.reduce(0) { $0 + $1.count + 1 }
        text.reserveCapacity(total)
        wordStart.reserveCapacity(scalarWords.count + 1)
        for s in scalarWords {
            wordStart.append(text.count)
            for c in s { text.append(c < 128 ? ascii[Int(c)] : (rankOf[c] ?? 0)) }
            text.append(0)
        }
        wordStart.append(text.count)
        scalarWords = []

        // Characters, weighted by word counts, most frequent first (ties: larger code point first).
        var charCount = [Double](repeating: 0, count: symbols.count + 1)
        var wordOf = [Int32](repeating: 0, count: text.count)
        for w in 0..<counts.count {
            let c = counts[w]
            for p in wordStart[w]..<(wordStart[w + 1] - 1) {
                charCount[Int(text[p])] += c
                wordOf[p] = Int32(w)
            }
            wordOf[wordStart[w + 1] - 1] = Int32(w)
        }
        var charFirst = [Int](repeating: -1, count: symbols.count + 1)
        for p in stride(from: text.count - 1, through: 0, by: -1) { charFirst[Int(text[p])] = p }
        let chars = (1..<(symbols.count + 1)).filter { charCount[$0] > 0 }
            .sorted { charCount[$0] != charCount[$1] ? charCount[$0] > charCount[$1] : $0 > $1 }

        // Repeated substrings, scored by frequency × length, best first. The frequency counts
        // distinct words as `tokenizers` does, or (weightSeedsByCount) occurrences in the corpus,
        // as SentencePiece's suffix array over whole sentences does.
        let wordCounts = rawCounts
        let suffixes = SuffixArray(text, alphabetSize: symbols.count + 1)
        var substrings: [(score: UInt64, lb: Int, rb: Int, depth: Int)] = []
        text.withUnsafeBufferPointer { t in
            suffixes.forEachRepeat { depth, lb, rb in
                guard depth >= 2, depth <= maxPieceLength else { return }
                let p = Int(suffixes.sa[lb])
                for q in p..<(p + depth) where t[q] == 0 { return }
                var freq = UInt64(rb - lb + 1)
                if weightSeedsByCount {
                    freq = 0
                    for j in lb...rb { freq &+= wordCounts[Int(wordOf[Int(suffixes.sa[j])])] }
                }
                substrings.append((freq &* UInt64(depth), lb, rb, depth))
            }
            let sa = suffixes.sa
            substrings.sort { a, b in
                if a.score != b.score { return a.score > b.score }
                // Equal scores: the lexicographically larger string first (as Reverse((score, chars))).
                let pa = Int(sa[a.lb]), pb = Int(sa[b.lb])
                let m = Swift.min(a.depth, b.depth)
                for k in 0..<m where t[pa + k] != t[pb + k] { return t[pa + k] > t[pb + k] }
                return a.depth > b.depth
            }
        }
        let keep = Swift.max(0, Swift.min(substrings.count, seedSize - chars.count))

        // Seeds: the unknown piece, characters, then substrings.
        piecePosition = [0]
        pieceLength = [0]
        var raw: [Double] = []
        var charPiece = [UInt32](repeating: 0, count: symbols.count + 1)
        for c in chars {
            charPiece[c] = UInt32(piecePosition.count)
            piecePosition.append(charFirst[c])
            pieceLength.append(1)
            raw.append(charCount[c])
        }
        for s in substrings[0..<keep] {
            piecePosition.append(Int(suffixes.sa[s.lb]))
            pieceLength.append(s.depth)
            raw.append(Double(s.score))
        }
        let logSum = UnigramMath.log(raw.reduce(0, +))
        seedScores = [Double.nan] + raw.map { UnigramMath.log($0) - logSum }

        // Occurrences: every character position, and every position of every substring seed.
        var perWord = [Int](repeating: 0, count: counts.count + 1)
        for w in 0..<counts.count { perWord[w] = wordLength(w) }
        for s in substrings[0..<keep] {
            for j in s.lb...s.rb { perWord[Int(wordOf[Int(suffixes.sa[j])])] += 1 }
        }
        occStart = [Int](repeating: 0, count: counts.count + 1)
        var acc = 0
        for w in 0..<counts.count { occStart[w] = acc; acc += perWord[w] }
        occStart[counts.count] = acc
        var fill = occStart
        occurrences = [Occurrence](repeating: Occurrence(start: 0, len: 0, piece: 0), count: acc)
        for w in 0..<counts.count {
            let base = wordStart[w]
            for p in base..<(wordStart[w + 1] - 1) {
                occurrences[fill[w]] = Occurrence(start: UInt32(p - base), len: 1, piece: charPiece[Int(text[p])])
                fill[w] += 1
            }
        }
        for (k, s) in substrings[0..<keep].enumerated() {
            let piece = UInt32(1 + chars.count + k)
            for j in s.lb...s.rb {
                let p = Int(suffixes.sa[j])
                let w = Int(wordOf[p])
                occurrences[fill[w]] = Occurrence(start: UInt32(p - wordStart[w]), len: UInt32(s.depth), piece: piece)
                fill[w] += 1
            }
        }
        // Sort each word's occurrences by (start, len), in parallel (each word is its own slice).
        let shared = SharedBuffer(repeating: Occurrence(start: 0, len: 0, piece: 0), count: acc)
        for i in 0..<acc { shared[i] = occurrences[i] }
        let bounds = occStart
        let chunk = 512
        let nWords = counts.count
        Parallel.forEach((nWords + chunk - 1) / chunk, threads: threads) { c in
            for w in (c * chunk)..<Swift.min(nWords, (c + 1) * chunk) {
                var slice = UnsafeMutableBufferPointer(rebasing: shared.pointer[bounds[w]..<bounds[w + 1]])
                slice.sort { $0.start != $1.start ? $0.start < $1.start : $0.len < $1.len }
            }
        }
        occurrences = shared.toArray(acc)
    }

    /// Drops the occurrences of dead pieces (character occurrences stay: they become unknowns).
    mutating func compact(alive: [Bool]) {
        var out: [Occurrence] = []
        out.reserveCapacity(occurrences.count)
        var newStart = [Int](repeating: 0, count: occStart.count)
        for w in 0..<wordCount {
            newStart[w] = out.count
            for i in occStart[w]..<occStart[w + 1] {
                let o = occurrences[i]
                if o.len == 1 || alive[Int(o.piece)] { out.append(o) }
            }
        }
        newStart[wordCount] = out.count
        occurrences = out
        occStart = newStart
    }
}
