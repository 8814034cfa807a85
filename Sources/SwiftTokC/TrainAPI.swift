#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

/// The options JSON of a training call (NULL with length 0 = defaults), through the library's
/// `TrainingOptions` (the mapping `swifttok train` uses).
func trainingOptions(_ json: UnsafePointer<CChar>?, _ length: Int) throws -> TrainingOptions {
    let bytes = try callerBytes(json, length, "options_json")
    if bytes.isEmpty { return TrainingOptions() }
    guard String(validating: bytes, as: UTF8.self) != nil else {
        throw CError(SWIFTTOK_ERROR_INVALID_UTF8, "options_json is not valid UTF-8")
    }
    let parsed: JSON
    do { parsed = try JSON.parse(bytes) } catch {
        throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "options_json is not valid JSON: \(error)")
    }
    return try TrainingOptions(json: parsed)
}

/// Maps a training error: option and corpus problems are argument errors (not encoding errors).
func trainingGuarded(_ body: () throws -> swifttok_status) -> swifttok_status {
    guarded {
        do { return try body() } catch let e as TokenizerError where e.kind == .invalidArgument {
            throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, e.description)
        }
    }
}

/// Checks `count` against the pointer arrays of a training call.
func checkCount(_ count: Int, _ array: UnsafeRawPointer?, _ name: String) throws(CError) {
    guard count >= 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "count is too large") }
    if count > 0 && array == nil { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "\(name) is NULL but count is \(count)") }
}

@c @implementation
public func swifttok_train(_ paths: UnsafePointer<UnsafePointer<CChar>?>?, _ pathLengths: UnsafePointer<Int>?, _ count: Int,
                           _ optionsJSON: UnsafePointer<CChar>?, _ optionsLength: Int,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return trainingGuarded {
        let options = try trainingOptions(optionsJSON, optionsLength)
        try checkCount(count, paths, "paths")
        var list: [String] = []
        if let paths {
            for i in 0..<count {
                guard let p = paths[i] else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "paths[\(i)] is NULL") }
                let bytes: [UInt8]
                if let pathLengths {
                    guard pathLengths[i] != 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "paths[\(i)] is empty (length 0)") }
                    bytes = try callerBytes(p, pathLengths[i], "paths[\(i)]")
                    guard !bytes.contains(0) else {
                        throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "paths[\(i)] contains a NUL byte within its length")
                    }
                } else {
                    bytes = Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
                    guard !bytes.isEmpty else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "paths[\(i)] is empty") }
                }
                guard let s = String(validating: bytes, as: UTF8.self) else {
                    throw CError(SWIFTTOK_ERROR_INVALID_UTF8, "paths[\(i)] is not valid UTF-8")
                }
                list.append(s)
            }
        }
        let counts = try options.count(paths: list)
        out.pointee = TokenizerHandle(try options.train(counts: counts)).opaque
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_train_from_texts(_ texts: UnsafePointer<UnsafePointer<CChar>?>?, _ lengths: UnsafePointer<Int>?,
                                      _ count: Int, _ optionsJSON: UnsafePointer<CChar>?, _ optionsLength: Int,
                                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return trainingGuarded {
        let options = try trainingOptions(optionsJSON, optionsLength)
        try checkCount(count, texts, "texts")
        try checkCount(count, lengths, "lengths")
        var list: [String] = []
        if let texts, let lengths {
            list.reserveCapacity(count)
            for i in 0..<count {
                let bytes = try callerBytes(texts[i], lengths[i], "texts[\(i)]")
                guard let s = String(validating: bytes, as: UTF8.self) else {
                    throw CError(SWIFTTOK_ERROR_INVALID_UTF8, "texts[\(i)] is not valid UTF-8")
                }
                list.append(s)
            }
        }
        let counts = try options.count(texts: list)
        out.pointee = TokenizerHandle(try options.train(counts: counts)).opaque
        return SWIFTTOK_OK
    }
}

/// The tokenizer.json bytes `Tokenizer.save` writes (a SentencePiece pipeline has none).
func tokenizerJSONBytes(_ t: Tokenizer) throws(CError) -> [UInt8] {
    guard t.sentencePiece == nil else {
        throw CError(SWIFTTOK_ERROR_UNSUPPORTED, "a tokenizer loaded from a SentencePiece .model has no tokenizer.json")
    }
    return Array(t.json.serialized(pretty: true).utf8)
}

@c @implementation
public func swifttok_tokenizer_to_json(_ tokenizer: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                       _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard outLength != nil else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_length is NULL") }
    return guarded {
        copyOut(try tokenizerJSONBytes(t.tokenizer), UnsafeMutableRawPointer(buffer), capacity, outLength)
    }
}

@c @implementation
public func swifttok_tokenizer_save(_ tokenizer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard let path else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "path is NULL") }
    return guarded {
        guard let p = String(validatingCString: path) else { throw CError(SWIFTTOK_ERROR_INVALID_UTF8, "path is not valid UTF-8") }
        try FileIO.write(try tokenizerJSONBytes(t.tokenizer), to: p)
        return SWIFTTOK_OK
    }
}
