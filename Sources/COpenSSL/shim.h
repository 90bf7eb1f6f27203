#ifndef PHISCRUB_COPENSSL_SHIM_H
#define PHISCRUB_COPENSSL_SHIM_H
/* OpenSSL 3 libcrypto: the EVP MAC, digest and random APIs phiscrub uses. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#endif
