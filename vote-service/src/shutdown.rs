//! Waiting for the signal to stop: SIGTERM (from a service manager) or SIGINT (Ctrl-C), or for the database to fail.

/// Completes when the process is asked to stop.
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Completes once `healthy` turns false: a commit failed, and redb takes no transaction after an I/O error until the
/// database is opened again, so the service stops (answering what is in flight) to be restarted by its supervisor.
pub async fn unhealthy(healthy: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    while healthy.load(std::sync::atomic::Ordering::Relaxed) {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}
