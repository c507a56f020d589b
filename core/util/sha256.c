/* sha256.c — SHA-256 with the algorithm fetched once (sha256.h). OpenSSL 3 looks up an
 * implicitly named digest (EVP_sha256()) in its provider tables on every EVP_Digest; for a
 * 43-byte token that lookup cost more than the hashing. */
#include "util/sha256.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

static EVP_MD *fetched; /* for the life of the process */
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch(void)
{
    fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

bool sha256(const void *data, size_t len, unsigned char out[SHA256_BYTES])
{
    pthread_once(&fetch_once, fetch);
    unsigned int n = 0;
    if (fetched && EVP_Digest(data, len, out, &n, fetched, NULL) && n == SHA256_BYTES) return true;
    memset(out, 0, SHA256_BYTES);
    return false;
}
