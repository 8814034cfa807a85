#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The numerics of Unigram training, as `tokenizers` and SentencePiece compute them.
enum UnigramMath {
    @inline(__always) static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log(x)
        #else
        Darwin.log(x)
        #endif
    }

    @inline(__always) static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.exp(x)
        #else
        Darwin.exp(x)
        #endif
    }

    /// log(e^x + e^y), treating a difference above 50 as total (SentencePiece's LogSumExp);
    /// `x = -infinity` gives `y`, like the first term of a sum.
    @inline(__always) static func logSumExp(_ x: Double, _ y: Double) -> Double {
        let (vmin, vmax) = x > y ? (y, x) : (x, y)
        if vmax > vmin + 50 { return vmax }
        return vmax + log(exp(vmin - vmax) + 1)
    }

    /// The digamma function by recurrence and asymptotic series (the Bayesian M-step's).
    static func digamma(_ value: Double) -> Double {
        var x = value
        var result = 0.0
        while x < 7 {
            result -= 1 / x
            x += 1
        }
        x -= 0.5
        let xx = 1 / x
        let xx2 = xx * xx
        let xx4 = xx2 * xx2
        result += log(x) + (1.0 / 24.0) * xx2 - 7.0 / 960.0 * xx4 + (31.0 / 8064.0) * xx4 * xx2
            - (127.0 / 30720.0) * xx4 * xx4
        return result
    }
}
