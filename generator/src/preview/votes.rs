//! The preview's vote API: the vote service's own request handling and group-commit writer, on a database in a
//! temporary folder that disappears with the preview. Its clock is inside the voting window (at 10:00 of the first
//! day) unless the real date already is, so that the vote button can be tried at any time of year.

use std::path::Path;
use std::sync::Arc;

use vote_service::clock::Clock;
use vote_service::election::Window;
use vote_service::http::App;
use vote_service::manifest::Manifest;
use vote_service::service::{Service, Settings, Sizes};

/// The database of one set of election rules, and its running writer.
struct Election {
    rules: String,
    service: Service,
}

/// The throw-away database and, once a manifest is known, its writer.
pub struct Backend {
    dir: tempfile::TempDir,
    /// The service, kept for as long as the election's rules stay the same.
    current: std::sync::Mutex<Option<Election>>,
    databases: std::sync::atomic::AtomicU32,
    /// The preview's own port: its pages post votes from `http://127.0.0.1:<port>` (or `localhost`), not from
    /// the site's base_url.
    port: std::sync::OnceLock<u16>,
}

impl Backend {
    pub fn new() -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("hall-preview-votes-").tempdir()?;
        Ok(Backend { dir, current: Default::default(), databases: Default::default(), port: Default::default() })
    }

    /// Sets the origin the preview's pages are served from, once it listens.
    pub fn served_from(&self, address: std::net::SocketAddr) {
        let _ = self.port.set(address.port());
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
            match Service::open(&db, &manifest, Sizes::default()) {
                Ok(service) => *current = Some(Election { rules, service }),
                Err(e) => {
                    eprintln!("preview votes: {e}");
                    return None;
                }
            }
        }
        let election = current.as_ref()?;
        let port = self.port.get();
        let settings = Settings {
            clock: Some(preview_clock(&manifest)),
            own_origin: port.map(|port| format!("http://127.0.0.1:{port}")),
            partners: port.map(|port| format!("http://localhost:{port}")).into_iter().collect(),
            ..Settings::default()
        };
        Some(Arc::new(election.service.app(manifest, settings)))
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
