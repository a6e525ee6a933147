//! `vote-service serve`: takes votes until SIGTERM/SIGINT, then finishes queued votes and stops.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use ipnet::IpNet;
use jiff::Timestamp;
use vote_service::client::TrustedProxies;
use vote_service::clock::Clock;
use vote_service::manifest::Manifest;
use vote_service::server::ConnectionLimits;
use vote_service::service::{Service, Settings, Sizes};
use vote_service::store::index::IndexLimits;
use vote_service::store::writer;
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
    /// A partner site allowed to post votes (CORS, and form posts), e.g. https://news.example.com; repeat for
    /// several. The hall's own origin (the manifest's base_url) is always allowed; votes from other sites are refused.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Run as if the clock read this instant (RFC 3339), advancing in real time: for rehearsals and tests only.
    #[arg(long)]
    pub now: Option<Timestamp>,
    /// Most connections served at once.
    #[arg(long, default_value_t = 10_000)]
    pub max_connections: usize,
    /// Folder where `POST /api/backup` (and `vote-service backup --service`) writes backups; must exist.
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// Also serve `GET /metrics` without the admin token on this address (e.g. one on the monitoring network).
    #[arg(long, value_name = "ADDRESS")]
    pub metrics_listen: Option<SocketAddr>,
    /// Most connections from one client (an IPv4 address or IPv6 /64) at once; trusted proxies are exempt.
    #[arg(long, default_value_t = 64)]
    pub max_connections_per_client: usize,
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
    if let Some(dir) = &args.backup_dir {
        anyhow::ensure!(dir.is_dir(), "--backup-dir {}: no such folder", dir.display());
    }
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
    let sizes = Sizes {
        writer: writer::Limits { queue: args.queue.max(1), ..writer::Limits::default() },
        index: IndexLimits { memtable: args.index_memtable.max(1), ..IndexLimits::default() },
    };
    let service = Service::open(&args.db, &manifest, sizes)?;
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
        let settings = Settings {
            clock: Some(clock),
            proxies: TrustedProxies::new(args.trusted_proxies),
            admin_token,
            partners: args.cors_origins,
            own_origin: None,
            backup_dir: args.backup_dir,
        };
        let app = Arc::new(service.app(manifest, settings));
        let day_close = tokio::spawn(vote_service::day_close::announce(Arc::clone(&app)));
        let metrics = match args.metrics_listen {
            Some(address) => {
                let listener = tokio::net::TcpListener::bind(address)
                    .await
                    .with_context(|| format!("cannot listen for metrics on {address}"))?;
                // On stderr, and never failing: whoever started us may have read the first line and closed stdout.
                let _ =
                    writeln!(std::io::stderr(), "vote-service: metrics on http://{}/metrics", listener.local_addr()?);
                Some(tokio::spawn(server::run_metrics(listener, Arc::clone(&app))))
            }
            None => None,
        };
        let limits = ConnectionLimits { max: args.max_connections, per_client: args.max_connections_per_client };
        let stop = async {
            tokio::select! {
                () = shutdown::signal() => {}
                () = shutdown::unhealthy(service.healthy()) => {}
            }
        };
        server::run(listener, app, stop, limits).await;
        // The side tasks hold the app, whose queue the writer waits to see closed.
        for task in std::iter::once(day_close).chain(metrics) {
            task.abort();
            let _ = task.await;
        }
        anyhow::Ok(())
    })?;
    // The last App is gone with the server, so the queue is closed: the writer records what is left, then stops.
    let failed = !service.healthy().load(std::sync::atomic::Ordering::Relaxed);
    service.finish().map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    anyhow::ensure!(
        !failed,
        "a commit to {} failed (see above), and the database takes no more writes until it is opened again; \
         stopped so that the service manager restarts it (systemd: Restart=on-failure). Every acknowledged vote is \
         on disk; if the disk is full, free space first",
        args.db.display()
    );
    eprintln!("vote-service: stopped; every acknowledged vote is on disk");
    Ok(())
}
