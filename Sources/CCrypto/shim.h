#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

/* HMAC-SHA256 of `data` under `key` into `digest` (32 bytes): Intuit's
 * webhook signature before base64. Shared by the service, which checks it,
 * and the simulator, which signs what it delivers. */
static inline void qbsync_hmac_sha256(const unsigned char *key, int key_length,
                                      const unsigned char *data, size_t data_length,
                                      unsigned char digest[32]) {
    unsigned int length = 32;
    HMAC(EVP_sha256(), key, key_length, data, data_length, digest, &length);
}
