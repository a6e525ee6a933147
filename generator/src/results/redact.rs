//! Networks taken out of published text. The decisions file and the review report name networks (`10.0.1.0/24`,
//! `2001:db8:1::/48`) as the audit log holds them; the hall publishes both files, but no network: each becomes a
//! label, `net-1`, `net-2`, ..., the same label for the same network in every file, so that a reader still sees
//! that a decision and a finding name the same networks.

use std::collections::BTreeMap;

/// Gives each network it meets a label, in the order met.
#[derive(Debug, Default)]
pub struct Redactor {
    labels: BTreeMap<String, String>,
}

impl Redactor {
    /// `text` with every IPv4 address or network and every IPv6 network replaced by its label.
    pub fn redact(&mut self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            let boundary = i == 0 || !is_token_byte(bytes[i - 1]);
            if boundary && let Some(end) = network_at(bytes, i) {
                out.push_str(&text[copied..i]);
                let next = self.labels.len() + 1;
                let label = self.labels.entry(text[i..end].to_owned()).or_insert_with(|| format!("net-{next}"));
                out.push_str(label);
                copied = end;
                i = end;
            } else {
                i += 1;
            }
        }
        out.push_str(&text[copied..]);
        out
    }
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b':' || b == b'/'
}

/// The end of a network starting at `start`: a dotted quad with an optional `/n`, or IPv6 hex groups with at least
/// two colons and a `/n` (times such as `03:00:00` have no `/`).
fn network_at(bytes: &[u8], start: usize) -> Option<usize> {
    let digits = |from: usize| bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = start;
    let mut quad = true;
    for part in 0..4 {
        let n = digits(end);
        if !(1..=3).contains(&n) {
            quad = false;
            break;
        }
        end += n;
        if part < 3 {
            if bytes.get(end) != Some(&b'.') {
                quad = false;
                break;
            }
            end += 1;
        }
    }
    if !quad {
        end = start + bytes[start..].iter().take_while(|b| b.is_ascii_hexdigit() || **b == b':').count();
        let colons = bytes[start..end].iter().filter(|b| **b == b':').count();
        if colons < 2 || bytes.get(end) != Some(&b'/') {
            return None;
        }
    }
    if bytes.get(end) == Some(&b'/') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    } else if !quad {
        return None;
    }
    (end == bytes.len() || !is_token_byte(bytes[end])).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_become_labels_and_times_stay() {
        let mut r = Redactor::default();
        let yaml = "networks: [10.0.1.0/24, 2001:db8:1::/48]\nfrom: 2020-08-25T03:00:00+08:00\nv: 1.2\n";
        assert_eq!(r.redact(yaml), "networks: [net-1, net-2]\nfrom: 2020-08-25T03:00:00+08:00\nv: 1.2\n");
        let json = r#"{"networks":["10.0.1.0/24","198.51.100.7"],"at":"03:00"}"#;
        assert_eq!(r.redact(json), r#"{"networks":["net-1","net-3"],"at":"03:00"}"#);
        assert_eq!(r.redact("110.0.1.0/24 和 10.0.1.0/24。"), "net-4 和 net-1。");
    }
}
