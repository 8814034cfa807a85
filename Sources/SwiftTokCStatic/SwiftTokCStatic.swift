// The self-contained libswifttok: this target only links SwiftTokC (the C ABI of include/swifttok.h)
// with -static-stdlib, so the library carries the Swift runtime and needs no toolchain to load.
@_exported import SwiftTokC
