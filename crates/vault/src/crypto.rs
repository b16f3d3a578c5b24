//! The few cryptographic operations of the vault: random keys, key wrapping, payload sealing.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Length of every key: the master key and the keys that wrap it.
pub(crate) const KEY_LEN: usize = 32;
/// XChaCha20-Poly1305 nonce length.
pub(crate) const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub(crate) const TAG_LEN: usize = 16;
/// A wrapped master key: the encrypted key followed by its tag.
pub(crate) const WRAPPED_LEN: usize = KEY_LEN + TAG_LEN;

/// A 256-bit symmetric key, wiped from memory when dropped.
#[derive(Clone)]
pub(crate) struct Key(Zeroizing<[u8; KEY_LEN]>);

impl Key {
    /// A fresh key from the OS random source.
    pub(crate) fn random() -> Key {
        let mut key = Key(Zeroizing::new([0; KEY_LEN]));
        fill_random(&mut *key.0);
        key
    }

    /// Takes exactly [`KEY_LEN`] bytes.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Key> {
        if bytes.len() != KEY_LEN {
            return None;
        }
        let mut key = Key::zeroed();
        key.0.copy_from_slice(bytes);
        Some(key)
    }

    /// The raw bytes, for the KDF output buffer and the OS keyring.
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Mutable access, for the KDF to write into.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8; KEY_LEN] {
        &mut self.0
    }

    /// An empty key to be filled by a KDF.
    pub(crate) fn zeroed() -> Key {
        Key(Zeroizing::new([0; KEY_LEN]))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.0).into())
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// Fills `buffer` from the OS random source.
///
/// There is no sensible way to go on without randomness (every key would be weak), so a failing
/// OS source aborts the operation with a panic rather than an error the UI could ignore.
pub(crate) fn fill_random(buffer: &mut [u8]) {
    getrandom::fill(buffer).expect("the OS random number generator failed");
}

/// `N` random bytes.
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    fill_random(&mut bytes);
    bytes
}

/// A master key encrypted under a wrapping key (one key slot's secret part).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Wrapped {
    /// Fresh for every wrap.
    pub(crate) nonce: [u8; NONCE_LEN],
    /// The encrypted master key and its tag.
    pub(crate) sealed: [u8; WRAPPED_LEN],
}

/// Encrypts `master` under `wrapping`, binding it to `context` (vault id, slot type, parameters).
pub(crate) fn wrap(wrapping: &Key, master: &Key, context: &[u8]) -> Wrapped {
    let nonce = random::<NONCE_LEN>();
    let mut sealed = [0; WRAPPED_LEN];
    sealed[..KEY_LEN].copy_from_slice(master.bytes());
    let tag = wrapping
        .cipher()
        .encrypt_inout_detached(
            &XNonce::from(nonce),
            context,
            (&mut sealed[..KEY_LEN]).into(),
        )
        .expect("a 32-byte message is within XChaCha20-Poly1305's limits");
    sealed[KEY_LEN..].copy_from_slice(&tag);
    Wrapped { nonce, sealed }
}

/// Decrypts a wrapped master key; `None` when `wrapping` is the wrong key or anything changed.
pub(crate) fn unwrap(wrapping: &Key, wrapped: &Wrapped, context: &[u8]) -> Option<Key> {
    let mut master = Key::zeroed();
    master
        .bytes_mut()
        .copy_from_slice(&wrapped.sealed[..KEY_LEN]);
    let tag = Tag::try_from(&wrapped.sealed[KEY_LEN..]).ok()?;
    wrapping
        .cipher()
        .decrypt_inout_detached(
            &XNonce::from(wrapped.nonce),
            context,
            master.bytes_mut().as_mut_slice().into(),
            &tag,
        )
        .ok()?;
    Some(master)
}

/// Encrypts the payload in place and appends the tag.
pub(crate) fn seal(
    master: &Key,
    nonce: &[u8; NONCE_LEN],
    associated: &[u8],
    mut plaintext: Zeroizing<Vec<u8>>,
) -> Vec<u8> {
    let tag = master
        .cipher()
        .encrypt_inout_detached(
            &XNonce::from(*nonce),
            associated,
            plaintext.as_mut_slice().into(),
        )
        .expect("the payload is far below XChaCha20-Poly1305's limits");
    // The buffer holds ciphertext now; it needs no wiping, so move it out of the Zeroizing wrapper.
    let mut ciphertext = std::mem::take(&mut *plaintext);
    ciphertext.extend_from_slice(&tag);
    ciphertext
}

/// Decrypts the payload; `None` when anything in the header or ciphertext changed.
pub(crate) fn open(
    master: &Key,
    nonce: &[u8; NONCE_LEN],
    associated: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let body_len = ciphertext.len().checked_sub(TAG_LEN)?;
    let tag = Tag::try_from(&ciphertext[body_len..]).ok()?;
    let mut plaintext = Zeroizing::new(ciphertext[..body_len].to_vec());
    master
        .cipher()
        .decrypt_inout_detached(
            &XNonce::from(*nonce),
            associated,
            plaintext.as_mut_slice().into(),
            &tag,
        )
        .ok()?;
    Some(plaintext)
}

/// SHA-256 over the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_round_trips_and_binds_the_context() {
        let wrapping = Key::random();
        let master = Key::random();
        let wrapped = wrap(&wrapping, &master, b"context");
        let back = unwrap(&wrapping, &wrapped, b"context").unwrap();
        assert_eq!(back.bytes(), master.bytes());
        assert!(unwrap(&wrapping, &wrapped, b"other").is_none());
        assert!(unwrap(&Key::random(), &wrapped, b"context").is_none());
        let mut flipped = wrapped.clone();
        flipped.sealed[3] ^= 1;
        assert!(unwrap(&wrapping, &flipped, b"context").is_none());
    }

    #[test]
    fn seal_round_trips_and_detects_changes() {
        let master = Key::random();
        let nonce = random::<NONCE_LEN>();
        let sealed = seal(
            &master,
            &nonce,
            b"header",
            Zeroizing::new(b"hello".to_vec()),
        );
        assert_eq!(sealed.len(), 5 + TAG_LEN);
        assert_ne!(&sealed[..5], b"hello");
        assert_eq!(
            open(&master, &nonce, b"header", &sealed)
                .unwrap()
                .as_slice(),
            b"hello"
        );
        assert!(open(&master, &nonce, b"headex", &sealed).is_none());
        assert!(open(&master, &nonce, b"header", &sealed[..10]).is_none());
        assert!(open(&master, &nonce, b"header", &sealed[..3]).is_none());
    }

    #[test]
    fn debug_hides_keys() {
        assert_eq!(format!("{:?}", Key::random()), "Key(<redacted>)");
    }
}
