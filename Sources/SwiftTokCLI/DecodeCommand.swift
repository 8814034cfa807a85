import ArgumentParser
import SwiftTok

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode token ids into text.",
        discussion: "With --jsonl, reads one JSON array of ids per line and writes one JSON string per line.")

    @OptionGroup var tokenizerOption: TokenizerOption
    @Argument(help: "Ids to decode.") var ids: [UInt32] = []
    @Flag(help: "Read JSON arrays of ids on stdin, write JSON strings.") var jsonl = false
    @Flag(help: "Keep special tokens in the text (skipped by default, like tokenizers).") var keepSpecialTokens = false
    @Flag(help: "Decode as a stream (DecodeStream): feed the ids one at a time and write a JSON array of what each step returns (null: nothing yet).")
    var stream = false

    /// The JSON array of `DecodeStream` steps over `ids`.
    func streamed(_ tokenizer: Tokenizer, _ ids: [UInt32]) throws -> JSON {
        var s = DecodeStream(tokenizer: tokenizer, skipSpecialTokens: !keepSpecialTokens)
        return .array(try ids.map { id in try s.step(id).map { JSON.string($0) } ?? .null })
    }

    func run() throws {
        let tokenizer = try tokenizerOption.load()
        var out = Output()
        if !jsonl {
            out.write(stream ? try streamed(tokenizer, ids).serialized(pretty: false)
                             : try tokenizer.decode(ids, skipSpecialTokens: !keepSpecialTokens))
            out.write("\n")
            out.flush()
            return
        }
        for (n, line) in readLines().enumerated() {
            do {
                guard case .array(let items) = try JSON.parse(line) else {
                    throw TokenizerError(.invalidArgument, "expected a JSON array of ids")
                }
                let ids = try items.map { v -> UInt32 in
                    guard let i = v.intValue, let id = UInt32(exactly: i) else {
                        throw TokenizerError(.invalidArgument, "ids must be integers in 0...\(UInt32.max)")
                    }
                    return id
                }
                if stream {
                    out.write(try streamed(tokenizer, ids).serialized(pretty: false))
                } else {
                    let text = try tokenizer.decode(ids, skipSpecialTokens: !keepSpecialTokens)
                    out.write(JSON.string(text).serialized(pretty: false))
                }
            } catch {
                out.write(JSON.object(JSONObject([("error", .string("line \(n + 1): \(error)"))])).serialized(pretty: false))
            }
            out.write("\n")
        }
        out.flush()
    }
}
