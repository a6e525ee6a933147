//! A damaged database file: redb returns errors for most damage, but may panic on pages it cannot make sense of
//! (`internal error: entered unreachable code`). [`guard`] runs database work so that such a panic becomes a
//! [`StoreError::Damaged`] that says what to do, instead of a crash with a stack trace.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use super::StoreError;

thread_local! {
    /// Whether this thread is inside [`guard`]: its panics are expected to be damage, and reported by the guard.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The message of the last guarded panic on this thread.
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work` on the database at `path`; a panic inside it is reported as the file being damaged.
pub fn guard<T>(path: &str, work: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let message = info.payload_as_str().unwrap_or("a panic without a message").to_owned();
                MESSAGE.with(|m| *m.borrow_mut() = Some(message));
            } else {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(outer));
    result.unwrap_or_else(|_| {
        let detail = MESSAGE.with(|m| m.borrow_mut().take()).unwrap_or_default();
        Err(StoreError::Damaged { path: path.to_owned(), detail: format!("the database engine failed: {detail}") })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_guard_is_an_error_that_names_the_file() {
        let result: Result<(), StoreError> = guard("votes.redb", || panic!("entered unreachable code"));
        let message = result.expect_err("damaged").to_string();
        assert!(message.starts_with("votes.redb is damaged"), "{message}");
        assert!(message.contains("entered unreachable code") && message.contains("backup"), "{message}");
        assert_eq!(guard("votes.redb", || Ok(7)).ok(), Some(7));
    }
}
