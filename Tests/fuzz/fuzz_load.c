/*
 * libFuzzer target: swifttok_tokenizer_from_bytes on arbitrary bytes, then a few calls on whatever
 * loaded. Any crash, hang or broken contract (status/out mismatch, empty error message) is a bug.
 *   clang -fsanitize=fuzzer,address -Iinclude Tests/fuzz/fuzz_load.c -L<lib> -lswifttok -o fuzz_load
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swifttok.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const texts[] = {"Hello, world!", " the quick brown fox 123 ", "h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c", ""};
    swifttok_tokenizer *t = (swifttok_tokenizer *)(uintptr_t)1;
    swifttok_status s = swifttok_tokenizer_from_bytes(data, size, &t);
    size_t i;
    if (s != SWIFTTOK_OK) {
        if (t != NULL) abort();                     /* out must be NULL on failure */
        if (swifttok_last_error()[0] == '\0') abort(); /* and a message recorded */
        return 0;
    }
    if (t == NULL) abort();
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        swifttok_encoding *e = NULL;
        size_t len = strlen(texts[i]), n = 0, dlen = 0, j;
        char buf[256];
        if (swifttok_encode(t, texts[i], len, texts[0], 5, SWIFTTOK_ADD_SPECIAL_TOKENS, &e) == SWIFTTOK_OK) {
            const uint32_t *ids = swifttok_encoding_ids(e);
            size_t count = swifttok_encoding_length(e);
            for (j = 0; j < count; j++) swifttok_encoding_token(e, j, &n);
            swifttok_decode(t, ids, count, 0, buf, sizeof buf, &dlen);
            swifttok_decode(t, ids, count, 1, buf, sizeof buf, &dlen);
        } else if (e != NULL) {
            abort();
        }
        swifttok_encoding_free(e);
    }
    {
        size_t v = swifttok_vocab_size(t), n = 0;
        uint32_t id;
        char buf[64];
        for (id = 0; id < 8 && id < v + 2; id++) swifttok_id_to_token(t, id, buf, sizeof buf, &n);
        swifttok_token_to_id(t, "a", 1, &id);
    }
    swifttok_tokenizer_free(t);
    return 0;
}
