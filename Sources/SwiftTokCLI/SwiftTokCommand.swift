import ArgumentParser
import SwiftTok

@main
struct SwiftTokCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swifttok",
        abstract: "Fast, exact tokenizers: encode, decode, inspect and benchmark tokenizer.json and .tiktoken files.",
        subcommands: [EncodeCommand.self, DecodeCommand.self, InfoCommand.self, BenchCommand.self, SaveCommand.self,
                      EmbedCommand.self, RoundTripCommand.self,
                      TrainCommand.self, CountCommand.self])
}

/// Options shared by commands that load a tokenizer.
struct TokenizerOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "A tokenizer.json, .tiktoken rank file or Llama 3 tokenizer.model (default: the bundled cl100k_base).")
    var tokenizer: String?

    func load() throws -> Tokenizer {
        let path = try tokenizer ?? DefaultVocabulary.path()
        do {
            return try Tokenizer(contentsOfFile: path)
        } catch let e as TokenizerError {
            throw CLIError("cannot load tokenizer: \(e)")
        }
    }
}

/// A failure reported as "Error: message" with exit status 1 (no usage text: the usage was fine).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
