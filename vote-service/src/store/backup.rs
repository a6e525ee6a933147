//! Backups while voting: a consistent copy of the database taken from one read snapshot, so that votes keep being
//! written while it is made and every vote acknowledged before the snapshot is in it; the secret goes with it (a
//! database without its secret cannot be served). Restoring copies both back and checks them.

use std::path::{Path, PathBuf};

use redb::{
    Database, Durability, Key, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition, TableHandle, Value,
};

use super::index::run::RunTable;
use super::tables::{AUDIT, CHAIN, DAILY, META, TOTALS};
use super::{CACHE_BYTES, Store, StoreError, damage, db_error};

/// Entries copied per write transaction of the copy (the copy is not live, so it need not be one transaction).
const CHUNK: usize = 50_000;

/// What a backup holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupSummary {
    pub file: String,
    pub secret: String,
    /// Counted votes (audit records) in the copy.
    pub votes: u64,
    pub bytes: u64,
}

impl Store {
    /// Writes a consistent copy of the database to `file` (which must not exist) and its secret beside it.
    pub fn backup_to(&self, file: &Path) -> Result<BackupSummary, StoreError> {
        let name = file.display().to_string();
        let err = db_error(&name);
        if file.exists() {
            return Err(StoreError::Database {
                path: name.clone(),
                message: "exists already; a backup never overwrites".into(),
            });
        }
        let secret_from = crate::secret::path_for(Path::new(&self.path));
        let secret_to = crate::secret::path_for(file);
        let partial = partial_name(file);
        let _ = std::fs::remove_file(&partial);
        let votes = damage::guard(&self.path, || {
            let snapshot = self.db.begin_read().map_err(|e| db_error(&self.path)(&e))?;
            let copy = Database::builder().set_cache_size(CACHE_BYTES / 4).create(&partial).map_err(|e| err(&e))?;
            copy_tables(&snapshot, &copy).map_err(|e| err(&e))
        });
        let votes = match votes {
            Ok(votes) => votes,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::copy(&secret_from, &secret_to).map_err(|e| err(&format!("copying the secret: {e}")))?;
        std::fs::File::open(&secret_to).and_then(|f| f.sync_all()).map_err(|e| err(&e))?;
        std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| err(&e))?;
        std::fs::rename(&partial, file).map_err(|e| err(&e))?;
        let bytes = std::fs::metadata(file).map_or(0, |m| m.len());
        Ok(BackupSummary { file: name.clone(), secret: secret_to.display().to_string(), votes, bytes })
    }
}

/// `votes.redb` is written as `votes.redb.partial` and renamed when complete.
fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

/// Copies every table of `snapshot` into `copy`; returns the number of audit records. A table this service does not
/// know is an error: a backup that leaves something out is not a backup.
fn copy_tables(snapshot: &ReadTransaction, copy: &Database) -> Result<u64, redb::Error> {
    let names: Vec<String> = snapshot.list_tables()?.map(|t| t.name().to_owned()).collect();
    let mut votes = 0;
    for name in names {
        match name.as_str() {
            "meta" => copy_table(snapshot, copy, META)?,
            "totals" => copy_table(snapshot, copy, TOTALS)?,
            "daily" => copy_table(snapshot, copy, DAILY)?,
            "audit_chain" => copy_table(snapshot, copy, CHAIN)?,
            "audit" => {
                copy_table(snapshot, copy, AUDIT)?;
                let audit = snapshot.open_table(AUDIT)?;
                votes = super::audit::next_seq(&audit)?;
            }
            run if run.starts_with("ballot_run_") => copy_table(snapshot, copy, RunTable::new(run))?,
            other => return Err(redb::Error::Corrupted(format!("unknown table '{other}': not copied"))),
        }
    }
    Ok(votes)
}

fn copy_table<K: Key + 'static, V: Value + 'static>(
    snapshot: &ReadTransaction,
    copy: &Database,
    table: TableDefinition<K, V>,
) -> Result<(), redb::Error> {
    let source = snapshot.open_table(table)?;
    let mut entries = source.iter()?.peekable();
    let mut first = true;
    while first || entries.peek().is_some() {
        first = false;
        let mut txn = copy.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        {
            let mut target = txn.open_table(table)?;
            for entry in entries.by_ref().take(CHUNK) {
                let (key, value) = entry?;
                target.insert(key.value(), value.value())?;
            }
        }
        txn.commit()?;
    }
    Ok(())
}
