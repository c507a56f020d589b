/* validate.h — the shapes every layer checks input against: codes, dates, emails, phones,
 * UTF-8 (and the character counts and cuts that need it). Pure functions of their argument; no I/O.
 */
#ifndef THIDUA_UTIL_VALIDATE_H
#define THIDUA_UTIL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest code of a unit or a person. */
#define CODE_MAX_LEN 32

/* 1 to CODE_MAX_LEN of A-Z a-z 0-9 - _ . */
bool valid_code(const char *code);
/* YYYY-MM-DD, a real calendar day. */
bool valid_date(const char *text);
bool valid_email(const char *text);
/* Well-formed UTF-8 (no overlong forms, no surrogates), NUL-terminated. */
bool valid_utf8(const char *text);
/* The same for n bytes that may hold NULs. */
bool valid_utf8_n(const char *text, size_t n);
/* Bytes of the well-formed UTF-8 character at s (before end), or 0 when it is not one (no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
size_t utf8_char_len(const unsigned char *s, const unsigned char *end);
/* Characters (code points) in n bytes of valid UTF-8. */
size_t utf8_chars(const char *text, size_t n);
/* The longest prefix of text, at most max bytes, that ends on a character boundary: a
 * message that quotes input cut short never ends in half a character. */
size_t utf8_prefix_len(const char *text, size_t max);
/* Replaces, in place, each byte that is not part of well-formed UTF-8 with '?': for text
 * that must be kept and shown whatever it holds (a rule's error message). */
void utf8_scrub(char *text);
/* Normalises a Vietnamese phone number to E.164 (+84...). Returns false if it is not one. */
bool phone_to_e164(const char *text, char *out, size_t outlen);

#endif
