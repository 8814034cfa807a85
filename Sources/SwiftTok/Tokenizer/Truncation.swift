/// How to shorten encodings that are too long (tokenizer.json `truncation`).
public struct TruncationParams: Sendable, Equatable {
    public enum Strategy: String, Sendable {
        case longestFirst = "LongestFirst", onlyFirst = "OnlyFirst", onlySecond = "OnlySecond"
    }

    public var maxLength: Int
    public var stride: Int = 0
    public var strategy: Strategy = .longestFirst
    public var direction: TruncationDirection = .right

    public init(maxLength: Int, stride: Int = 0, strategy: Strategy = .longestFirst, direction: TruncationDirection = .right) {
        self.maxLength = maxLength
        self.stride = stride
        self.strategy = strategy
        self.direction = direction
    }

    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        maxLength = try f.int("max_length")
        stride = try f.optionalInt("stride") ?? 0
        if let s = try f.optionalString("strategy") {
            guard let v = Strategy(rawValue: s) else { throw f.invalid("strategy", "unknown truncation strategy '\(s)'") }
            strategy = v
        }
        if let d = try f.optionalString("direction") {
            guard let v = TruncationDirection(rawValue: d) else { throw f.invalid("direction", "unknown truncation direction '\(d)'") }
            direction = v
        }
        guard maxLength >= 0, stride >= 0 else { throw TokenizerError(.invalidField, "negative length", at: path) }
    }

    public var json: JSON {
        .object(JSONObject([
            ("direction", .string(direction.rawValue)), ("max_length", .int(Int64(maxLength))),
            ("strategy", .string(strategy.rawValue)), ("stride", .int(Int64(stride))),
        ]))
    }

    /// Truncates `encoding` and `pair` together, as `tokenizers`' `truncate_encodings`.
    func truncate(_ encoding: inout Encoding, _ pair: inout Encoding?) throws {
        if maxLength == 0 {
            encoding.truncate(maxLength: 0, stride: stride, direction: direction)
            pair?.truncate(maxLength: 0, stride: stride, direction: direction)
            return
        }
        let total = encoding.count + (pair?.count ?? 0)
        guard total > maxLength else { return }
        let toRemove = total - maxLength
        func check(_ length: Int) throws {
            if length > 0 && stride >= length {
                throw TokenizerError(.invalidArgument,
                    "truncation stride (\(stride)) must be less than the length kept (\(length))")
            }
        }
        switch strategy {
        case .longestFirst:
            if pair != nil {
                var n1 = encoding.count
                var n2 = pair!.count  // Safe: checked just above.
                let swap = n1 > n2
                if swap { Swift.swap(&n1, &n2) }
                if n1 > maxLength { n2 = n1 } else { n2 = Swift.max(n1, maxLength - n1) }
                if n1 + n2 > maxLength {
                    n1 = maxLength / 2
                    n2 = n1 + maxLength % 2
                }
                if swap { Swift.swap(&n1, &n2) }
                if n1 < encoding.count { try check(n1) }
                if n2 < pair!.count { try check(n2) }
                encoding.truncate(maxLength: n1, stride: stride, direction: direction)
                pair!.truncate(maxLength: n2, stride: stride, direction: direction)
            } else {
                try check(total - toRemove)
                encoding.truncate(maxLength: total - toRemove, stride: stride, direction: direction)
            }
        case .onlyFirst, .onlySecond:
            if strategy == .onlyFirst {
                guard encoding.count > toRemove else { throw TokenizerError(.invalidArgument, "sequence too short to be truncated") }
                try check(encoding.count - toRemove)
                encoding.truncate(maxLength: encoding.count - toRemove, stride: stride, direction: direction)
            } else {
                guard var p = pair else { throw TokenizerError(.invalidArgument, "truncation OnlySecond needs a second sequence") }
                guard p.count > toRemove else { throw TokenizerError(.invalidArgument, "sequence too short to be truncated") }
                try check(p.count - toRemove)
                p.truncate(maxLength: p.count - toRemove, stride: stride, direction: direction)
                pair = p
            }
        }
    }
}

/// How to pad encodings (tokenizer.json `padding`).
public struct PaddingParams: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable {
        case batchLongest
        case fixed(Int)
    }

    public var strategy: Strategy = .batchLongest
    public var direction: PaddingDirection = .right
    public var padToMultipleOf: Int?
    public var padId: UInt32 = 0
    public var padTypeId: UInt32 = 0
    public var padToken: String = "[PAD]"

    public init(strategy: Strategy = .batchLongest, direction: PaddingDirection = .right, padToMultipleOf: Int? = nil,
                padId: UInt32 = 0, padTypeId: UInt32 = 0, padToken: String = "[PAD]") {
        self.strategy = strategy
        self.direction = direction
        self.padToMultipleOf = padToMultipleOf
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }

    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        if let s = f.value("strategy") {
            switch s {
            case .string("BatchLongest"): strategy = .batchLongest
            case .object(let o):
                guard let n = o["Fixed"]?.intValue, n >= 0 else { throw f.invalid("strategy", "expected {\"Fixed\": length}") }
                strategy = .fixed(n)
            default: throw f.invalid("strategy", "unknown padding strategy")
            }
        }
        if let d = try f.optionalString("direction") {
            guard let v = PaddingDirection(rawValue: d) else { throw f.invalid("direction", "unknown padding direction '\(d)'") }
            direction = v
        }
        padToMultipleOf = try f.optionalInt("pad_to_multiple_of")
        padId = UInt32(truncatingIfNeeded: try f.optionalInt("pad_id") ?? 0)
        padTypeId = UInt32(truncatingIfNeeded: try f.optionalInt("pad_type_id") ?? 0)
        padToken = try f.optionalString("pad_token") ?? "[PAD]"
    }

    public var json: JSON {
        let s: JSON
        switch strategy {
        case .batchLongest: s = .string("BatchLongest")
        case .fixed(let n): s = .object(JSONObject([("Fixed", .int(Int64(n)))]))
        }
        return .object(JSONObject([
            ("strategy", s), ("direction", .string(direction.rawValue)),
            ("pad_to_multiple_of", padToMultipleOf.map { .int(Int64($0)) } ?? .null),
            ("pad_id", .int(Int64(padId))), ("pad_type_id", .int(Int64(padTypeId))), ("pad_token", .string(padToken)),
        ]))
    }

    /// Pads all of `encodings` to the same length, as `tokenizers`' `pad_encodings`.
    func pad(_ encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        var length: Int
        switch strategy {
        case .fixed(let n): length = n
        case .batchLongest: length = encodings.map(\.count).max() ?? 0
        }
        if let m = padToMultipleOf, m > 0, length % m > 0 { length += m - length % m }
        for i in encodings.indices {
            encodings[i].pad(to: length, id: padId, typeId: padTypeId, token: padToken, direction: direction)
        }
    }
}
