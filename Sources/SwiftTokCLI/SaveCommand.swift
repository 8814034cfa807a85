import ArgumentParser
import SwiftTok

struct SaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Load a tokenizer and write it back as tokenizer.json.",
        discussion: """
            The output is an equivalent tokenizer.json (Hugging Face serialization 1.0) that tokenizers \
            loads. A .tiktoken input becomes a byte-level BPE tokenizer.json; its special tokens keep \
            their ids in swifttok, but tokenizers renumbers added tokens that leave gaps (cl100k's do).
            """)

    @Argument(help: "A tokenizer.json, .tiktoken file or Llama 3 tokenizer.model.") var input: String
    @Argument(help: "Where to write the tokenizer.json.") var output: String
    @Flag(help: "Write compact JSON instead of pretty-printed.") var compact = false

    func run() throws {
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOfFile: input) } catch let e as TokenizerError {
            throw CLIError("cannot load tokenizer: \(e)")
        }
        do { try tokenizer.save(to: output, pretty: !compact) } catch { throw CLIError("\(error)") }
    }
}
