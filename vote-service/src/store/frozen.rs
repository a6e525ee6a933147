//! What may not change once the election holds votes: its rules (id, window, time zone, scope), when its counts
//! are shown, the cases that hold votes, and the secret that keys the client hashes. A manifest or a secret that
//! would change them is refused with a message, so that no careless restart can count a client twice or reveal
//! counts early.

use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata};

use super::tables::{AUDIT, META, TOTALS};
use super::{Store, StoreError, db_error};
use crate::manifest::Manifest;
use crate::secret::Secret;

impl Store {
    /// Records the election's rules, or refuses a manifest that changes them once the database holds votes.
    pub(super) fn freeze_rules(&self, manifest: &Manifest) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let election = &manifest.election;
        let settings = [("rules", election.frozen_rules()), ("tally_visibility", election.visibility_name())];
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| err(&e))?;
            let has_votes = !txn.open_table(AUDIT).map_err(|e| err(&e))?.is_empty().map_err(|e| err(&e))?;
            for (key, wanted) in &settings {
                let stored = meta.get(*key).map_err(|e| err(&e))?.map(|v| v.value().to_owned());
                match stored {
                    Some(stored) if &stored == wanted => {}
                    Some(stored) if has_votes => {
                        let (stored, manifest) = (format!("{key}: {stored}"), format!("{key}: {wanted}"));
                        return Err(StoreError::RulesChanged { path: self.path.clone(), stored, manifest });
                    }
                    _ => {
                        meta.insert(*key, wanted.as_str()).map_err(|e| err(&e))?;
                    }
                }
            }
            let totals = txn.open_table(TOTALS).map_err(|e| err(&e))?;
            for entry in totals.iter().map_err(|e| err(&e))? {
                let (case, votes) = entry.map_err(|e| err(&e))?;
                if votes.value() > 0 && !manifest.cases.contains_key(case.value()) {
                    let (case, votes) = (case.value().to_owned(), votes.value());
                    return Err(StoreError::CaseRemoved { path: self.path.clone(), case, votes });
                }
            }
        }
        txn.commit().map_err(|e| err(&e))
    }

    /// The secret beside the database, checked against the fingerprint the database keeps: a database that holds
    /// votes never gets a new secret (every client would vote again), nor another database's. A database without
    /// votes gets a new secret when it has none, and records its fingerprint.
    pub fn secret(&self) -> Result<Secret, StoreError> {
        let err = db_error(&self.path);
        let secret_path = crate::secret::path_for(std::path::Path::new(&self.path));
        let secret_name = secret_path.display().to_string();
        let has_votes = self.has_votes()?;
        let secret = match Secret::load(&secret_path).map_err(|e| err(&e))? {
            Some(secret) => secret,
            None if has_votes => {
                return Err(StoreError::SecretMissing { path: self.path.clone(), secret: secret_name });
            }
            None => Secret::create(&secret_path).map_err(|e| err(&e))?,
        };
        let fingerprint = secret.fingerprint();
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| err(&e))?;
            let stored = meta.get("secret_fingerprint").map_err(|e| err(&e))?.map(|v| v.value().to_owned());
            match stored {
                Some(stored) if stored == fingerprint => {}
                Some(_) if has_votes => {
                    return Err(StoreError::SecretMismatch { path: self.path.clone(), secret: secret_name });
                }
                // A database made before fingerprints were kept, or one without votes: this secret is its own.
                _ => {
                    meta.insert("secret_fingerprint", fingerprint.as_str()).map_err(|e| err(&e))?;
                }
            }
        }
        txn.commit().map_err(|e| err(&e))?;
        Ok(secret)
    }

    /// For `verify`: whether the secret beside the database is the one it was made with, without changing either.
    pub fn check_secret(&self) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let secret_path = crate::secret::path_for(std::path::Path::new(&self.path));
        let secret_name = secret_path.display().to_string();
        if !self.has_votes()? {
            return Ok(());
        }
        let Some(secret) = Secret::load(&secret_path).map_err(|e| err(&e))? else {
            return Err(StoreError::SecretMissing { path: self.path.clone(), secret: secret_name });
        };
        let txn = self.db.begin_read().map_err(|e| err(&e))?;
        let meta = txn.open_table(META).map_err(|e| err(&e))?;
        match meta.get("secret_fingerprint").map_err(|e| err(&e))? {
            Some(stored) if stored.value() != secret.fingerprint() => {
                Err(StoreError::SecretMismatch { path: self.path.clone(), secret: secret_name })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::manifest::{Manifest, SAMPLE};
    use crate::store::Store;
    use crate::store::StoreError;
    use crate::store::ballot::{Ballot, Signals, Vote};
    use crate::store::index::IndexLimits;
    use crate::store::writer::record;

    fn with_one_vote(db: &Path) -> Store {
        let manifest = Manifest::parse(SAMPLE).expect("manifest");
        let store = Store::open(db, &manifest).expect("open");
        let secret = store.secret().expect("secret");
        let mut index = store.ballot_index(IndexLimits::default()).expect("index");
        let now = jiff::Timestamp::from_second(1_598_320_800).expect("instant");
        let client = crate::client::ClientKey::from_ip("10.0.0.1".parse().expect("ip"));
        let day = "2020-08-25".parse().expect("day");
        let vote = Vote { case: "a", scope: "", client, at: now, day, signals: Signals::default() };
        let ballot = Ballot::new(&secret, "test-2020", &vote);
        record(&store.db, &mut index, &[&ballot]).expect("record");
        store
    }

    #[test]
    fn a_database_with_votes_never_gets_a_new_secret() {
        let dir = tempfile::tempdir().expect("temp");
        let db = dir.path().join("votes.redb");
        let store = with_one_vote(&db);
        store.secret().expect("its own secret again");
        store.check_secret().expect("verify agrees");
        let secret = crate::secret::path_for(&db);
        let original = std::fs::read(&secret).expect("secret");
        std::fs::remove_file(&secret).expect("remove");
        assert!(matches!(store.secret(), Err(StoreError::SecretMissing { .. })));
        assert!(matches!(store.check_secret(), Err(StoreError::SecretMissing { .. })));
        assert!(!secret.exists(), "no new secret was made");
        std::fs::write(&secret, [7u8; 32]).expect("another secret");
        let message = store.secret().expect_err("mismatch").to_string();
        assert!(message.contains("is not the secret") && message.contains("votes.redb.secret"), "{message}");
        assert!(matches!(store.check_secret(), Err(StoreError::SecretMismatch { .. })));
        std::fs::write(&secret, original).expect("restored");
        store.secret().expect("the restored secret is accepted");
    }

    #[test]
    fn visibility_and_cases_with_votes_are_frozen() {
        let dir = tempfile::tempdir().expect("temp");
        let db = dir.path().join("votes.redb");
        drop(with_one_vote(&db));
        let live = Manifest::parse(&SAMPLE.replace("after_close", "live")).expect("manifest");
        let message = Store::open(&db, &live).err().expect("refused").to_string();
        assert!(message.contains("tally_visibility: after_close") && message.contains("live"), "{message}");
        let without_a =
            SAMPLE.replace(r#"{"id": "a", "title": "甲", "category": "c1", "domain": "d", "url": "/cases/a/"},"#, "");
        let message = Store::open(&db, &Manifest::parse(&without_a).expect("manifest")).err().expect("refused");
        assert!(matches!(message, StoreError::CaseRemoved { ref case, votes: 1, .. } if case == "a"), "{message}");
        let without_b =
            SAMPLE.replace(r#"{"id": "b", "title": "乙", "category": "c1", "domain": "d", "url": "/cases/b/"},"#, "");
        Store::open(&db, &Manifest::parse(&without_b).expect("manifest")).expect("a case without votes may go");
    }
}
