//! Small text helpers that every layer uses: hex digests, byte counts for people, the suggestion for a mistyped key,
//! and Chinese text ([`cjk`]).

pub mod cjk;

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A byte count for people: `512 B`, `120.0 KiB`, `50.0 MiB`.
pub fn human_bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if f < KIB {
        format!("{n} B")
    } else if f < KIB * KIB {
        format!("{:.1} KiB", f / KIB)
    } else {
        format!("{:.1} MiB", f / KIB / KIB)
    }
}

/// "unknown field; did you mean `title`?" when a known key is close, else the list of known keys.
pub fn unknown_key_message(key: &str, known: &[&str]) -> String {
    match did_you_mean(key, known) {
        Some(best) => format!("unknown field; did you mean `{best}`?"),
        None => format!("unknown field; the known fields are {}", known.join(", ")),
    }
}

/// The known word closest to `word`, if it is close enough to be a typo and no other word is as close.
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let mut scored: Vec<(f64, &str)> = known.iter().map(|k| (strsim::jaro_winkler(word, k), *k)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, k), (second, _), ..] if *best > 0.8 && best > second => Some(k),
        [(best, k)] if *best > 0.8 => Some(k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_picks_a_unit() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(120 * 1024), "120.0 KiB");
        assert_eq!(human_bytes(50 * 1024 * 1024), "50.0 MiB");
    }

    #[test]
    fn suggests_the_closest_known_key() {
        let fields = ["title", "applicant", "launched", "summary"];
        assert_eq!(did_you_mean("titel", &fields), Some("title"));
        assert_eq!(did_you_mean("lauched", &fields), Some("launched"));
        assert_eq!(did_you_mean("标题", &fields), None);
        assert_eq!(did_you_mean("photo-9.png", &["photo-1.png", "photo-4.png"]), None, "a tie is no suggestion");
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_a_byte() {
        assert_eq!(hex(&[0, 10, 255]), "000aff");
    }
}
