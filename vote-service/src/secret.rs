//! The keyed hash that stands in for raw client addresses: a secret generated at the first start and kept in a
//! file beside the database (`<db>.secret`), so identical clients hash alike across restarts but the stored hashes
//! cannot be reversed by trying every address without the secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The service's secret key, kept as an HMAC already keyed with it (the key schedule is done once, not per vote).
#[derive(Clone)]
pub struct Secret(Hmac<Sha256>);

impl Secret {
    fn from_key(key: &[u8; 32]) -> Self {
        Secret(Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length"))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// Reads the secret file at `path` (see [`path_for`]); `None` when there is none.
    pub fn load(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read(path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes).map(|key| Some(Secret::from_key(&key))).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a 32-byte secret", path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    }

    /// Makes a new random secret at `path`, readable by its owner only; never replaces an existing file.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path)?;
        file.write_all(&key)?;
        file.sync_all()?;
        Ok(Secret::from_key(&key))
    }

    /// Names this secret without revealing it: what the database keeps to recognise its own secret.
    pub fn fingerprint(&self) -> String {
        self.hash(&[b"vote-service secret fingerprint"]).iter().map(|b| format!("{b:02x}")).collect()
    }

    #[cfg(test)]
    pub fn fixed(byte: u8) -> Self {
        Secret::from_key(&[byte; 32])
    }

    /// HMAC-SHA256 of `parts` (joined unambiguously), first 16 bytes.
    pub fn hash(&self, parts: &[&[u8]]) -> [u8; 16] {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(&(part.len() as u32).to_be_bytes());
            mac.update(part);
        }
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }
}

/// `votes.redb` keeps its secret in `votes.redb.secret`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".secret");
    db.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_survives_a_restart_and_keys_the_hash_and_is_never_replaced() {
        let dir = tempfile::tempdir().expect("temp");
        let db = dir.path().join("votes.redb");
        let path = path_for(&db);
        assert!(Secret::load(&path).expect("no secret yet").is_none());
        let first = Secret::create(&path).expect("create");
        assert!(Secret::create(&path).is_err(), "an existing secret is never replaced");
        let again = Secret::load(&path).expect("load").expect("there");
        assert_eq!(first.fingerprint(), again.fingerprint());
        assert_ne!(first.fingerprint(), Secret::fixed(1).fingerprint());
        assert_eq!(first.hash(&[b"x"]), again.hash(&[b"x"]));
        assert_ne!(first.hash(&[b"x"]), Secret::fixed(1).hash(&[b"x"]));
        assert_ne!(first.hash(&[b"ab", b"c"]), first.hash(&[b"a", b"bc"]));
    }
}
