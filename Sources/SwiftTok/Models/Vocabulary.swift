extension Models {
    /// A model's vocabulary: token strings to ids and back, looked up by UTF-8 byte slices.
    public struct Vocabulary: Sendable {
        let table: ByteSliceTable
        /// Token of each id when ids are dense enough; nil entries are holes.
        private let dense: [String?]
        /// Token of each id when ids are too sparse for `dense`.
        private let sparse: [UInt32: String]

        /// True when two token strings share an id.
        public let hasSharedIds: Bool

        /// Number of distinct token strings (`get_vocab_size`).
        public var count: Int { table.count }

        /// Builds a vocabulary; for a repeated token the last id wins, and for an id given to
        /// several tokens the last token wins (as `tokenizers`' maps built by inserts).
        public init(_ entries: [(String, UInt32)]) {
            table = ByteSliceTable(entries.map { (Array($0.0.utf8), $0.1) })
            var maxId: UInt32 = 0
            for (_, id) in entries { maxId = Swift.max(maxId, id) }
            // Keep only the entries the table kept (last id per token).
            var kept: [(String, UInt32)] = []
            kept.reserveCapacity(entries.count)
            for (t, id) in entries where table.get(t) == id { kept.append((t, id)) }
            var distinct = Set<UInt32>()
            distinct.reserveCapacity(kept.count)
            for (_, id) in kept { distinct.insert(id) }
            hasSharedIds = distinct.count != table.count
            if Int(maxId) <= kept.count * 4 + 1024 {
                var d = [String?](repeating: nil, count: entries.isEmpty ? 0 : Int(maxId) + 1)
                for (t, id) in kept { d[Int(id)] = t }
                dense = d
                sparse = [:]
            } else {
                var s: [UInt32: String] = [:]
                for (t, id) in kept { s[id] = t }
                dense = []
                sparse = s
            }
        }

        /// Reads a `{"token": id, ...}` object; errors name the offending entry's JSON path.
        public init(json: JSON, path: String) throws {
            guard case .object(let object) = json else {
                throw TokenizerError(.invalidField, "expected an object mapping tokens to ids, found \(json.kindName)", at: path)
            }
            var entries: [(String, UInt32)] = []
            entries.reserveCapacity(object.count)
            for key in object.keys {
                let value = object[key] ?? .null
                guard case .int(let i) = value, i >= 0, i <= Int64(UInt32.max) else {
                    throw TokenizerError(.invalidVocabulary, "expected an id (an integer from 0 to 4294967295), found \(value == .null ? "null" : value.kindName)",
                                         at: Vocabulary.entryPath(path, key))
                }
                entries.append((key, UInt32(i)))
            }
            self.init(entries)
        }

        static func entryPath(_ path: String, _ key: String) -> String {
            var quoted: [UInt8] = []
            JSON.writeString(key, to: &quoted)
            return "\(path)[\(String(decoding: quoted, as: Unicode.UTF8.self))]"
        }

        /// The id of the token with these UTF-8 bytes.
        @inline(__always)
        public func id(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? { table.get(bytes) }

        /// The id of `token`.
        public func id(_ token: String) -> UInt32? { table.get(token) }

        /// The token of `id`.
        @inline(__always)
        public func token(_ id: UInt32) -> String? {
            if !dense.isEmpty || sparse.isEmpty {
                let i = Int(id)
                return i < dense.count ? dense[i] : nil
            }
            return sparse[id]
        }

        /// Every (token, id) with a token for its id, ordered by id (what `tokenizers` writes).
        public var orderedEntries: [(String, UInt32)] {
            if !dense.isEmpty || sparse.isEmpty {
                var out: [(String, UInt32)] = []
                out.reserveCapacity(count)
                for (i, t) in dense.enumerated() { if let t { out.append((t, UInt32(i))) } }
                return out
            }
            return sparse.sorted { $0.key < $1.key }.map { ($0.value, $0.key) }
        }

        /// The vocabulary as a JSON object ordered by id.
        public var json: JSON {
            var o = JSONObject()
            for (t, id) in orderedEntries { o[t] = .int(Int64(id)) }
            return .object(o)
        }

        /// Token to id for every token, keyed by exact token text (canonically equivalent tokens
        /// such as Llama 2's "ύ" U+1F7B and U+03CD stay distinct).
        public var dictionary: [ExactString: UInt32] {
            var d: [ExactString: UInt32] = [:]
            d.reserveCapacity(count)
            table.forEach { bytes, id in d[ExactString(String(decoding: bytes, as: Unicode.UTF8.self))] = id }
            return d
        }
    }
}
