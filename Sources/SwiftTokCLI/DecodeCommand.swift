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

    func run() throws {
        let tokenizer = try tokenizerOption.load()
        var out = Output()
        if !jsonl {
            out.write(try tokenizer.decode(ids, skipSpecialTokens: !keepSpecialTokens))
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
                let text = try tokenizer.decode(ids, skipSpecialTokens: !keepSpecialTokens)
                out.write(JSON.string(text).serialized(pretty: false))
            } catch {
                out.write(JSON.object(JSONObject([("error", .string("line \(n + 1): \(error)"))])).serialized(pretty: false))
            }
            out.write("\n")
        }
        out.flush()
    }
}
