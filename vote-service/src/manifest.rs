//! Reads `api/cases.json`, the manifest that `generator build` writes: the election's settings and the cases that
//! may receive votes. Its schema is documented in README.md ("Files between the parts").

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::election::Election;

/// The manifest format this service understands.
pub const FORMAT: u32 = 1;

#[derive(Debug, Deserialize)]
struct Raw {
    format: u32,
    #[serde(default)]
    base_url: Option<String>,
    election: RawElection,
    cases: Vec<RawCase>,
}

#[derive(Debug, Deserialize)]
struct RawElection {
    id: String,
    #[serde(default)]
    title: String,
    opens: jiff::civil::Date,
    closes: jiff::civil::Date,
    time_zone: String,
    scope: crate::election::Scope,
    tally_visibility: crate::election::Visibility,
}

#[derive(Debug, Deserialize)]
struct RawCase {
    id: String,
    title: String,
    category: String,
    #[serde(default)]
    url: String,
}

/// A case that may receive votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub title: String,
    pub category: String,
    /// Where its page is, for the answer page of a form post.
    pub url: String,
}

/// The election and its cases, by id.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub election: Election,
    pub title: String,
    /// Where the hall is published (`base_url` of `site.yaml`): its origin may post votes. Absent in manifests of
    /// older builds.
    pub base_url: Option<String>,
    pub cases: BTreeMap<String, Case>,
}

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        let invalid = |message: String| ManifestError::Invalid { path: path.display().to_string(), message };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(format!("cannot be read: {e}")))?;
        Self::parse(&text).map_err(invalid)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: Raw = serde_json::from_str(text).map_err(|e| format!("not a manifest: {e}"))?;
        if raw.format != FORMAT {
            return Err(format!("format {} is not supported; this service reads format {FORMAT}", raw.format));
        }
        let e = raw.election;
        let election = Election::new(e.id, e.opens, e.closes, &e.time_zone, e.scope, e.tally_visibility)?;
        let mut cases = BTreeMap::new();
        for case in raw.cases {
            let entry = Case { title: case.title, category: case.category, url: case.url };
            if cases.insert(case.id.clone(), entry).is_some() {
                return Err(format!("case '{}' appears twice", case.id));
            }
        }
        if cases.is_empty() {
            return Err("lists no case".to_owned());
        }
        Ok(Manifest { election, title: e.title, base_url: raw.base_url, cases })
    }
}

#[cfg(test)]
pub(crate) const SAMPLE: &str = r#"{"format": 1, "base_url": "https://hall.example.org/",
  "election": {"id": "test-2020", "title": "测试", "opens": "2020-08-22", "closes": "2020-08-31",
               "time_zone": "Asia/Shanghai", "scope": "election", "tally_visibility": "after_close"},
  "cases": [{"id": "a", "title": "甲", "category": "c1", "domain": "d", "url": "/cases/a/"},
            {"id": "b", "title": "乙", "category": "c1", "domain": "d", "url": "/cases/b/"},
            {"id": "c", "title": "丙", "category": "c2", "domain": "d", "url": "/cases/c/"}]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_generators_manifest() {
        let m = Manifest::parse(SAMPLE).expect("valid");
        assert_eq!(m.election.id, "test-2020");
        assert_eq!(m.cases.len(), 3);
        assert_eq!(m.cases["c"].category, "c2");
    }

    #[test]
    fn refuses_other_formats_and_bad_zones() {
        assert!(Manifest::parse(&SAMPLE.replace("\"format\": 1", "\"format\": 2")).is_err());
        assert!(Manifest::parse(&SAMPLE.replace("Asia/Shanghai", "Mars/Olympus")).is_err());
    }
}
