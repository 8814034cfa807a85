#ifndef SWIFTTOK_CICU_SHIM_H
#define SWIFTTOK_CICU_SHIM_H
// ICU's C names are version-suffixed macros that Swift cannot see; these wrappers give them
// plain names (PLATFORM.md).
#include <unicode/utypes.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uscript.h>

typedef enum { swifttok_nfc = 0, swifttok_nfd = 1, swifttok_nfkc = 2, swifttok_nfkd = 3 } swifttok_norm_form;

static inline const UNormalizer2 *swifttok_icu_normalizer(swifttok_norm_form form, int *ok) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = 0;
    switch (form) {
    case swifttok_nfc: n = unorm2_getNFCInstance(&status); break;
    case swifttok_nfd: n = unorm2_getNFDInstance(&status); break;
    case swifttok_nfkc: n = unorm2_getNFKCInstance(&status); break;
    case swifttok_nfkd: n = unorm2_getNFKDInstance(&status); break;
    }
    *ok = U_SUCCESS(status) ? 1 : 0;
    return n;
}

/// Normalizes UTF-16 `src` into `dest`; returns the needed length, or -1 on error.
static inline int32_t swifttok_icu_normalize(const UNormalizer2 *n, const UChar *src, int32_t length,
                                             UChar *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t r = unorm2_normalize(n, src, length, dest, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return r;
    return U_SUCCESS(status) ? r : -1;
}

/// Decomposition mapping of one code point (canonical or compatibility per the instance);
/// returns its UTF-16 length, or -1 when the code point has none.
static inline int32_t swifttok_icu_decomposition(const UNormalizer2 *n, UChar32 c, UChar *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t r = unorm2_getDecomposition(n, c, dest, capacity, &status);
    return U_SUCCESS(status) ? r : -1;
}

/// 1 when the text is certainly normalized (quick check YES), 0 otherwise.
static inline int swifttok_icu_is_normalized_quick(const UNormalizer2 *n, const UChar *src, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t span = unorm2_spanQuickCheckYes(n, src, length, &status);
    return (U_SUCCESS(status) && span == length) ? 1 : 0;
}

static inline uint8_t swifttok_icu_combining_class(UChar32 c) { return u_getCombiningClass(c); }
static inline int8_t swifttok_icu_char_type(UChar32 c) { return u_charType(c); }
static inline int swifttok_icu_has_property(UChar32 c, UProperty p) { return u_hasBinaryProperty(c, p) ? 1 : 0; }
static inline UChar32 swifttok_icu_tolower(UChar32 c) { return u_tolower(c); }
static inline int32_t swifttok_icu_script(UChar32 c) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t s = (int32_t)uscript_getScript(c, &status);
    return U_SUCCESS(status) ? s : -1;
}
static inline int32_t swifttok_icu_full_lower(UChar32 c, UChar *dest, int32_t capacity) {
    // Full (SpecialCasing) lowercase of a single code point, locale-independent.
    UChar src[2]; int32_t len = 0;
    if (c <= 0xFFFF) { src[0] = (UChar)c; len = 1; }
    else { src[0] = (UChar)(0xD7C0 + (c >> 10)); src[1] = (UChar)(0xDC00 | (c & 0x3FF)); len = 2; }
    UErrorCode status = U_ZERO_ERROR;
    int32_t r = u_strToLower(dest, capacity, src, len, "", &status);
    return U_SUCCESS(status) ? r : -1;
}
#endif
