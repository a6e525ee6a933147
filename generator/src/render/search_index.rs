//! The search index: static files that the search page queries in the browser, with no server.
//!
//! Chinese has no spaces between words, so the index is built on characters, not on words: every pair of adjacent
//! CJK characters (a bigram), every single CJK character and every Latin word or number is a term, and a case is
//! found when it holds every term of the query. Any substring of a title, an applicant or a description is found,
//! whatever a word segmenter would have made of it (八大关街道, 医保, 海尔). The browser then ranks the cases that hold the
//! whole query in their title, applicant or summary first.
//!
//! Files, below `search/<hash>/` (the hash of their content, so a new build never meets a stale cached shard):
//! - `meta.json`: `{"version": 2, "shards": S, "chunk": C, "count": N}`;
//! - `terms-<k>.json`: for the terms whose FNV-1a hash modulo S is k, `{term: [case numbers]}`;
//! - `cases-<j>.json`: cases j*C .. (j+1)*C-1 as `[{"u": url, "t": title, "a": applicant, "c": category, "s": summary, "i": thumbnail, "w": width, "h": height}]`
//!   (the thumbnail, the smallest JPEG of the first photo, and its size are left out when photos are not derived).
//!
//! `hall.js` computes terms and hashes exactly as [`terms`] and [`fnv1a`] do.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::views::CaseView;
use crate::markdown;
use crate::model::case::PublicCase;
use crate::text::cjk::{half_width, is_cjk};
use crate::text::hex;

/// Cases per `cases-<j>.json` file.
const CHUNK: usize = 500;
/// The aim for a terms file's size, which sets the number of shards.
const SHARD_TARGET_BYTES: usize = 48 * 1024;

/// The index files as paths below the site root, and the folder they are in (e.g. `search/1a2b3c4d5e/`).
pub struct SearchIndex {
    pub dir: String,
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Serialize)]
struct Meta {
    version: u32,
    shards: u32,
    chunk: usize,
    count: usize,
}

#[derive(Serialize)]
struct Entry<'a> {
    u: &'a str,
    t: &'a str,
    a: &'a str,
    c: &'a str,
    s: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    i: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<u32>,
}

/// Builds the index of `cases` (with their views, in the hall's order).
pub fn build_index(cases: &[(&PublicCase, &CaseView)]) -> SearchIndex {
    // Each thread indexes a run of consecutive cases; runs are merged in order, so lists stay sorted.
    let runs: Vec<Postings> = cases
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(run, chunk)| {
            let mut postings = Postings::default();
            for (i, (case, _)) in chunk.iter().enumerate() {
                index_case(case, (run * CHUNK + i) as u32, &mut postings);
            }
            postings
        })
        .collect();
    let mut postings = Postings::default();
    for run in runs {
        postings.append(run);
    }
    let postings = postings.into_sorted();
    let approximate_bytes: usize = postings.iter().map(|(t, p)| t.len() + 4 + p.len() * 5).sum();
    let shards = approximate_bytes.div_ceil(SHARD_TARGET_BYTES).clamp(1, 4096) as u32;
    let mut sharded: Vec<BTreeMap<&str, &Vec<u32>>> = vec![BTreeMap::new(); shards as usize];
    for (term, list) in &postings {
        sharded[(fnv1a(term) % shards) as usize].insert(term, list);
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (k, shard) in sharded.iter().enumerate() {
        files.push((format!("terms-{k}.json"), json(shard)));
    }
    for (j, chunk) in cases.chunks(CHUNK).enumerate() {
        let entries: Vec<Entry> = chunk
            .iter()
            .map(|(case, view)| Entry {
                u: &view.card.url,
                t: &case.title,
                a: &case.applicant,
                c: &view.card.category.name,
                s: &case.summary,
                i: view.card.thumb.as_ref().map(|t| t.src.as_str()),
                w: view.card.thumb.as_ref().map(|t| t.width),
                h: view.card.thumb.as_ref().map(|t| t.height),
            })
            .collect();
        files.push((format!("cases-{j}.json"), json(&entries)));
    }
    files.push(("meta.json".to_owned(), json(&Meta { version: 2, shards, chunk: CHUNK, count: cases.len() })));
    let mut hasher = Sha256::new();
    for (name, bytes) in &files {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
    }
    let dir = format!("search/{}/", hex(&hasher.finalize()[..5]));
    SearchIndex { files: files.into_iter().map(|(name, bytes)| (format!("{dir}{name}"), bytes)).collect(), dir }
}

/// Adds the terms of every public text of `case`, as case `number`.
fn index_case(case: &PublicCase, number: u32, postings: &mut Postings) {
    let body = markdown::to_plain_text(&case.body_markdown);
    let mut text = vec![
        case.title.as_str(),
        case.applicant.as_str(),
        case.recommender.as_str(),
        case.summary.as_str(),
        case.category.as_str(),
        case.domain.as_str(),
        body.as_str(),
    ];
    text.extend(case.group.as_deref());
    text.extend(case.contractor.as_deref());
    text.extend(case.tags.iter().map(String::as_str));
    for part in text {
        for_each_term(part, |term| postings.add(term, number));
    }
}

/// A term as it is collected: one or two CJK characters packed in a number (no allocation per character), or a word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term<'a> {
    Cjk(u64),
    Word(std::borrow::Cow<'a, str>),
}

impl Term<'_> {
    fn cjk(first: char, second: Option<char>) -> Self {
        Term::Cjk((u64::from(u32::from(first)) << 32) | second.map_or(0, |c| u64::from(u32::from(c)) + 1))
    }

    fn text(&self) -> String {
        match self {
            Term::Word(w) => w.to_string(),
            Term::Cjk(packed) => {
                let first = char::from_u32((packed >> 32) as u32).unwrap_or(' ');
                match (packed & 0xffff_ffff) as u32 {
                    0 => first.to_string(),
                    second => format!("{first}{}", char::from_u32(second - 1).unwrap_or(' ')),
                }
            }
        }
    }
}

/// Case numbers by term. Cases are added in order, so a list never needs sorting or de-duplicating.
#[derive(Default)]
struct Postings {
    cjk: std::collections::HashMap<u64, Vec<u32>>,
    words: std::collections::HashMap<String, Vec<u32>>,
}

impl Postings {
    fn add(&mut self, term: Term<'_>, number: u32) {
        let list = match term {
            Term::Cjk(packed) => self.cjk.entry(packed).or_default(),
            Term::Word(word) => match self.words.get_mut(word.as_ref()) {
                Some(list) => list,
                None => self.words.entry(word.into_owned()).or_default(),
            },
        };
        if list.last() != Some(&number) {
            list.push(number);
        }
    }

    /// Appends the lists of `later`, whose case numbers all follow this one's.
    fn append(&mut self, later: Postings) {
        for (packed, list) in later.cjk {
            self.cjk.entry(packed).or_default().extend(list);
        }
        for (word, list) in later.words {
            self.words.entry(word).or_default().extend(list);
        }
    }

    fn into_sorted(self) -> BTreeMap<String, Vec<u32>> {
        let cjk = self.cjk.into_iter().map(|(packed, list)| (Term::Cjk(packed).text(), list));
        cjk.chain(self.words).collect()
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("index data serialises")
}

/// Calls `found` with each term of `text`: each CJK character and each pair of adjacent ones; each Latin word or
/// number, lowercased. Full-width letters and digits count as their ASCII twins.
pub fn for_each_term<'a>(text: &'a str, mut found: impl FnMut(Term<'a>)) {
    let mut word = String::new();
    let mut previous_cjk: Option<char> = None;
    for c in text.chars().map(fold) {
        if is_cjk(c) && c.is_alphanumeric() {
            flush(&mut word, &mut found);
            found(Term::cjk(c, None));
            if let Some(p) = previous_cjk {
                found(Term::cjk(p, Some(c)));
            }
            previous_cjk = Some(c);
        } else if c.is_alphanumeric() {
            previous_cjk = None;
            word.push(c);
        } else {
            previous_cjk = None;
            flush(&mut word, &mut found);
        }
    }
    flush(&mut word, &mut found);
}

fn flush<'a>(word: &mut String, found: &mut impl FnMut(Term<'a>)) {
    if !word.is_empty() {
        found(Term::Word(std::borrow::Cow::Owned(std::mem::take(word))));
    }
}

/// The terms of `text` as strings, in order (see [`for_each_term`]).
#[cfg(test)]
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.text()));
    out
}

/// Full-width ASCII to ASCII, and lowercase.
fn fold(c: char) -> char {
    half_width(c).to_ascii_lowercase()
}

/// 32-bit FNV-1a of the UTF-8 bytes of `term`: which shard holds it.
pub fn fnv1a(term: &str) -> u32 {
    term.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_characters_and_pairs_latin_becomes_words() {
        assert_eq!(terms("医保 API"), ["医", "保", "医保", "api"]);
        assert_eq!(terms("海尔5G，ＡＢ"), ["海", "尔", "海尔", "5g", "ab"]);
    }

    #[test]
    fn punctuation_breaks_pairs() {
        assert_eq!(terms("城市，大脑"), ["城", "市", "城市", "大", "脑", "大脑"]);
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }
}
