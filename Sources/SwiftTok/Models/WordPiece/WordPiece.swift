extension Models {
    /// WordPiece (tokenizer.json `"type": "WordPiece"`), as `tokenizers`' `models::wordpiece`:
    /// greedy longest match from the left, continuation pieces carrying the prefix (`##`); a
    /// word with a part that matches nothing becomes the unknown token as a whole.
    public struct WordPiece: Sendable {
        /// Token strings ↔ ids.
        public let vocab: Vocabulary
        public let unkToken: String
        public let continuingSubwordPrefix: String
        /// Words longer than this (in characters) become the unknown token.
        public let maxInputCharsPerWord: Int

        /// Token strings, indexed by the trie's terminals.
        let strings: [String]
        let stringIds: [UInt32]
        let trie: ByteTrie
        /// Roots of the trie of whole tokens (word start) and of prefixed tokens with the
        /// prefix removed (continuations).
        let wordRoot: UInt32
        let continuationRoot: UInt32

        /// Builds a model from a vocabulary.
        public init(vocab: Vocabulary, unkToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
                    maxInputCharsPerWord: Int = 100) {
            self.vocab = vocab
            self.unkToken = unkToken
            self.continuingSubwordPrefix = continuingSubwordPrefix
            self.maxInputCharsPerWord = maxInputCharsPerWord
            var strings: [String] = []
            var ids: [UInt32] = []
            var trie = ByteTrie()
            let wordRoot = trie.addNode()
            let continuationRoot = trie.addNode()
            let prefix = Array(continuingSubwordPrefix.utf8)
            vocab.table.forEach { key, id in
                let index = Int32(strings.count)
                strings.append(String(decoding: key, as: Unicode.UTF8.self))
                ids.append(id)
                trie.insert(key, from: wordRoot, terminal: index)
                if key.count > prefix.count && key.starts(with: prefix) {
                    trie.insert(UnsafeBufferPointer(rebasing: key[prefix.count...]), from: continuationRoot, terminal: index)
                }
            }
            self.strings = strings
            self.stringIds = ids
            self.trie = trie
            self.wordRoot = wordRoot
            self.continuationRoot = continuationRoot
        }

        /// Reads a tokenizer.json WordPiece model.
        public init(json: JSON, path: String) throws {
            let f = try JSONFields(json, path: path)
            let vocab = try Vocabulary(json: try f.required("vocab"), path: f.childPath("vocab"))
            let maxChars = try f.int("max_input_chars_per_word")
            guard maxChars >= 0 else {
                throw f.invalid("max_input_chars_per_word", "expected a non-negative integer, found \(maxChars)")
            }
            self.init(vocab: vocab, unkToken: try f.string("unk_token"),
                      continuingSubwordPrefix: try f.string("continuing_subword_prefix"),
                      maxInputCharsPerWord: maxChars)
        }

        /// The model as tokenizer.json writes it.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("WordPiece")),
                ("unk_token", .string(unkToken)),
                ("continuing_subword_prefix", .string(continuingSubwordPrefix)),
                ("max_input_chars_per_word", .int(Int64(maxInputCharsPerWord))),
                ("vocab", vocab.json),
            ]))
        }

        /// The tokens of one piece; offsets are byte ranges of `piece.normalized`.
        public func tokenize(_ piece: NormalizedString) throws -> [Token] {
            try piece.normalized.withUnsafeBufferPointer { input in
                var tokens: [Token] = []
                try encode(input) { index, range in
                    if index < 0 {
                        tokens = [Token(id: try unkId(), value: unkToken, offsets: range)]
                    } else {
                        tokens.append(Token(id: stringIds[index], value: strings[index], offsets: range))
                    }
                }
                return tokens
            }
        }

        /// Appends the ids of the piece with UTF-8 `bytes` to `out`.
        public func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) throws {
            let start = out.count
            try encode(bytes) { index, _ in
                if index < 0 {
                    out.removeSubrange(start...)
                    out.append(try unkId())
                } else {
                    out.append(stringIds[index])
                }
            }
        }

        func unkId() throws -> UInt32 {
            guard let id = vocab.id(unkToken) else {
                throw TokenizerError(.unknownToken, "WordPiece: unknown token '\(unkToken)' is not in the vocabulary")
            }
            return id
        }

        /// Reports each piece (string index, byte range); a word that cannot be split is
        /// reported once more as index -1 over the whole word, after which callers replace
        /// what they collected.
        @inline(__always)
        func encode(_ input: UnsafeBufferPointer<UInt8>, _ emit: (Int, Range<Int>) throws -> Void) throws {
            let n = input.count
            if n == 0 { return }
            if UTF8Text.scalarCount(input) > maxInputCharsPerWord {
                try emit(-1, 0..<n)
                return
            }
            var start = 0
            while start < n {
                var node = start == 0 ? wordRoot : continuationRoot
                var bestEnd = -1
                var best: Int32 = -1
                var j = start
                while j < n {
                    guard let child = trie.child(node, input[j]) else { break }
                    node = child
                    j += 1
                    let t = trie.terminal(node)
                    if t >= 0 {
                        bestEnd = j
                        best = t
                    }
                }
                if best < 0 {
                    try emit(-1, 0..<n)
                    return
                }
                try emit(Int(best), start..<bestEnd)
                start = bestEnd
            }
        }

        /// The id of `token`.
        public func tokenToId(_ token: String) -> UInt32? { vocab.id(token) }
        /// The token of `id`.
        public func idToToken(_ id: UInt32) -> String? { vocab.token(id) }
    }
}

/// A byte trie with its edges in one open-addressing table keyed by (node, byte).
struct ByteTrie: Sendable {
    private var terminals: [Int32] = []
    /// Edge key `node << 8 | byte` + 1 (0 = empty slot) and child node.
    private var keys: [UInt64] = []
    private var children: [UInt32] = []
    private var edgeCount = 0

    init() {
        keys = [UInt64](repeating: 0, count: 1024)
        children = [UInt32](repeating: 0, count: 1024)
    }

    mutating func addNode() -> UInt32 {
        terminals.append(-1)
        return UInt32(terminals.count - 1)
    }

    @inline(__always)
    func terminal(_ node: UInt32) -> Int32 { terminals[Int(node)] }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func child(_ node: UInt32, _ byte: UInt8) -> UInt32? {
        let key = (UInt64(node) << 8 | UInt64(byte)) + 1
        let mask = keys.count - 1
        var i = ByteTrie.slot(key, mask)
        while true {
            let k = keys[i]
            if k == key { return children[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Adds `key` below `root`; the node it ends at gets `terminal` unless it already has one
    /// (the first string inserted keeps a node).
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, from root: UInt32, terminal: Int32) {
        var node = root
        for b in key {
            if let c = child(node, b) {
                node = c
            } else {
                let c = addNode()
                addEdge(node, b, c)
                node = c
            }
        }
        if terminals[Int(node)] < 0 { terminals[Int(node)] = terminal }
    }

    private mutating func addEdge(_ node: UInt32, _ byte: UInt8, _ child: UInt32) {
        if (edgeCount + 1) * 2 > keys.count { grow() }
        let key = (UInt64(node) << 8 | UInt64(byte)) + 1
        let mask = keys.count - 1
        var i = ByteTrie.slot(key, mask)
        while keys[i] != 0 { i = (i + 1) & mask }
        keys[i] = key
        children[i] = child
        edgeCount += 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldChildren = children
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        children = [UInt32](repeating: 0, count: oldKeys.count * 2)
        let mask = keys.count - 1
        for (k, c) in zip(oldKeys, oldChildren) where k != 0 {
            var i = ByteTrie.slot(k, mask)
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = k
            children[i] = c
        }
    }
}
