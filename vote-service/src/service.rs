//! One vote service, assembled: the database opened for the manifest's election (its rules frozen), the secret
//! checked against the database, the ballot index, the group-commit writer, and the health flag the writer and
//! `/healthz` share. `vote-service serve` and the generator's preview both start it this way.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread::JoinHandle;

use tokio::sync::mpsc;

use crate::client::TrustedProxies;
use crate::clock::Clock;
use crate::http::App;
use crate::manifest::Manifest;
use crate::metrics::Metrics;
use crate::origin::Origins;
use crate::secret::Secret;
use crate::store::index::IndexLimits;
use crate::store::writer::{self, Job};
use crate::store::{Store, StoreError};

/// Sizes of the writer's queue and batches and of the ballot index's memtable.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub writer: writer::Limits,
    pub index: IndexLimits,
}

/// How requests are answered: everything of an [`App`] that is not the database.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub clock: Option<Clock>,
    pub proxies: TrustedProxies,
    pub admin_token: Option<String>,
    /// Partner sites allowed to post votes (`--cors-origin`), besides the hall's own origin from the manifest.
    pub partners: Vec<String>,
    /// The hall's origin when it is not the manifest's `base_url` (the preview, on a local port).
    pub own_origin: Option<String>,
    /// Where `POST /api/backup` writes.
    pub backup_dir: Option<std::path::PathBuf>,
}

/// The database, its secret and the running writer.
pub struct Service {
    pub store: Store,
    pub secret: Secret,
    queue: mpsc::Sender<Job>,
    healthy: Arc<AtomicBool>,
    metrics: Arc<Metrics>,
    writer: JoinHandle<()>,
}

impl Service {
    /// Opens `db` for the election of `manifest` and starts the writer.
    pub fn open(db: &Path, manifest: &Manifest, sizes: Sizes) -> Result<Self, StoreError> {
        let store = Store::open(db, manifest)?;
        let secret = store.secret()?;
        let index = store.ballot_index(sizes.index)?;
        let healthy = Arc::new(AtomicBool::new(true));
        let metrics = Arc::new(Metrics::default());
        let (queue, writer) =
            writer::spawn(Arc::clone(&store.db), index, sizes.writer, Arc::clone(&healthy), metrics.writer.clone());
        Ok(Service { store, secret, queue, healthy, metrics, writer })
    }

    /// What answers requests for `manifest`'s election with this database.
    pub fn app(&self, manifest: Manifest, settings: Settings) -> App {
        let own = settings.own_origin.as_deref().or(manifest.base_url.as_deref());
        let origins = Origins::new(own, &settings.partners);
        App {
            manifest,
            clock: settings.clock.unwrap_or_else(Clock::real),
            proxies: settings.proxies,
            store: self.store.clone(),
            secret: self.secret.clone(),
            queue: self.queue.clone(),
            admin_token: settings.admin_token,
            origins,
            healthy: Arc::clone(&self.healthy),
            metrics: Arc::clone(&self.metrics),
            backup_dir: settings.backup_dir,
        }
    }

    /// Whether every commit so far succeeded.
    pub fn healthy(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.healthy)
    }

    /// Waits until every [`App`] made by [`Service::app`] is gone and the writer has recorded every queued vote.
    pub fn finish(self) -> std::thread::Result<()> {
        drop(self.queue);
        self.writer.join()
    }
}
