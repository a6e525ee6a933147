//! Watching `content/` and the theme: a burst of changes (an editor saving a file) becomes one rebuild of what the
//! changed files touch, then the open pages reload or show the problems, then the search index catches up. Only
//! changes count: the build itself reads every file, and those reads must not start another build. Changes that a
//! failed rebuild could not take in are kept and given to the next one.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::{Preview, PreviewError};

/// How long to wait for a burst of changes to end.
const SETTLE: Duration = Duration::from_millis(50);

/// Starts watching; the returned watcher stops watching when dropped.
pub fn start(preview: Arc<Preview>) -> Result<RecommendedWatcher, PreviewError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        if let Ok(event) = event
            && is_change(&event.kind)
        {
            let _ = sender.send(event.paths);
        }
    })
    .map_err(|e| PreviewError::Watch(e.to_string()))?;
    for dir in [&preview.options.build.content, &preview.options.build.theme] {
        let dir = &std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .map_err(|e| PreviewError::Watch(format!("{}: {e}", dir.display())))?;
    }
    std::thread::spawn(move || rebuild_on_change(&preview, &receiver));
    Ok(watcher)
}

fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        _ => false,
    }
}

fn rebuild_on_change(preview: &Preview, changes: &Receiver<Vec<PathBuf>>) {
    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        if pending.is_empty() {
            match changes.recv() {
                Ok(paths) => pending.extend(paths),
                Err(_) => return,
            }
        }
        // Let the burst end: an editor's save is several events.
        loop {
            match changes.recv_timeout(SETTLE) {
                Ok(paths) => pending.extend(paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if preview.rebuild(&pending) {
            pending.clear();
            preview.hub.reload();
            // The search index follows the reload, unless more changes are already waiting: those go first.
            match changes.recv_timeout(SETTLE) {
                Ok(paths) => pending.extend(paths),
                Err(RecvTimeoutError::Timeout) => preview.refresh_search(),
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            show_problem(preview);
            // Keep the changes: the next rebuild must take them in too.
            match changes.recv() {
                Ok(paths) => pending.extend(paths),
                Err(_) => return,
            }
        }
    }
}

fn show_problem(preview: &Preview) {
    if let Some(problem) = preview.problem.lock().expect("problem lock").clone() {
        preview.hub.problem(&problem);
    }
}
