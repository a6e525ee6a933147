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

use crate::build::{BuildOptions, build};
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
}

/// The preview's shared state.
pub struct Preview {
    pub options: PreviewOptions,
    pub hub: Hub,
    /// The problems of the last build, shown over every page until a build succeeds.
    pub problem: Mutex<Option<String>>,
    pub votes: RwLock<Option<Arc<vote_service::http::App>>>,
    pub vote_backend: votes::Backend,
}

impl Preview {
    /// Builds the site and records the outcome: clears or sets the problem, refreshes the vote API's cases.
    /// Returns whether the build succeeded.
    pub fn rebuild(&self) -> bool {
        let started = std::time::Instant::now();
        match build(&self.options.build) {
            Ok((summary, report)) => {
                print_report(&report);
                println!(
                    "rebuilt {} cases in {} ms; photos: {} decoded, {} from cache",
                    summary.cases,
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
                    crate::build::BuildError::Content(report) => {
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
    let backend = votes::Backend::new()?;
    let preview = Arc::new(Preview {
        options: options.clone(),
        hub: Hub::default(),
        problem: Mutex::new(None),
        votes: RwLock::new(None),
        vote_backend: backend,
    });
    preview.rebuild();
    let _watcher = watch::start(Arc::clone(&preview))?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
            .await
            .map_err(|source| PreviewError::Listen { port: options.port, source })?;
        on_listening(listener.local_addr()?);
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
