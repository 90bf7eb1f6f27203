#ifndef PHISCRUB_COPENSSL_SHIM_H
#define PHISCRUB_COPENSSL_SHIM_H
/* OpenSSL 3 libcrypto: the EVP cipher, MAC, digest, KDF and random APIs phiscrub uses. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/aes.h>
#include <openssl/modes.h>

/* AES-GCM with a nonce longer than the 128 bytes OpenSSL's EVP provider accepts (GCM_IV_MAX_SIZE). The GCM
 * specification allows any non-empty IV; phiscrub never makes one (it uses 96-bit nonces), but it must accept
 * them correctly, so this path uses libcrypto's GCM128 mode directly. `tag` is written when encrypting and
 * checked when decrypting. Returns 1 on success, 0 on failure (including a tag that does not verify). */
static inline int phs_aes_gcm_long_iv(int encrypt, const unsigned char *key, int key_bits,
                                      const unsigned char *iv, size_t iv_len,
                                      const unsigned char *aad, size_t aad_len,
                                      const unsigned char *in, unsigned char *out, size_t len,
                                      unsigned char *tag) {
    AES_KEY schedule;
    if (AES_set_encrypt_key(key, key_bits, &schedule) != 0) return 0;
    GCM128_CONTEXT *gcm = CRYPTO_gcm128_new(&schedule, (block128_f)AES_encrypt);
    if (gcm == NULL) { OPENSSL_cleanse(&schedule, sizeof schedule); return 0; }
    CRYPTO_gcm128_setiv(gcm, iv, iv_len);
    int ok = 1;
    if (aad_len > 0 && CRYPTO_gcm128_aad(gcm, aad, aad_len) != 0) ok = 0;
    if (ok && len > 0)
        ok = (encrypt ? CRYPTO_gcm128_encrypt(gcm, in, out, len) : CRYPTO_gcm128_decrypt(gcm, in, out, len)) == 0;
    if (ok) {
        if (encrypt) CRYPTO_gcm128_tag(gcm, tag, 16);
        else ok = CRYPTO_gcm128_finish(gcm, tag, 16) == 0;
    }
    CRYPTO_gcm128_release(gcm);
    OPENSSL_cleanse(&schedule, sizeof schedule);
    return ok;
}
#endif
