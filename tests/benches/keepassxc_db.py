"""Writes a KeePassXC database holding one TOTP entry per otpauth:// URI, for the side-by-side
desktop benchmark (tests/benches/desktop.rs).

Usage: keepassxc_db.py OUT.kdbx PASSWORD URIS.txt

Its key derivation is cut to the minimum (one Argon2 pass over 8 MiB), so the comparison times
the list, not the KDF. Made with pykeepass: re-saving a keepassxc-cli database breaks its
header hash.
"""

import sys
from urllib.parse import unquote, urlparse

from pykeepass import create_database


def main() -> None:
    out, password, uris_file = sys.argv[1:4]
    db = create_database(out, password=password)
    kdf = db.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value = 1
    kdf["M"].value = 8 * 1024 * 1024
    with open(uris_file, encoding="utf-8") as lines:
        for uri in (line.strip() for line in lines):
            if not uri:
                continue
            label = unquote(urlparse(uri).path.lstrip("/"))
            issuer, _, account = label.partition(":")
            entry = db.add_entry(db.root_group, issuer, account, "")
            # `otp` is pykeepass's property for the entry's TOTP setting.
            entry.otp = uri
    db.save()


if __name__ == "__main__":
    main()
