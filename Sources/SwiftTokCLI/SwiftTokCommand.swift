import ArgumentParser
import SwiftTok

@main
struct SwiftTokCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swifttok",
        abstract: "Fast, exact tokenizers: encode, decode and inspect tokenizer.json and .tiktoken files.",
        subcommands: [])
}
