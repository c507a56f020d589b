/*
 * text.h — the text an SMS gateway gets, and the NFC the project keeps all text in.
 *
 * Vietnamese SMS are sent unaccented on purpose: one letter with a diacritic forces the whole
 * message into UCS-2 (70 characters, 67 per part) where GSM-7 allows 160 (153 per part).
 * Pure functions of their argument; no I/O. Normalisation is libutf8proc's. Also whole
 * numbers as decimal text, without printf (every HTTP answer's head, every JSON number).
 */
#ifndef THIDUA_UTIL_TEXT_H
#define THIDUA_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* What one SMS holds: alone, and as a part of a concatenated message (the rest of a part is
 * its user data header). GSM-7 in septets, UCS-2 in UTF-16 code units. */
#define SMS_GSM7_SINGLE 160
#define SMS_GSM7_PART   153
#define SMS_UCS2_SINGLE 70
#define SMS_UCS2_PART   67

/* NFC of utf8: malloc'd, NULL on invalid UTF-8 (or no memory). */
char *text_nfc(const char *utf8);
/* The same for len bytes that may hold NULs; the result's length goes to *out_len. */
char *text_nfc_n(const char *utf8, size_t len, size_t *out_len);

/*
 * Vietnamese without its diacritics, in NFC: decomposed, stripped of the combining marks of
 * U+0300..U+036F (every Vietnamese tone, the breve, the circumflex and the horn), đ/Đ mapped
 * to d/D (they do not decompose), recomposed. Anything else that is not ASCII is kept as it
 * is ("–", "€", and the marks of scripts where a mark is part of the letter, such as the
 * Japanese voicing marks). "Nguyễn Thị Đào" -> "Nguyen Thi Dao". Malloc'd, NULL on invalid
 * UTF-8 (or no memory).
 */
char *text_unaccent(const char *utf8);
/* The same for len bytes that may hold NULs; the result's length goes to *out_len. */
char *text_unaccent_n(const char *utf8, size_t len, size_t *out_len);

/* Every character is in the GSM 03.38 default alphabet or its extension table (so not "`",
 * and of the control characters only LF, CR and FF). False on invalid UTF-8. */
bool text_is_gsm7(const char *utf8);

/* How an SMS gateway counts a text. */
struct sms_count {
    bool gsm7;       /* sent as GSM-7; else UCS-2 */
    size_t units;    /* GSM-7: septets (extension characters count 2); UCS-2: UTF-16 units */
    size_t segments; /* messages billed; 1 for the empty text (text.c says why) */
};

/* Counts utf8 as a gateway would. Invalid UTF-8 counts as U+FFFD per bad byte, as a
 * decoder would replace it, which forces UCS-2; check validity first when that matters. */
struct sms_count text_sms_count(const char *utf8);
/* The same for len bytes that may hold NULs (U+0000 is not GSM-7). */
struct sms_count text_sms_count_n(const char *utf8, size_t len);

/* Room for any long long in decimal, its sign and the NUL. */
#define TEXT_DECIMAL_LEN 24
/* v in decimal, written at the end of out; returns where it starts. */
const char *text_decimal(char out[TEXT_DECIMAL_LEN], long long v);
/* The n strings one after the other into out (size bytes, always NUL-terminated, cut when
 * they do not fit): what snprintf("%s%s...") does, for the paths run on every request,
 * without printf's machinery. True when everything fit. */
bool text_join(char *out, size_t size, const char *const parts[], size_t n);
/* The n bytes in lowercase hex into out (2n digits and a NUL): digests, tokens, ETags. */
void text_hex(const unsigned char *bytes, size_t n, char *out);

#endif
