#!/usr/bin/env python3
"""Writes ente_encrypted.txt: an Ente Auth encrypted export made the way Ente's app makes one
(ente_crypto_dart: libsodium crypto_pwhash Argon2id v1.3, then one crypto_secretstream_xchacha20poly1305
message), with libsodium itself through PyNaCl, so the importer is checked against the reference
implementation rather than against our own code. Small KDF limits keep the test fast.

    pip install pynacl && python3 make_ente_vector.py > ente_encrypted.txt
"""
import base64
import json

import nacl
import nacl.bindings as sodium
import nacl.utils

PASSWORD = "correct horse ✓"
MEM_LIMIT = 65536
OPS_LIMIT = 2

CODE_DISPLAY = "%7B%22pinned%22%3Atrue%2C%22trashed%22%3Afalse%2C%22tags%22%3A%5B%22Work%22%5D%2C%22note%22%3A%22spare%20keys%20in%20drawer%22%7D"
PLAIN = (
    "otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co"
    "&algorithm=sha256&digits=8&period=60&codeDisplay=" + CODE_DISPLAY + "\n"
    "otpauth://hotp/Counter:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Counter&algorithm=sha1&digits=6"
    "&counter=42\n"
    "otpauth://steam/Steam:gabe?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam&algorithm=sha1"
    "&digits=5&period=30\n"
)

salt = nacl.utils.random(sodium.crypto_pwhash_SALTBYTES)
key = sodium.crypto_pwhash_alg(
    32, PASSWORD.encode(), salt, OPS_LIMIT, MEM_LIMIT, sodium.crypto_pwhash_ALG_ARGON2ID13
)
state = sodium.crypto_secretstream_xchacha20poly1305_state()
header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
message = sodium.crypto_secretstream_xchacha20poly1305_push(state, PLAIN.encode())

print(f"# An Ente Auth encrypted export, made by make_ente_vector.py with libsodium (PyNaCl {nacl.__version__}).")
print(f"# Password: {PASSWORD}")
print("# Expected: 3 accounts.")
print("#   ACME Co / alice@example.com: TOTP SHA256 8 digits 60 s, secret JBSWY3DPEHPK3PXP,")
print("#     favourite, group Work, note \"spare keys in drawer\"")
print("#   Counter / bob: HOTP SHA1 6 digits counter 42, secret GEZDGNBVGY3TQOJQ")
print("#   Steam / gabe: Steam, secret JRZCL47CMXVOQMNPZR2F7J4RGI")
print(json.dumps({
    "version": 1,
    "kdfParams": {"memLimit": MEM_LIMIT, "opsLimit": OPS_LIMIT, "salt": base64.b64encode(salt).decode()},
    "encryptedData": base64.b64encode(message).decode(),
    "encryptionNonce": base64.b64encode(header).decode(),
}))
