#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// Finds the default vocabulary that the setup script installs beside the command.
enum DefaultVocabulary {
    static let fileName = "cl100k_base.tiktoken"

    static func path() throws -> String {
        if let env = getenv("SWIFTTOK_TOKENIZER") { return String(cString: env) }
        var candidates: [String] = []
        if let exe = executableDirectory() {
            candidates.append("\(exe)/../share/swifttok/\(fileName)")
            candidates.append("\(exe)/\(fileName)")
        }
        if let home = getenv("HOME") { candidates.append("\(String(cString: home))/.local/share/swifttok/\(fileName)") }
        for c in candidates where access(c, R_OK) == 0 { return c }
        throw ValidationError("no --tokenizer given and no default vocabulary found (run scripts/setup.sh, or set SWIFTTOK_TOKENIZER)")
    }

    static func executableDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
