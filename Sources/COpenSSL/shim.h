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
#include <openssl/core_names.h>
#include <openssl/params.h>

/* A reusable HMAC-SHA256 context keyed once: per message only init/update/final run (no algorithm fetch, no
 * key schedule), which is what per-finding tokens need. NULL on failure. */
static inline EVP_MAC_CTX *phs_hmac_sha256_new(const unsigned char *key, size_t key_len) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (ctx == NULL) return NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end() };
    if (EVP_MAC_init(ctx, key, key_len, params) != 1) { EVP_MAC_CTX_free(ctx); return NULL; }
    return ctx;
}

/* HMAC of one message with a context from phs_hmac_sha256_new (the key is kept across calls). 1 on success. */
static inline int phs_hmac_sha256_compute(EVP_MAC_CTX *ctx, const unsigned char *msg, size_t len, unsigned char *out32) {
    size_t out_len = 0;
    return EVP_MAC_init(ctx, NULL, 0, NULL) == 1 && EVP_MAC_update(ctx, msg, len) == 1
        && EVP_MAC_final(ctx, out32, &out_len, 32) == 1 && out_len == 32;
}

/* A reusable AES-256-GCM encryption context with its key schedule set once. NULL on failure. */
static inline EVP_CIPHER_CTX *phs_aes256gcm_encrypt_new(const unsigned char *key32) {
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    if (cipher == NULL) return NULL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = ctx != NULL && EVP_EncryptInit_ex2(ctx, cipher, key32, NULL, NULL) == 1;
    EVP_CIPHER_free(cipher);
    if (!ok) { EVP_CIPHER_CTX_free(ctx); return NULL; }
    return ctx;
}

/* Encrypts one message under a fresh 96-bit nonce with a context from phs_aes256gcm_encrypt_new; writes `len`
 * bytes to out and a 16-byte tag. 1 on success. */
static inline int phs_aes256gcm_seal(EVP_CIPHER_CTX *ctx, const unsigned char *nonce12,
                                     const unsigned char *aad, size_t aad_len,
                                     const unsigned char *in, size_t len, unsigned char *out, unsigned char *tag16) {
    int n = 0, total = 0;
    if (EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce12, NULL) != 1) return 0;
    if (aad_len > 0 && EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1) return 0;
    if (len > 0) {
        if (EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1) return 0;
        total = n;
    }
    if (EVP_EncryptFinal_ex(ctx, out + total, &n) != 1) return 0;
    total += n;
    if ((size_t)total != len) return 0;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag16) == 1;
}

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
