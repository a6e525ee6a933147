//! The deployment of `deploy/`: real nginx with the project's own configuration in front of the real vote service,
//! on the built sample site; the systemd units checked by `systemd-analyze verify`. Shards: `shards.rs`.

mod shards;

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use hall_tests::binaries::{binary, workspace_root};
use hall_tests::http::{Reply, get, request};
use hall_tests::nginx::{Nginx, Upstream, check_production_config, https_get, request_from};
use hall_tests::site::{attribute_values, files_of, sample, sample_during_vote};
use hall_tests::vote_service::{VoteService, run};

/// The hall's origin: `base_url` of the sample's `site.yaml`, which the manifest carries.
pub const ORIGIN: &str = "https://hall.example.org";
/// A moment during the sample's vote (2020-08-22 to 2020-08-31, Asia/Shanghai).
pub const DURING_THE_VOTE: &str = "2020-08-25T10:00:00+08:00";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=300";
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
                           form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The sample site as built during the vote (pages with vote buttons).
pub fn site() -> PathBuf {
    sample_during_vote().0.clone()
}

/// The ids of the sample's cases, from the site's manifest.
pub fn case_ids(site: &Path) -> Vec<String> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("api/cases.json")).expect("manifest")).expect("JSON");
    manifest["cases"].as_array().expect("cases").iter().map(|c| c["id"].as_str().expect("id").to_owned()).collect()
}

/// A vote service for the site's manifest, trusting nginx on 127.0.0.1 as deploy/systemd/vote-service.service does.
pub fn start_service(dir: &Path, site: &Path) -> VoteService {
    VoteService::start(
        &site.join("api/cases.json"),
        &dir.join("votes.redb"),
        &["--trusted-proxy", "127.0.0.1/32", "--now", DURING_THE_VOTE],
    )
}

/// A vote for `case` from the source address `from`, as the hall's page posts it, with extra headers.
pub fn vote(from: &str, address: &str, case: &str, headers: &[(&str, &str)]) -> Reply {
    let body = format!(r#"{{"case": "{case}"}}"#);
    let mut head = format!(
        "POST /api/votes HTTP/1.1\r\nHost: hall.example.org\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let raw = format!("{head}\r\n{body}");
    request_from(from.parse::<IpAddr>().expect("source address"), address, raw.as_bytes())
}

pub fn code(reply: &Reply) -> String {
    reply.json()["code"].as_str().unwrap_or_default().to_owned()
}

/// The `network` field of every record of the audit log of `db`.
pub fn audit_networks(db: &Path) -> Vec<String> {
    let (status, out, err) = run(&["audit", "--db", &db.to_string_lossy()]);
    assert_eq!(status, Some(0), "{err}");
    out.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["network"]
                .as_str()
                .expect("network")
                .to_owned()
        })
        .collect()
}

fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply.header(name).unwrap_or_else(|| panic!("no {name} header: {reply:?}"))
}

fn assert_security_headers(reply: &Reply, policy: &str) {
    assert_eq!(header(reply, "content-security-policy"), policy);
    assert_eq!(header(reply, "x-content-type-options"), "nosniff");
    assert_eq!(header(reply, "referrer-policy"), "strict-origin-when-cross-origin");
    assert_eq!(header(reply, "x-frame-options"), "DENY");
    assert_eq!(header(reply, "server"), "nginx", "no version");
}

/// A nginx whose vote service is not running: for the tests of pages only.
fn nginx_for_pages(site: &Path) -> Nginx {
    Nginx::start(site, Upstream::One("127.0.0.1:1"), "")
}

#[test]
fn pages_are_served_with_cache_and_security_headers_and_the_site_s_404_page() {
    let site = site();
    let nginx = nginx_for_pages(&site);
    let home = get(&nginx.address, "/", &[]);
    assert_eq!(home.status, 200);
    assert_eq!(header(&home, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&home, "cache-control"), SHORT);
    assert_security_headers(&home, PAGE_POLICY);
    assert_eq!(home.header("strict-transport-security"), None, "HSTS only over HTTPS");

    let html = std::fs::read_to_string(site.join("index.html")).expect("index.html");
    let assets: Vec<String> = attribute_values(&html, "src")
        .into_iter()
        .chain(attribute_values(&html, "href"))
        .filter(|p| p.starts_with("/assets/"))
        .collect();
    assert!(assets.len() >= 3, "scripts, stylesheet and icon: {assets:?}");
    for asset in &assets {
        let reply = get(&nginx.address, asset, &[]);
        assert_eq!((reply.status, header(&reply, "cache-control")), (200, IMMUTABLE), "{asset}");
        assert_security_headers(&reply, PAGE_POLICY);
    }
    let case = &case_ids(&site)[0];
    let page = std::fs::read_to_string(site.join(format!("cases/{case}/index.html"))).expect("case page");
    let photos: BTreeSet<String> =
        attribute_values(&page, "srcset").into_iter().filter(|p| p.contains("/photo-")).collect();
    assert!(photos.iter().any(|p| p.ends_with(".webp")) && photos.iter().any(|p| p.ends_with(".jpg")), "{photos:?}");
    for photo in &photos {
        let reply = get(&nginx.address, photo, &[]);
        assert_eq!((reply.status, header(&reply, "cache-control")), (200, IMMUTABLE), "{photo}");
    }
    let search_files: Vec<String> = files_of(&site.join("search"))
        .into_keys()
        .filter(|p| p.contains('/'))
        .map(|p| format!("/search/{p}"))
        .collect();
    assert!(!search_files.is_empty());
    for file in &search_files {
        let reply = get(&nginx.address, file, &[]);
        assert_eq!((reply.status, header(&reply, "cache-control")), (200, IMMUTABLE), "{file}");
    }
    for short in [format!("/cases/{case}/"), "/api/cases.json".to_owned(), "/sitemap.xml".to_owned()] {
        let reply = get(&nginx.address, &short, &[]);
        assert_eq!((reply.status, header(&reply, "cache-control")), (200, SHORT), "{short}");
    }

    let not_found = std::fs::read_to_string(site.join("404.html")).expect("404.html");
    for missing in
        ["/no/such/page", "/assets/hall.00000000.css", "/metrics", "/api/export", "/api/backup", "/api/audit"]
    {
        let reply = get(&nginx.address, missing, &[]);
        assert_eq!(reply.status, 404, "{missing}");
        assert_eq!(reply.body, not_found, "{missing} answers the site's 404 page");
        assert_eq!(header(&reply, "cache-control"), SHORT, "{missing} is never immutable");
        assert_security_headers(&reply, PAGE_POLICY);
    }

    let compressed = get(&nginx.address, "/", &[("Accept-Encoding", "gzip")]);
    assert_eq!(header(&compressed, "content-encoding"), "gzip");
    assert_eq!(header(&compressed, "vary"), "Accept-Encoding");
}

/// The policy above allows no inline script or style and nothing from another site: every page of the build must
/// fit it (a template that adds an inline script needs the policy in deploy/nginx/hall-http.conf changed too).
#[test]
fn every_built_page_fits_the_content_security_policy() {
    // Both builds: during the vote, and with the results pages.
    let pages: Vec<(String, String)> = [site(), sample().0.clone()]
        .iter()
        .flat_map(|dir| files_of(dir))
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8")))
        .collect();
    assert!(pages.len() > 10);
    for (path, html) in &pages {
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').expect("tag end")];
            assert!(tag.contains(" src=\"/"), "{path}: an inline or foreign script: {tag}");
        }
        assert!(!html.contains("<style"), "{path}: an inline <style>");
        assert!(!html.contains(" style=\""), "{path}: a style attribute");
        for resource in attribute_values(html, "src").into_iter().chain(attribute_values(html, "srcset")) {
            assert!(
                resource.starts_with('/') && !resource.starts_with("//"),
                "{path}: {resource} is not the hall's own"
            );
        }
    }
}

#[test]
fn a_vote_through_nginx_counts_the_address_nginx_saw_and_a_spoofed_forwarded_for_changes_nothing() {
    let site = site();
    let dir = tempfile::tempdir().expect("temp");
    let service = start_service(dir.path(), &site);
    let nginx = Nginx::start(&site, Upstream::One(&service.address), "");
    let cases = case_ids(&site);
    let hall = ("Origin", ORIGIN);

    let status = get(&nginx.address, "/api/votes", &[]);
    assert_eq!((status.status, code(&status)), (200, "open".to_owned()), "{status:?}");
    assert_security_headers(&status, &PAGE_POLICY.replace(
        "script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'",
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'",
    ));

    let first = vote("127.1.2.3", &nginx.address, &cases[0], &[hall, ("X-Forwarded-For", "203.0.113.9")]);
    assert_eq!((first.status, code(&first)), (200, "counted".to_owned()), "{first:?}");
    let spoofed = vote("127.1.2.3", &nginx.address, &cases[1], &[hall, ("X-Forwarded-For", "198.51.100.7")]);
    assert_eq!((spoofed.status, code(&spoofed)), (429, "already_voted".to_owned()), "{spoofed:?}");
    assert_eq!(spoofed.json()["voted_for"], cases[0].as_str());
    let other = vote("127.4.5.6", &nginx.address, &cases[1], &[hall]);
    assert_eq!((other.status, code(&other)), (200, "counted".to_owned()), "{other:?}");

    let foreign = vote("127.7.8.9", &nginx.address, &cases[2], &[("Origin", "https://evil.example")]);
    assert_eq!((foreign.status, code(&foreign)), (403, "foreign_origin".to_owned()), "nginx keeps Origin: {foreign:?}");
    let form = format!("case={}", cases[2]);
    let raw = format!(
        "POST /api/votes HTTP/1.1\r\nHost: hall.example.org\r\nOrigin: {ORIGIN}\r\nContent-Type: \
         application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    let page = request_from("127.7.8.9".parse().expect("ip"), &nginx.address, raw.as_bytes());
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("投票成功"), "{}", page.body);
    assert!(header(&page, "content-security-policy").contains("style-src 'unsafe-inline'"), "its one inline style");

    let mut expected = vec!["127.1.2.0/24", "127.4.5.0/24", "127.7.8.0/24"];
    if let Some(ipv6) = &nginx.ipv6_address {
        let reply = vote("::1", ipv6, &cases[3], &[hall]);
        assert_eq!((reply.status, code(&reply)), (200, "counted".to_owned()), "{reply:?}");
        expected.push("::/48");
    }
    service.stop();
    let mut networks = audit_networks(&dir.path().join("votes.redb"));
    networks.sort();
    expected.sort();
    assert_eq!(networks, expected, "one vote per address nginx saw, none for the addresses the client wrote");
}

#[test]
fn a_burst_of_votes_from_one_client_is_refused_429_by_nginx_and_other_clients_still_vote() {
    let site = site();
    let dir = tempfile::tempdir().expect("temp");
    let service = start_service(dir.path(), &site);
    let nginx = Nginx::start(&site, Upstream::One(&service.address), "");
    let cases = case_ids(&site);
    let answers: Vec<Reply> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..16)
            .map(|w| {
                let (address, cases) = (&nginx.address, &cases);
                scope.spawn(move || {
                    let vote_for = |j: usize| cases[(w * 20 + j) % cases.len()].as_str();
                    (0..20).map(|j| vote("127.9.9.9", address, vote_for(j), &[("Origin", ORIGIN)])).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    // A vote for the case already voted for is a retry, answered `counted` with `repeat`: the same single vote.
    let codes: Vec<(u16, String)> = answers
        .iter()
        .map(|a| (a.status, if a.json()["repeat"] == true { "repeat".to_owned() } else { code(a) }))
        .collect();
    let count = |wanted: &str| codes.iter().filter(|(_, c)| c == wanted).count();
    assert_eq!(count("counted"), 1, "{codes:?}");
    assert!(count("rate_limited") > 0, "a burst of 320 votes meets nginx's limit: {codes:?}");
    let answered = count("counted") + count("repeat") + count("already_voted") + count("rate_limited");
    assert_eq!(answered, codes.len(), "{codes:?}");
    let limited = answers.iter().find(|a| code(a) == "rate_limited").expect("one");
    assert_eq!(limited.status, 429);
    assert!(header(limited, "content-type").starts_with("application/json"), "{limited:?}");
    assert_eq!(limited.json()["message"], "请求过于频繁，请稍后再试。");

    let other = vote("127.9.9.10", &nginx.address, &cases[0], &[("Origin", ORIGIN)]);
    assert_eq!((other.status, code(&other)), (200, "counted".to_owned()), "{other:?}");
    drop(nginx);
    service.stop();
}

#[test]
fn over_tls_the_hall_sends_hsts_and_plain_http_redirects_to_https() {
    let site = site();
    let (passed, output) = check_production_config(&site);
    assert!(passed, "nginx -t on deploy/nginx/hall.conf as rendered for production: {output}");

    let nginx = nginx_for_pages(&site);
    let home = https_get(&nginx.tls_address, "/");
    assert_eq!(home.status, 200, "{home:?}");
    assert_eq!(header(&home, "strict-transport-security"), "max-age=31536000");
    assert_security_headers(&home, PAGE_POLICY);

    let raw = b"GET /cases/?page=2 HTTP/1.1\r\nHost: hall.example.org\r\nConnection: close\r\n\r\n";
    let redirect = request_from("127.0.0.1".parse().expect("ip"), &nginx.redirect_address, raw);
    assert_eq!(redirect.status, 301);
    assert_eq!(header(&redirect, "location"), "https://hall.example.org/cases/?page=2");
    let challenge = request(&nginx.redirect_address, "GET", "/.well-known/acme-challenge/token", &[], b"");
    assert_eq!(challenge.status, 404, "ACME challenges are answered over HTTP, not redirected");
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify_and_run_the_service_as_nginx_expects() {
    let units = workspace_root().join("deploy/systemd");
    let service = std::fs::read_to_string(units.join("vote-service.service")).expect("unit");
    let exec = command_line(&service, "ExecStart=");
    for expected in
        ["--listen 127.0.0.1:8787", "--trusted-proxy 127.0.0.1/32", "--backup-dir /var/backups/vote-service"]
    {
        assert!(exec.contains(expected), "ExecStart has {expected}: {exec}");
    }
    let render = std::fs::read_to_string(workspace_root().join("deploy/nginx/render.sh")).expect("render.sh");
    assert!(render.contains("\nVOTE_SERVICE=127.0.0.1:8787\n"), "nginx's default upstream is the unit's --listen");
    let backup = std::fs::read_to_string(units.join("vote-service-backup.service")).expect("unit");
    assert!(backup.contains("--service http://127.0.0.1:8787 "), "the backup asks the unit's service");
    let stop: u64 = service
        .lines()
        .find_map(|l| l.strip_prefix("TimeoutStopSec="))
        .and_then(|v| v.trim().parse().ok())
        .expect("TimeoutStopSec in seconds");
    assert!(stop > 30, "longer than the service's 30 s drain: {stop}");

    let Ok(analyze) = which("systemd-analyze") else {
        panic!("systemd-analyze is missing: `apt-get install systemd` (Debian), or run `bash tests/run.sh`");
    };
    let dir = tempfile::tempdir().expect("temp");
    let mut names = Vec::new();
    for name in ["vote-service.service", "vote-service-backup.service", "vote-service-backup.timer"] {
        let text = std::fs::read_to_string(units.join(name)).expect("unit");
        // verify checks that the command exists: point it at the binary the tests built.
        let text = text.replace("/usr/local/bin/vote-service", &binary("vote-service").to_string_lossy());
        std::fs::write(dir.path().join(name), text).expect("write unit");
        names.push(dir.path().join(name));
    }
    let out = Command::new(analyze).args(["verify", "--man=no"]).args(&names).output().expect("systemd-analyze runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "systemd-analyze verify: {stderr}");
}

/// The value of `key` in a unit file, its continuation lines (ending in `\\`) joined.
fn command_line(unit: &str, key: &str) -> String {
    let mut command = String::new();
    for line in unit.lines().skip_while(|l| !l.starts_with(key)) {
        let line = line.trim_start_matches(key).trim();
        match line.strip_suffix('\\') {
            Some(part) => command.push_str(part),
            None => {
                command.push_str(line);
                break;
            }
        }
    }
    command
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}
