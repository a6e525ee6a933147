//! A ballot as the writer records it: the key that allows one vote per client, day and scope, its receipt, and its
//! audit record. Hashing and formatting happen here, in the request handler, in parallel, so that the single
//! writer only decides and stores.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::client::ClientKey;
use crate::secret::Secret;

/// One vote to record.
#[derive(Debug, Clone)]
pub struct Ballot {
    pub case: String,
    pub day: String,
    /// `day|scope|` + the keyed hash of the client: one entry per client, day and scope (see [`ballot_key`]).
    pub key: Vec<u8>,
    pub receipt: String,
    /// The audit record, as stored.
    pub audit: String,
}

/// One vote as the request handler saw it.
#[derive(Debug, Clone)]
pub struct Vote<'a> {
    pub case: &'a str,
    /// What one vote a day is counted over: empty for the whole election, else the category or the case.
    pub scope: &'a str,
    pub client: ClientKey,
    pub at: Timestamp,
    /// The local day of `at`.
    pub day: Date,
    pub signals: Signals<'a>,
}

/// What review needs to tell a citizen's vote from a script's, none of which identifies a person.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals<'a> {
    /// The `User-Agent` header, kept only as a keyed hash.
    pub user_agent: Option<&'a str>,
    /// The host of the site the vote was posted from (the hall or a partner), empty when the request named none.
    pub site: &'a str,
    /// Whether the page's JavaScript sent it (`js`) or the no-JS form (`form`).
    pub via: Via,
    /// The first language of `Accept-Language` (e.g. `zh-CN`), empty when none was sent.
    pub language: &'a str,
}

/// How a vote was sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Via {
    #[default]
    Js,
    Form,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Js => "js",
            Via::Form => "form",
        }
    }
}

impl Ballot {
    /// The ballot of `vote` in the election `election_id`.
    pub fn new(secret: &Secret, election_id: &str, vote: &Vote<'_>) -> Self {
        let client_hash = secret.hash(&[b"client", &vote.client.bytes()]);
        let day = vote.day.to_string();
        let key = ballot_key(&day, vote.scope, &client_hash);
        let receipt = receipt(secret, election_id, &key);
        let signals = &vote.signals;
        let ua =
            signals.user_agent.map_or_else(String::new, |ua| hex(&secret.hash(&[b"user-agent", ua.as_bytes()])[..8]));
        let record = AuditFields {
            at: &vote.at.to_string(),
            day: &day,
            case: vote.case,
            scope: vote.scope,
            client: &hex(&client_hash),
            network: &vote.client.network(),
            receipt: &receipt,
            ua: &ua,
            site: signals.site,
            via: signals.via.as_str(),
            lang: signals.language,
        };
        let audit = serde_json::to_string(&record).expect("records serialise");
        Ballot { case: vote.case.to_owned(), day, key, receipt, audit }
    }
}

/// The key of a ballot: `day|scope|` followed by the 16-byte keyed hash of the client.
pub fn ballot_key(day: &str, scope: &str, client_hash: &[u8]) -> Vec<u8> {
    [day.as_bytes(), b"|", scope.as_bytes(), b"|", client_hash].concat()
}

/// One audit record, as stored in the `audit` table: every counted vote, never a raw address.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: String,
    pub day: String,
    pub case: String,
    /// What one vote a day counts over: empty (the election), a category or a case.
    pub scope: String,
    /// The keyed hash of the client, in hex.
    pub client: String,
    /// The client's /24 (IPv4) or /48 (IPv6).
    pub network: String,
    pub receipt: String,
    /// The keyed hash of the User-Agent (16 hex digits), empty when none was sent; absent in records of databases
    /// made before it was kept (unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ua: Option<String>,
    /// The host of the hall or partner site the vote was posted from, empty when the request named none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// `js` (the page's script) or `form` (the no-JS form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The first language the browser asked for, e.g. `zh-CN`; empty when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// An audit record as it is written, borrowing what the ballot already has. (Same fields as [`AuditRecord`], which
/// reads it back; a test checks that they agree.)
#[derive(Serialize)]
struct AuditFields<'a> {
    at: &'a str,
    day: &'a str,
    case: &'a str,
    scope: &'a str,
    client: &'a str,
    network: &'a str,
    receipt: &'a str,
    ua: &'a str,
    site: &'a str,
    via: &'a str,
    lang: &'a str,
}

impl AuditRecord {
    /// The key of the ballot this record counts, or `None` if its client hash is not hex.
    pub fn ballot_key(&self) -> Option<Vec<u8>> {
        let hash = unhex(&self.client)?;
        Some(ballot_key(&self.day, &self.scope, &hash))
    }
}

/// A receipt: 12 characters from the keyed hash of the ballot's key (client, day, scope), grouped as
/// `XXXX-XXXX-XXXX`. A retry of the same vote gets the same receipt; it reveals nothing about counts.
fn receipt(secret: &Secret, election_id: &str, key: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let hash = secret.hash(&[b"receipt", election_id.as_bytes(), key]);
    let bits = u64::from_be_bytes(hash[..8].try_into().expect("8 bytes"));
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i == 4 || i == 8 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_look_random_and_differ() {
        let s = Secret::fixed(3);
        let r = receipt(&s, "e", b"2020-08-22||a");
        assert!(r.len() == 14 && r.as_bytes()[4] == b'-' && r.as_bytes()[9] == b'-', "{r}");
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
        assert_ne!(receipt(&s, "e", b"2020-08-22||a"), receipt(&s, "e", b"2020-08-22||b"));
        assert_eq!(receipt(&s, "e", b"k").len(), 14);
    }

    #[test]
    fn an_audit_record_names_its_ballot() {
        let client = ClientKey::from_ip("203.0.113.9".parse().expect("ip"));
        let signals =
            Signals { user_agent: Some("Mozilla/5.0"), site: "hall.example.org", via: Via::Form, language: "zh-CN" };
        let vote = Vote {
            case: "a",
            scope: "cat",
            client,
            at: Timestamp::UNIX_EPOCH,
            day: jiff::civil::date(2020, 8, 22),
            signals,
        };
        let ballot = Ballot::new(&Secret::fixed(1), "e", &vote);
        let record: AuditRecord = serde_json::from_str(&ballot.audit).expect("record");
        assert_eq!(record.ua.as_ref().map(String::len), Some(16), "a keyed hash, never the header");
        assert!(!ballot.audit.contains("Mozilla"));
        assert_eq!((record.site.as_deref(), record.via.as_deref()), (Some("hall.example.org"), Some("form")));
        assert_eq!(record.lang.as_deref(), Some("zh-CN"));
        let old: AuditRecord = serde_json::from_str(
            r#"{"at":"t","day":"d","case":"a","scope":"","client":"00","network":"n","receipt":"r"}"#,
        )
        .expect("a record of an older database");
        assert_eq!((old.ua, old.site, old.via), (None, None, None), "absent is unknown");
        assert_eq!(record.ballot_key(), Some(ballot.key.clone()));
        assert_eq!((record.case.as_str(), record.scope.as_str(), record.day.as_str()), ("a", "cat", "2020-08-22"));
        assert_eq!((record.network.as_str(), record.receipt), ("203.0.113.0/24", ballot.receipt.clone()));
        assert_eq!(record.at, "1970-01-01T00:00:00Z");
        assert!(ballot.key.starts_with(b"2020-08-22|cat|"));
        assert_eq!(unhex("0aff"), Some(vec![10, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
