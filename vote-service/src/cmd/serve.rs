//! `vote-service serve`: takes votes until SIGTERM/SIGINT, then finishes queued votes and stops.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use ipnet::IpNet;
use jiff::Timestamp;
use vote_service::client::TrustedProxies;
use vote_service::clock::Clock;
use vote_service::http::App;
use vote_service::manifest::Manifest;
use vote_service::secret::Secret;
use vote_service::store::index::IndexLimits;
use vote_service::store::{Store, writer};
use vote_service::{server, shutdown};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest written by `generator build`.
    #[arg(long, default_value = "output/api/cases.json")]
    pub manifest: PathBuf,
    /// The vote database (created if missing; its secret is kept beside it as <db>.secret).
    #[arg(long, default_value = "votes.redb")]
    pub db: PathBuf,
    /// Address to listen on; port 0 picks a free port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// A proxy whose X-Forwarded-For is believed (CIDR, e.g. 127.0.0.1/32); repeat for several.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub trusted_proxies: Vec<IpNet>,
    /// File holding the admin token for GET /api/export.
    #[arg(long)]
    pub admin_token_file: Option<PathBuf>,
    /// A site origin allowed to post votes from the browser (CORS), e.g. https://hall.example.org; repeat for several.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Run as if the clock read this instant (RFC 3339), advancing in real time: for rehearsals and tests only.
    #[arg(long)]
    pub now: Option<Timestamp>,
    /// Most connections served at once.
    #[arg(long, default_value_t = 10_000)]
    pub max_connections: usize,
    /// Most votes waiting to be written; beyond it votes are answered 503 with Retry-After.
    #[arg(long, default_value_t = 4096)]
    pub queue: usize,
    /// Ballots the index keeps in memory before writing them as a run (tests make it small to exercise the
    /// index's flushes and merges).
    #[arg(long, default_value_t = IndexLimits::default().memtable, hide = true)]
    pub index_memtable: usize,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&args.manifest)?;
    let store = Store::open(&args.db, &manifest.election)?;
    let secret =
        Secret::load_or_create(&args.db).with_context(|| format!("the secret beside {}", args.db.display()))?;
    let admin_token = match &args.admin_token_file {
        Some(path) => {
            let token = std::fs::read_to_string(path).with_context(|| format!("admin token {}", path.display()))?;
            let token = token.trim().to_owned();
            anyhow::ensure!(token.len() >= 16, "{}: the admin token must be at least 16 characters", path.display());
            Some(token)
        }
        None => None,
    };
    let clock = args.now.map_or_else(Clock::real, Clock::starting_at);
    if clock.is_shifted() {
        eprintln!(
            "vote-service: WARNING: the clock is shifted to start at {}; for rehearsals and tests only",
            clock.now()
        );
    }
    let healthy = Arc::new(AtomicBool::new(true));
    let limits = writer::Limits { queue: args.queue.max(1), ..writer::Limits::default() };
    let index = store.ballot_index(IndexLimits { memtable: args.index_memtable.max(1), ..IndexLimits::default() })?;
    let (queue, writer) = writer::spawn(Arc::clone(&store.db), index, limits, Arc::clone(&healthy));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let address = listener.local_addr()?;
        println!(
            "vote-service: election {} ({} cases), listening on http://{address}",
            manifest.election.id,
            manifest.cases.len()
        );
        let app = Arc::new(App {
            manifest,
            clock,
            proxies: TrustedProxies::new(args.trusted_proxies),
            store,
            secret,
            queue,
            admin_token,
            cors_origins: args.cors_origins,
            healthy,
        });
        server::run(listener, app, shutdown::signal(), args.max_connections.max(1)).await;
        anyhow::Ok(())
    })?;
    // The last App is gone with the server, so the queue is closed: the writer records what is left, then stops.
    writer.join().map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    eprintln!("vote-service: stopped; every acknowledged vote is on disk");
    Ok(())
}
