//! [`CaseId`]: the permanent id of a case, used in URLs and in votes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A case's permanent id: the name of its folder under `content/cases/`.
///
/// Lowercase ASCII letters and digits in words joined by single hyphens, at most 64 characters, so that it is safe in
/// a URL, a file name and a vote record as it is. It is never derived from a Chinese title.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

/// The longest id accepted.
pub const MAX_LEN: usize = 64;

/// Why a string is not a valid id, phrased for the editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a valid id: use lowercase ASCII letters and digits joined by single hyphens, at most 64 characters (e.g. 'haier-cosmoplat')"
)]
pub struct InvalidId(pub String);

impl CaseId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `s` is a slug: `[a-z0-9]+(-[a-z0-9]+)*`, at most [`MAX_LEN`] bytes. Also used for taxonomy and election ids.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_LEN
        && s.split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

impl TryFrom<String> for CaseId {
    type Error = InvalidId;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if is_slug(&s) { Ok(CaseId(s)) } else { Err(InvalidId(s)) }
    }
}

impl std::str::FromStr for CaseId {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseId::try_from(s.to_owned())
    }
}

impl From<CaseId> for String {
    fn from(id: CaseId) -> String {
        id.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_ascii_slugs() {
        for ok in ["a", "haier-cosmoplat", "case-2020-01", "x1"] {
            assert!(ok.parse::<CaseId>().is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        let long = "a".repeat(65);
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b", "长宁区", "a/b", "..", long.as_str()] {
            assert!(bad.parse::<CaseId>().is_err(), "{bad:?}");
        }
    }
}
