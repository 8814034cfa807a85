#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes without Foundation.
public enum FileIO {
    /// The bytes of the file at `path`; throws `.io` naming the file and the system's reason.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw TokenizerError(.io, "cannot open file: \(String(cString: strerror(errno)))", at: path)
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(f) != 0 {
                    throw TokenizerError(.io, "cannot read file: \(String(cString: strerror(errno)))", at: path)
                }
                break
            }
        }
        return out
    }

    /// Writes `bytes` to `path`, replacing it.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        guard let f = fopen(path, "wb") else {
            throw TokenizerError(.io, "cannot create file: \(String(cString: strerror(errno)))", at: path)
        }
        defer { fclose(f) }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        if n != bytes.count {
            throw TokenizerError(.io, "cannot write file: \(String(cString: strerror(errno)))", at: path)
        }
    }
}
