#ifndef SWIFTTOK_SUPPORT_H
#define SWIFTTOK_SUPPORT_H
// What Swift has no spelling for, as static inline C functions (compiled into the Swift code that
// calls them; nothing to link).

#if defined(__x86_64__)
#include <cpuid.h>

/// Whether this CPU runs AVX-512F instructions and the OS saves their registers: CPUID leaf 7
/// (EBX bit 16), OSXSAVE, and XCR0's SSE, AVX, opmask and ZMM state bits. Asked of the CPU itself,
/// not of /proc/cpuinfo, so an emulator without AVX-512 (valgrind) is answered correctly.
static inline int swifttok_cpu_has_avx512f(void) {
    unsigned a, b, c, d, lo, hi;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 0xe6) != 0xe6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (int)((b >> 16) & 1);
}
#else
static inline int swifttok_cpu_has_avx512f(void) { return 0; }
#endif

/// A hint to bring the cache line at `p` in for writing (never faults, for any address).
static inline void swifttok_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// A hint to bring the cache line at `p` in for reading (never faults, for any address).
static inline void swifttok_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

/// The pointer at `p`, loaded atomically (relaxed): a table slot that another thread may set
/// meanwhile (NULL until then) is read without a data race.
static inline void *swifttok_load_pointer(void *const *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

/// Stores `value` at `p` atomically (relaxed), for slots read by `swifttok_load_pointer`.
static inline void swifttok_store_pointer(void **p, void *value) { __atomic_store_n(p, value, __ATOMIC_RELAXED); }

#endif
