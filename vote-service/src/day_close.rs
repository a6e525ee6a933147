//! At each local midnight during the election the service prints the closing hash of the day that ended (the link
//! of the audit chain's last entry of that day), so that the organisers can publish it the same day: a count
//! changed afterwards no longer leads to it.

use std::sync::Arc;
use std::time::Duration;

use crate::election::Window;
use crate::http::App;

/// How long after midnight the hash is taken: votes of the old day still in the queue are written by then.
const SETTLE: Duration = Duration::from_secs(5);

/// Prints each day's closing hash at the following local midnight, until the election's last day has closed.
pub async fn announce(app: Arc<App>) {
    loop {
        let election = &app.manifest.election;
        let now = app.clock.now();
        let day = election.day(now);
        let Some(midnight) = day.tomorrow().ok().map(|next| election.start_of(next)) else { return };
        let wait = midnight.duration_since(now).unsigned_abs() + SETTLE;
        tokio::time::sleep(wait).await;
        match election.window(election.start_of(day)) {
            Window::Open { .. } => {}
            Window::NotOpen { .. } => continue,
            Window::Closed => return,
        }
        let store = app.store.clone();
        let name = day.to_string();
        let hash = tokio::task::spawn_blocking(move || store.closing_hash(&name)).await;
        match hash {
            Ok(Ok(Some(hash))) => eprintln!("vote-service: day {day} closed; closing hash {hash}"),
            Ok(Ok(None)) => eprintln!("vote-service: day {day} closed; no vote yet"),
            Ok(Err(e)) => eprintln!("vote-service: day {day} closed; its closing hash cannot be read: {e}"),
            Err(e) => eprintln!("vote-service: day {day} closed; its closing hash cannot be read: {e}"),
        }
    }
}
