/*
 * text.c — unaccented Vietnamese, NFC, and counting a text as an SMS gateway does.
 *
 * Normalisation goes through libutf8proc: the text is decomposed (NFD, đ/Đ mapped on the
 * way), unaccenting drops the combining diacritical marks, and the code points are composed
 * again (NFC) in place. GSM 03.38 is a table here: the default alphabet's characters outside
 * ASCII, and the extension table whose characters cost an escape septet more.
 */
#include "util/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/validate.h"

#define REPLACEMENT_CHARACTER 0xFFFD
#define EURO_SIGN             0x20AC

/* The default alphabet's characters that are not ASCII (GSM 03.38, 0x00..0x7F). */
static const utf8proc_int32_t gsm7_basic_latin1_greek[] = {
    0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, /* £ ¥ è é ù ì ò Ç */
    0x00D8, 0x00F8, 0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B, /* Ø ø Å å Δ Φ Γ Λ */
    0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0x00C6, 0x00E6, /* Ω Π Ψ Σ Θ Ξ Æ æ */
    0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6, 0x00D1, 0x00DC, /* ß É ¤ ¡ Ä Ö Ñ Ü */
    0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,         /* § ¿ ä ö ñ ü à */
};

/* Septets cp costs in GSM-7: 1 in the default alphabet, 2 in the extension table (escape +
 * character), 0 when GSM-7 cannot carry it. */
static int gsm7_septets(utf8proc_int32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\n' || cp == '\r') return 1;
        if (cp == '\f') return 2;
        if (cp < 0x20 || cp == 0x7F || cp == '`') return 0;
        return strchr("^{}\\[~]|", (int)cp) ? 2 : 1;
    }
    if (cp == EURO_SIGN) return 2;
    size_t count = sizeof gsm7_basic_latin1_greek / sizeof gsm7_basic_latin1_greek[0];
    for (size_t i = 0; i < count; i++)
        if (gsm7_basic_latin1_greek[i] == cp) return 1;
    return 0;
}

/* The next code point of s[0..len), and how many bytes it took; a bad byte is one
 * U+FFFD. */
static size_t next_code_point(const char *s, size_t len, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t step =
        utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cp);
    if (step > 0) return (size_t)step;
    *cp = REPLACEMENT_CHARACTER;
    return 1;
}

bool text_is_gsm7(const char *utf8)
{
    size_t len = strlen(utf8);
    if (!valid_utf8_n(utf8, len)) return false;
    for (size_t pos = 0; pos < len;) {
        utf8proc_int32_t cp;
        pos += next_code_point(utf8 + pos, len - pos, &cp);
        if (gsm7_septets(cp) == 0) return false;
    }
    return true;
}

/*
 * The empty text is 1 segment, not 0: a gateway that takes an empty message still submits
 * one (empty) PDU for it and bills it as one message; the ones that refuse it bill nothing
 * because nothing is sent, which is the sender's choice to make (do not send empty text),
 * not a price of 0 to report for it.
 */
static size_t segments(size_t units, size_t single, size_t part)
{
    if (units <= single) return 1;
    return (units + part - 1) / part;
}

struct sms_count text_sms_count_n(const char *utf8, size_t len)
{
    size_t septets = 0, utf16_units = 0;
    bool gsm7 = true;
    for (size_t pos = 0; pos < len;) {
        utf8proc_int32_t cp;
        pos += next_code_point(utf8 + pos, len - pos, &cp);
        int cost = gsm7_septets(cp);
        if (cost == 0) gsm7 = false;
        septets += (size_t)cost;
        utf16_units += cp > 0xFFFF ? 2 : 1; /* a surrogate pair beyond the BMP */
    }
    struct sms_count count = {.gsm7 = gsm7};
    if (gsm7) {
        count.units = septets;
        count.segments = segments(septets, SMS_GSM7_SINGLE, SMS_GSM7_PART);
    } else {
        count.units = utf16_units;
        count.segments = segments(utf16_units, SMS_UCS2_SINGLE, SMS_UCS2_PART);
    }
    return count;
}

struct sms_count text_sms_count(const char *utf8)
{
    return text_sms_count_n(utf8, strlen(utf8));
}

/* đ and Đ are letters of their own in Unicode (no decomposition): mapped before
 * decomposing. */
static utf8proc_int32_t map_d_with_stroke(utf8proc_int32_t cp, void *data)
{
    (void)data;
    if (cp == 0x0111) return 'd';
    if (cp == 0x0110) return 'D';
    return cp;
}

/* Drops the combining diacritical marks from cps[0..n); returns how many are left. */
static utf8proc_ssize_t drop_diacritics(utf8proc_int32_t *cps, utf8proc_ssize_t n)
{
    utf8proc_ssize_t kept = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++)
        if (cps[i] < 0x0300 || cps[i] > 0x036F) cps[kept++] = cps[i];
    return kept;
}

/* NFC of utf8[0..len), unaccented first when asked. The code points are decomposed into one
 * block that utf8proc_reencode turns into UTF-8 in place (4 bytes a code point is room
 * enough), plus one byte for its NUL. */
static char *normalise(const char *utf8, size_t len, bool unaccent, size_t *out_len)
{
    const utf8proc_uint8_t *in = (const utf8proc_uint8_t *)utf8;
    utf8proc_custom_func custom = unaccent ? map_d_with_stroke : NULL;
    if (!valid_utf8_n(utf8, len) || len > (size_t)PTRDIFF_MAX) return NULL;
    utf8proc_ssize_t n = utf8proc_decompose_custom(in, (utf8proc_ssize_t)len, NULL, 0,
                                                   UTF8PROC_DECOMPOSE, custom, NULL);
    if (n < 0 || (size_t)n >= SIZE_MAX / sizeof(utf8proc_int32_t)) return NULL;
    utf8proc_int32_t *cps = malloc((size_t)n * sizeof *cps + 1);
    if (!cps) return NULL;
    n = utf8proc_decompose_custom(in, (utf8proc_ssize_t)len, cps, n, UTF8PROC_DECOMPOSE, custom,
                                  NULL);
    if (n >= 0 && unaccent) n = drop_diacritics(cps, n);
    if (n >= 0) n = utf8proc_reencode(cps, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (n < 0) {
        free(cps);
        return NULL;
    }
    char *out = (char *)cps;
    char *shrunk = realloc(out, (size_t)n + 1);
    if (out_len) *out_len = (size_t)n;
    return shrunk ? shrunk : out;
}

char *text_nfc_n(const char *utf8, size_t len, size_t *out_len)
{
    return normalise(utf8, len, false, out_len);
}

char *text_nfc(const char *utf8)
{
    return normalise(utf8, strlen(utf8), false, NULL);
}

char *text_unaccent_n(const char *utf8, size_t len, size_t *out_len)
{
    return normalise(utf8, len, true, out_len);
}

char *text_unaccent(const char *utf8)
{
    return normalise(utf8, strlen(utf8), true, NULL);
}

const char *text_decimal(char out[TEXT_DECIMAL_LEN], long long v)
{
    char *p = out + TEXT_DECIMAL_LEN - 1;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    return p;
}

bool text_join(char *out, size_t size, const char *const parts[], size_t n)
{
    if (size == 0) return false;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(parts[i]);
        if (len > size - 1 - used) {
            memcpy(out + used, parts[i], size - 1 - used);
            out[size - 1] = '\0';
            return false;
        }
        memcpy(out + used, parts[i], len);
        used += len;
    }
    out[used] = '\0';
    return true;
}

void text_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}
