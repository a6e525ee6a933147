//! The accept loop: HTTP/1.1 connections served with hyper, at most `max_connections` at a time and at most
//! `per_client` from one client, each with a header-read timeout and a bound on its headers, and a graceful stop
//! that lets requests in flight (and votes in the queue) finish.
//!
//! Memory is bounded: a connection holds at most [`MAX_HEADER_BYTES`] of request head (more is answered 431) and
//! [`crate::http::MAX_BODY`] of body, so all connections together hold at most `max_connections` times that.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::connections::{PerClient, TOO_MANY};
use crate::http::{self, App};
use crate::log::Throttled;

/// How long a client may take to send its request headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful stop waits for requests in flight.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// The most bytes of request line and headers a client may send (hyper's own default is about 400 KB); a vote's
/// request head is a few hundred bytes, a browser's with cookies a few KB.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How many connections are served at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// In all.
    pub max: usize,
    /// From one client (an IPv4 address or an IPv6 /64), trusted proxies excepted.
    pub per_client: usize,
}

/// Serves `app` on `listener` until `shutdown` completes, then drains.
pub async fn run(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>, limits: ConnectionLimits) {
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(limits.max.max(1)));
    let per_client = PerClient::new(limits.per_client);
    let mut accept_errors = Throttled::default();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    accept_errors.print(|| format!("vote-service: accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if app.proxies.contains(peer.ip()) { None } else { Some(per_client.take(peer.ip())) };
        if let Some(None) = slot {
            drop(permit);
            tokio::spawn(refuse(stream));
            continue;
        }
        let open = app.metrics.connections.clone();
        let app = Arc::clone(&app);
        let service = service_fn(move |request| {
            let app = Arc::clone(&app);
            async move { Ok::<_, Infallible>(http::handle(app, peer.ip(), request).await) }
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .max_buf_size(MAX_HEADER_BYTES)
            // A client that sends its vote and then closes its side still gets the answer, and the vote counts.
            .half_close(true)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        open.inc();
        tokio::spawn(async move {
            let _ = connection.await;
            open.dec();
            drop((permit, slot));
        });
    }
    drop(per_client);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => eprintln!("vote-service: some connections did not finish in time"),
    }
}

/// Answers a connection over its client's share with 429 and closes it, without reading its request.
async fn refuse(mut stream: tokio::net::TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(TOO_MANY).await?;
        stream.shutdown().await
    })
    .await;
}

/// Serves only `GET /metrics`, without the admin token, on an address of the operator's monitoring network
/// (`--metrics-listen`); runs until aborted.
pub async fn run_metrics(listener: TcpListener, app: Arc<App>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let app = Arc::clone(&app);
        let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let app = Arc::clone(&app);
            async move {
                let response = if request.method() == hyper::Method::GET && request.uri().path() == "/metrics" {
                    http::metrics(&app)
                } else {
                    http::answer::Answer::not_found().json()
                };
                Ok::<_, Infallible>(response)
            }
        });
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEADER_BYTES)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
