//! Secrets the server must read back (an authenticator app's TOTP secret), sealed at rest with
//! a key that lives outside the database: XChaCha20-Poly1305 with a random nonce, bound to the
//! row it belongs to, so a copy of the database alone gives nobody a second factor, and a sealed
//! secret moved onto another account does not open.
//!
//! The key comes from `RINNALLA_SECRET_KEY` (64 hex digits); production refuses to start
//! without it. A development server without it keeps a random key in a file of its own.

use base64::{Engine, engine::general_purpose::STANDARD_NO_PAD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use rand::RngCore;

/// The version tag of a sealed value: a later key or algorithm gets another.
const VERSION: &str = "v1";

/// The server's key for sealing secrets. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the secret key must be 64 hexadecimal digits (32 bytes)")]
    Malformed,
}

/// A sealed value does not open: another key, another row, or changed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed secret does not open with this key")]
pub struct Unsealable;

impl SecretKey {
    /// Reads 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if text.len() != 64 {
            return Err(KeyError::Malformed);
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2).ok_or(KeyError::Malformed)?, 16)
                .map_err(|_| KeyError::Malformed)?;
        }
        Ok(Self(key))
    }

    /// A fresh random key, as 64 hex digits (for a development server's key file, and tests).
    pub fn random_hex() -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        key.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Seals `secret` for the row named by `context` (e.g. "totp:42").
    pub fn seal(&self, secret: &[u8], context: &str) -> String {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        // Encrypting into a Vec cannot fail for inputs this small.
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad: context.as_bytes() })
            .unwrap_or_default();
        format!("{VERSION}:{}:{}", STANDARD_NO_PAD.encode(nonce), STANDARD_NO_PAD.encode(sealed))
    }

    /// Opens what [`SecretKey::seal`] sealed for the same `context`.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, Unsealable> {
        let mut parts = sealed.splitn(3, ':');
        let (Some(VERSION), Some(nonce), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Unsealable);
        };
        let nonce = STANDARD_NO_PAD.decode(nonce).map_err(|_| Unsealable)?;
        let body = STANDARD_NO_PAD.decode(body).map_err(|_| Unsealable)?;
        if nonce.len() != 24 {
            return Err(Unsealable);
        }
        XChaCha20Poly1305::new((&self.0).into())
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &body, aad: context.as_bytes() })
            .map_err(|_| Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::from_hex(&SecretKey::random_hex()).unwrap()
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_for_its_row_only() {
        let key = key();
        let sealed = key.seal(b"twenty bytes secret!", "totp:7");
        assert!(!sealed.contains("twenty"), "{sealed}");
        assert_eq!(key.open(&sealed, "totp:7").unwrap(), b"twenty bytes secret!");
        // Another row, another key, a changed byte: nothing.
        assert_eq!(key.open(&sealed, "totp:8"), Err(Unsealable));
        assert_eq!(self::key().open(&sealed, "totp:7"), Err(Unsealable));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(key.open(&String::from_utf8(tampered).unwrap(), "totp:7"), Err(Unsealable));
        assert_eq!(key.open("v2:abc:def", "totp:7"), Err(Unsealable));
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        let key = key();
        assert_ne!(key.seal(b"secret", "totp:1"), key.seal(b"secret", "totp:1"));
    }

    #[test]
    fn a_key_is_sixty_four_hex_digits() {
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_ok());
        assert_eq!(SecretKey::from_hex(&"ab".repeat(31)).unwrap_err(), KeyError::Malformed);
        assert_eq!(SecretKey::from_hex(&"zz".repeat(32)).unwrap_err(), KeyError::Malformed);
        assert_eq!(SecretKey::from_hex(&"é".repeat(32)).unwrap_err(), KeyError::Malformed);
        assert!(!format!("{:?}", key()).contains(|c: char| c.is_ascii_digit()));
    }
}
