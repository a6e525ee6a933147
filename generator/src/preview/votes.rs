//! The preview's vote API: the vote service's own request handling and group-commit writer, on a database in a
//! temporary folder that disappears with the preview. Its clock is inside the voting window (at 10:00 of the first
//! day) unless the real date already is, so that the vote button can be tried at any time of year.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use vote_service::client::TrustedProxies;
use vote_service::clock::Clock;
use vote_service::election::Window;
use vote_service::http::App;
use vote_service::manifest::Manifest;
use vote_service::secret::Secret;
use vote_service::store::index::IndexLimits;
use vote_service::store::{Store, writer};

/// The database of one set of election rules, with its secret and its writer's queue.
struct Election {
    rules: String,
    store: Store,
    secret: Secret,
    queue: tokio::sync::mpsc::Sender<writer::Job>,
}

/// The throw-away database and, once a manifest is known, its writer.
pub struct Backend {
    dir: tempfile::TempDir,
    /// The store and the writer's queue, kept for as long as the election's rules stay the same.
    current: std::sync::Mutex<Option<Election>>,
    databases: std::sync::atomic::AtomicU32,
}

impl Backend {
    pub fn new() -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("hall-preview-votes-").tempdir()?;
        Ok(Backend { dir, current: Default::default(), databases: Default::default() })
    }

    /// The vote API for the manifest at `path`; `None` when there is none or it is unusable (said on stderr).
    pub fn app_for(&self, path: &Path) -> Option<Arc<App>> {
        let manifest = match Manifest::load(path) {
            Ok(manifest) => manifest,
            Err(e) => {
                eprintln!("preview votes: {e}");
                return None;
            }
        };
        let rules = manifest.election.frozen_rules();
        let mut current = self.current.lock().expect("backend lock");
        let reuse = current.as_ref().is_some_and(|e| e.rules == rules);
        if !reuse {
            // New election rules: a fresh database, as the preview's votes are only for trying the button.
            let number = self.databases.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let db = self.dir.path().join(format!("votes-{number}.redb"));
            let store = match Store::open(&db, &manifest.election) {
                Ok(store) => store,
                Err(e) => {
                    eprintln!("preview votes: {e}");
                    return None;
                }
            };
            let secret = Secret::load_or_create(&db).ok()?;
            let index = match store.ballot_index(IndexLimits::default()) {
                Ok(index) => index,
                Err(e) => {
                    eprintln!("preview votes: {e}");
                    return None;
                }
            };
            let healthy = Arc::new(AtomicBool::new(true));
            let (queue, _writer) = writer::spawn(Arc::clone(&store.db), index, writer::Limits::default(), healthy);
            *current = Some(Election { rules, store, secret, queue });
        }
        let Election { store, secret, queue, .. } = current.as_ref()?;
        let clock = preview_clock(&manifest);
        Some(Arc::new(App {
            manifest,
            clock,
            proxies: TrustedProxies::default(),
            store: store.clone(),
            secret: secret.clone(),
            queue: queue.clone(),
            admin_token: None,
            cors_origins: Vec::new(),
            healthy: Arc::new(AtomicBool::new(true)),
        }))
    }
}

/// The real clock when today is a voting day, else one that starts at 10:00 on the first voting day.
fn preview_clock(manifest: &Manifest) -> Clock {
    let election = &manifest.election;
    if matches!(election.window(jiff::Timestamp::now()), Window::Open { .. }) {
        return Clock::real();
    }
    let ten = election.start_of(election.opens).checked_add(jiff::SignedDuration::from_hours(10));
    Clock::starting_at(ten.unwrap_or_else(|_| election.start_of(election.opens)))
}
