//! Findings as `review` prints them: JSON, one finding a line, or readable English text, a block a finding.

use std::fmt::Write;

use super::finding::Finding;

/// One JSON object a line.
pub fn json_lines(findings: &[Finding]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for finding in findings {
        out.push_str(&serde_json::to_string(finding)?);
        out.push('\n');
    }
    Ok(out)
}

/// A block per finding, and a last line with the count.
pub fn text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(out, "{}  ({}, {} {:.2})", f.id, f.rule.as_str(), level(f), f.strength);
        let _ = writeln!(out, "  case      {}", f.case);
        let _ = writeln!(out, "  time      {} .. {}", f.from, f.to);
        let _ = writeln!(out, "  votes     {}", f.votes);
        let shown: Vec<&str> = f.networks.iter().take(8).map(String::as_str).collect();
        let more = f.networks.len().saturating_sub(shown.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        let _ = writeln!(out, "  networks  {} ({}){more}", f.networks.len(), shown.join(", "));
        let evidence: Vec<String> = f.evidence.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "  evidence  {}", evidence.join(", "));
        let mut only = Vec::new();
        if let Some(ua) = &f.covers.ua {
            only.push(format!("User-Agent {ua}"));
        }
        if let Some(site) = &f.covers.site {
            only.push(if site.is_empty() { "no site".to_owned() } else { format!("site {site}") });
        }
        if !f.covers.daily_utc.is_empty() {
            let spans: Vec<String> = f.covers.daily_utc.iter().map(|s| String::from(*s)).collect();
            only.push(format!("daily {} UTC", spans.join(", ")));
        }
        if !only.is_empty() {
            let _ = writeln!(out, "  only      {}", only.join("; "));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{} finding{}", findings.len(), if findings.len() == 1 { "" } else { "s" });
    out
}

fn level(f: &Finding) -> &'static str {
    match f.level {
        super::finding::Level::Low => "low",
        super::finding::Level::Medium => "medium",
        super::finding::Level::High => "high",
    }
}
