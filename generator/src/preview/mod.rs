//! `generator serve`: the editors' preview. It builds the site, serves `output/` on 127.0.0.1, rebuilds when
//! `content/` or the theme changes ([`watch`]), reloads the browser by itself or shows the build's problems over the
//! page ([`live_reload`]), and answers votes with the vote service's own code on a throw-away database ([`votes`]),
//! so that the vote button works in the preview.

pub mod live_reload;
pub mod static_files;
pub mod votes;
pub mod watch;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};

use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::build::{
    BuildError, BuildOptions, BuildSummary, Memory, build_keeping, check_output_folder, rebuild, refresh_search,
};
use crate::diagnostics::Report;
use live_reload::Hub;

/// A response body of any kind: a file, a vote answer or the event stream.
pub type Body = BoxBody<Bytes, Infallible>;

/// What the preview needs.
#[derive(Debug, Clone)]
pub struct PreviewOptions {
    pub build: BuildOptions,
    /// 0 picks a free port.
    pub port: u16,
}

/// Why the preview cannot run.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("cannot watch for changes: {0}")]
    Watch(String),
    #[error("{0}")]
    Output(BuildError),
}

/// The preview's shared state.
pub struct Preview {
    pub options: PreviewOptions,
    pub hub: Hub,
    /// The problems of the last build, shown over every page until a build succeeds.
    pub problem: Mutex<Option<String>>,
    pub votes: RwLock<Option<Arc<vote_service::http::App>>>,
    pub vote_backend: votes::Backend,
    /// What the last good build knows, to rebuild only what a change touches; `None` until a build succeeds.
    pub memory: Mutex<Option<Memory>>,
}

impl Preview {
    /// Builds the whole site and records the outcome. Returns whether the build succeeded.
    pub fn build(&self) -> bool {
        let started = std::time::Instant::now();
        let outcome = build_keeping(&self.options.build).map(|(summary, report, memory)| {
            *self.memory.lock().expect("memory lock") = Some(memory);
            (summary, report)
        });
        self.record(outcome, started, None)
    }

    /// Rebuilds after the files `changed` changed: only what they touch when a good build is in memory, else
    /// everything. Returns whether the rebuild succeeded; when it did not, the same changes must be given again.
    pub fn rebuild(&self, changed: &BTreeSet<PathBuf>) -> bool {
        let started = std::time::Instant::now();
        let mut memory = self.memory.lock().expect("memory lock");
        let outcome = match memory.as_mut() {
            Some(memory) => rebuild(&self.options.build, memory, changed),
            None => build_keeping(&self.options.build).map(|(summary, report, fresh)| {
                *memory = Some(fresh);
                (summary, report)
            }),
        };
        drop(memory);
        self.record(outcome, started, Some(changed.len()))
    }

    /// Brings the search index up to date after a rebuild (it lags by design, so that the page reloads sooner).
    pub fn refresh_search(&self) {
        let started = std::time::Instant::now();
        let mut memory = self.memory.lock().expect("memory lock");
        let Some(memory) = memory.as_mut() else { return };
        match refresh_search(&self.options.build, memory) {
            Ok(true) => println!("search index updated in {} ms", started.elapsed().as_millis()),
            Ok(false) => {}
            Err(e) => eprintln!("the search index could not be updated: {e}"),
        }
    }

    /// Prints the outcome of a build, clears or sets the problem shown over the pages, and refreshes the vote API's
    /// cases.
    fn record(
        &self,
        outcome: Result<(BuildSummary, Report), BuildError>,
        started: std::time::Instant,
        changes: Option<usize>,
    ) -> bool {
        match outcome {
            Ok((summary, report)) => {
                print_report(&report);
                let what = match changes {
                    Some(_) => format!(
                        "{} cases, {} pages rendered, {} files changed",
                        summary.cases, summary.pages, summary.files
                    ),
                    None => format!("{} cases", summary.cases),
                };
                println!(
                    "rebuilt {what} in {} ms; photos: {} decoded, {} from cache",
                    started.elapsed().as_millis(),
                    summary.photos.decoded,
                    summary.photos.from_cache
                );
                *self.problem.lock().expect("problem lock") = None;
                let manifest = self.options.build.output.join("api/cases.json");
                *self.votes.write().expect("votes lock") = self.vote_backend.app_for(&manifest);
                true
            }
            Err(e) => {
                let text = match &e {
                    BuildError::Content(report) => {
                        report.sorted().iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
                    }
                    other => other.to_string(),
                };
                eprintln!("{text}\nthe build failed; the last good site is still served");
                *self.problem.lock().expect("problem lock") = Some(text);
                false
            }
        }
    }
}

fn print_report(report: &Report) {
    for problem in report.sorted() {
        eprintln!("{problem}");
    }
}

/// Runs the preview until Ctrl-C. `on_listening` gets the address once the server accepts connections.
pub fn run(options: PreviewOptions, on_listening: impl FnOnce(SocketAddr)) -> Result<(), PreviewError> {
    // A wrong output folder is no broken edit to show over the page: the preview must not start at all.
    check_output_folder(&options.build).map_err(PreviewError::Output)?;
    let backend = votes::Backend::new()?;
    let preview = Arc::new(Preview {
        options: options.clone(),
        hub: Hub::default(),
        problem: Mutex::new(None),
        votes: RwLock::new(None),
        vote_backend: backend,
        memory: Mutex::new(None),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(("127.0.0.1", options.port)))
        .map_err(|source| PreviewError::Listen { port: options.port, source })?;
    let address = listener.local_addr()?;
    // The pages post votes from the preview's own address, which the vote API must know before the first build.
    preview.vote_backend.served_from(address);
    preview.build();
    let _watcher = watch::start(Arc::clone(&preview))?;
    runtime.block_on(async move {
        on_listening(address);
        let stop = vote_service::shutdown::signal();
        tokio::pin!(stop);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(_) => continue,
                },
                () = &mut stop => break,
            };
            let preview = Arc::clone(&preview);
            let service = service_fn(move |request| {
                let preview = Arc::clone(&preview);
                async move { Ok::<_, Infallible>(route(preview, peer, request).await) }
            });
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
        Ok(())
    })
}

async fn route(preview: Arc<Preview>, peer: SocketAddr, request: Request<Incoming>) -> Response<Body> {
    let path = request.uri().path();
    if path == live_reload::PATH {
        return preview.hub.subscribe(preview.problem.lock().expect("problem lock").clone());
    }
    if path.starts_with("/api/") || path == "/healthz" {
        let app = preview.votes.read().expect("votes lock").clone();
        return match app {
            Some(app) => vote_service::http::handle(app, peer.ip(), request).await.map(|b| b.boxed()),
            None => static_files::plain(503, "the site has not been built yet; see the terminal"),
        };
    }
    let problem = preview.problem.lock().expect("problem lock").clone();
    static_files::serve(&preview.options.build.output, path, problem.as_deref())
}
