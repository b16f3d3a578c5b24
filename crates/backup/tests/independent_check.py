#!/usr/bin/env python3
"""Independent checks of Countersign's exports, written from the formats' own documentation
rather than from our Rust code (tests/independent.rs runs them).

  independent_check.py aegis FILE       (password on standard input)
      Decrypts an encrypted Aegis vault following Aegis's docs/decrypt.py: scrypt from each
      password slot's n, r, p and salt; AES-256-GCM opens the slot's key (key + tag); the master
      key then opens the base64 "db" (content + tag). Prints the decrypted content JSON.

  independent_check.py migration URI...
      Decodes Google Authenticator otpauth-migration:// URIs with a minimal protobuf wire-format
      reader (no generated code), printing one JSON object per account with the raw enum
      numbers and the batch fields.

Needs the 'cryptography' package for the first (pip install cryptography).
"""

import base64
import json
import sys
import urllib.parse


def aegis(path, password):
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    with open(path, encoding="utf-8") as f:
        vault = json.load(f)
    header = vault["header"]
    master_key = None
    for slot in header["slots"]:
        if slot["type"] != 1:
            continue
        kdf = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"])
        key = kdf.derive(password)
        params = slot["key_params"]
        try:
            master_key = AESGCM(key).decrypt(
                bytes.fromhex(params["nonce"]),
                bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]),
                None,
            )
            break
        except InvalidTag:
            pass
    if master_key is None:
        sys.exit("error: unable to decrypt the master key with the given password")
    params = header["params"]
    content = AESGCM(master_key).decrypt(
        bytes.fromhex(params["nonce"]),
        base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]),
        None,
    )
    print(content.decode("utf-8"))


def varint(data, pos):
    result, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def fields(data):
    """(field number, value) pairs of a protobuf message: ints for varints, bytes otherwise."""
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = varint(data, pos)
        elif wire_type == 2:
            length, pos = varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        else:
            sys.exit(f"error: unexpected wire type {wire_type}")
        yield number, value


def signed(value, bits):
    """A varint read as a two's complement integer of `bits` bits."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def migration(uris):
    for uri in uris:
        query = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
        payload = base64.b64decode(query["data"][0])
        batch = {"batch_size": 0, "batch_index": 0, "batch_id": 0}
        accounts = []
        for number, value in fields(payload):
            if number == 1:
                account = {"secret": "", "name": "", "issuer": "", "algorithm": 0, "digits": 0, "type": 0, "counter": 0}
                names = {1: "secret", 2: "name", 3: "issuer", 4: "algorithm", 5: "digits", 6: "type", 7: "counter"}
                for inner, inner_value in fields(value):
                    if inner == 1:
                        account["secret"] = base64.b32encode(inner_value).decode().rstrip("=")
                    elif inner in (2, 3):
                        account[names[inner]] = inner_value.decode("utf-8")
                    elif inner == 7:
                        account["counter"] = signed(inner_value, 64)
                    elif inner in names:
                        account[names[inner]] = inner_value
                accounts.append(account)
            elif number == 3:
                batch["batch_size"] = value
            elif number == 4:
                batch["batch_index"] = value
            elif number == 5:
                batch["batch_id"] = signed(value, 32)
        for account in accounts:
            print(json.dumps({**account, **batch}, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1] == "aegis":
        aegis(sys.argv[2], sys.stdin.buffer.read())
    elif sys.argv[1] == "migration":
        migration(sys.argv[2:])
    else:
        sys.exit(__doc__)
