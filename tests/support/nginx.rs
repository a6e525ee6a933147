//! Real nginx (Debian's package) in front of the services under test, with the project's own configuration: the
//! files of `deploy/nginx/`, rendered by `deploy/nginx/render.sh` exactly as an operator renders them, never a copy.
//!
//! nginx runs as an ordinary process (`nginx -p DIR -c DIR/nginx.conf -g 'daemon off; pid ...;'`) on loopback ports
//! the OS picked, with three servers: the hall over plain HTTP (`hall-site.conf`, plus any test-only directives), the
//! same site over TLS with a fresh self-signed certificate (`hall-tls.conf` + `hall-site.conf`), and the plain-HTTP
//! redirect server (`hall-redirect.conf`). Only the `listen` lines and this wrapper are the test's own.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::binaries::workspace_root;
use crate::http::{Reply, parse};

/// Which upstream file the site uses.
pub enum Upstream<'a> {
    /// `hall-upstream.conf`: one vote service at this address.
    One(&'a str),
    /// `hall-upstream-shards.conf`: three vote services, by client key.
    Shards(&'a [String; 3]),
}

/// A running nginx, stopped when dropped.
pub struct Nginx {
    /// `127.0.0.1:<port>`: the hall over plain HTTP.
    pub address: String,
    /// `[::1]:<port>`: the same server over IPv6 loopback, when this machine has `::1`.
    pub ipv6_address: Option<String>,
    /// `127.0.0.1:<port>`: the hall over TLS (self-signed certificate for `hall.example.org`).
    pub tls_address: String,
    /// `127.0.0.1:<port>`: the plain-HTTP server that redirects to HTTPS.
    pub redirect_address: String,
    /// The rendered configuration, the certificate and nginx's logs.
    pub dir: tempfile::TempDir,
    child: Child,
}

/// The nginx binary, or a failure that says how to install it.
pub fn nginx_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    let candidates = std::iter::once(PathBuf::from("/usr/sbin/nginx")).chain(on_path.iter().map(|d| d.join("nginx")));
    if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
        return found;
    }
    panic!(
        "nginx is not installed, and the deploy tests run the real one: `apt-get install nginx` (Debian), or run \
         `bash tests/run.sh`, which installs it"
    );
}

/// `deploy/nginx/`.
pub fn deploy_dir() -> PathBuf {
    workspace_root().join("deploy/nginx")
}

/// Renders `deploy/nginx/*.conf` into `dir` with `deploy/nginx/render.sh` and these `NAME=VALUE` pairs.
pub fn render(dir: &Path, values: &[(&str, String)]) {
    let mut command = Command::new("sh");
    command.arg(deploy_dir().join("render.sh")).arg(dir);
    for (name, value) in values {
        command.arg(format!("{name}={value}"));
    }
    let out = command.output().expect("sh runs");
    assert!(
        out.status.success(),
        "deploy/nginx/render.sh failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed certificate and key for `hall.example.org` in `dir`: (certificate, key).
pub fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (certificate, key) = (dir.join("hall.crt"), dir.join("hall.key"));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=hall.example.org", "-addext", "subjectAltName=DNS:hall.example.org", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&certificate)
        .output()
        .unwrap_or_else(|e| panic!("openssl is needed to make a test certificate (`apt-get install openssl`): {e}"));
    assert!(out.status.success(), "openssl req failed: {}", String::from_utf8_lossy(&out.stderr));
    (certificate, key)
}

/// The top of a configuration for an ordinary (non-root or root) nginx process whose files all live in `dir`.
fn main_context(dir: &Path, http: &str) -> String {
    let dir = dir.display();
    // As root, nginx would switch its workers to `nobody`, who cannot read the test's private folders.
    let user = if running_as_root() { "user root;\n" } else { "" };
    format!(
        "{user}worker_processes 1;\nerror_log {dir}/error.log notice;\nevents {{ worker_connections 1024; }}\n\
         http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n\
         \x20   access_log {dir}/access.log;\n    client_body_temp_path {dir}/body;\n    proxy_temp_path {dir}/proxy;\n\
         \x20   fastcgi_temp_path {dir}/fastcgi;\n    uwsgi_temp_path {dir}/uwsgi;\n    scgi_temp_path {dir}/scgi;\n\
         {http}}}\n"
    )
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

/// `nginx -t` on the production file `hall.conf` (listening on 80 and 443, TLS with a self-signed certificate),
/// rendered into a fresh folder: (passed, nginx's output).
pub fn check_production_config(site: &Path) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (certificate, key) = self_signed_certificate(dir.path());
    render(dir.path(), &values(dir.path(), site, &certificate, &key, &[]));
    let conf = dir.path().join("nginx.conf");
    let http = format!("    include {}/hall.conf;\n", dir.path().display());
    std::fs::write(&conf, main_context(dir.path(), &http)).expect("write nginx.conf");
    let out = Command::new(nginx_binary())
        .arg("-t")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .args(["-g", &format!("pid {}/nginx.pid;", dir.path().display())])
        .output()
        .expect("nginx runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn values(
    dir: &Path,
    site: &Path,
    certificate: &Path,
    key: &Path,
    extra: &[(&str, String)],
) -> Vec<(&'static str, String)> {
    let mut values = vec![
        ("HALL_CONF", dir.display().to_string()),
        ("HALL_OUTPUT", site.display().to_string()),
        ("TLS_CERTIFICATE", certificate.display().to_string()),
        ("TLS_CERTIFICATE_KEY", key.display().to_string()),
    ];
    for (name, value) in extra {
        let known = ["VOTE_SERVICE", "SHARD_1", "SHARD_2", "SHARD_3", "PARTNER_ORIGINS"];
        let name = known.into_iter().find(|n| n == name).expect("known");
        values.push((name, value.clone()));
    }
    values
}

/// A loopback port that was free a moment ago.
fn free_port(ip: &str) -> Option<u16> {
    TcpListener::bind((ip, 0)).ok().and_then(|l| l.local_addr().ok()).map(|a| a.port())
}

impl Nginx {
    /// Starts nginx serving the built site `site` in front of `upstream`; `test_only` goes into the plain-HTTP
    /// server block before the site's own directives (e.g. `set_real_ip_from` for a simulated first proxy hop).
    pub fn start(site: &Path, upstream: Upstream<'_>, test_only: &str) -> Nginx {
        Self::start_with(site, upstream, test_only, &[])
    }

    /// As [`Nginx::start`], with more `NAME=VALUE` pairs for render.sh (e.g. `PARTNER_ORIGINS`).
    pub fn start_with(site: &Path, upstream: Upstream<'_>, test_only: &str, more: &[(&str, String)]) -> Nginx {
        let nginx = nginx_binary();
        let mut last_error = String::new();
        // A port picked free can be taken by another test before nginx binds it: try again with new ports.
        for _ in 0..5 {
            match Self::try_start(&nginx, site, &upstream, test_only, more) {
                Ok(running) => return running,
                Err(e) => last_error = e,
            }
        }
        panic!("nginx did not start: {last_error}");
    }

    fn try_start(
        nginx: &Path,
        site: &Path,
        upstream: &Upstream<'_>,
        test_only: &str,
        more: &[(&str, String)],
    ) -> Result<Nginx, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (certificate, key) = self_signed_certificate(dir.path());
        let (upstream_file, mut addresses) = match upstream {
            Upstream::One(address) => ("hall-upstream.conf", vec![("VOTE_SERVICE", (*address).to_owned())]),
            Upstream::Shards(shards) => (
                "hall-upstream-shards.conf",
                vec![("SHARD_1", shards[0].clone()), ("SHARD_2", shards[1].clone()), ("SHARD_3", shards[2].clone())],
            ),
        };
        addresses.extend(more.iter().cloned());
        render(dir.path(), &values(dir.path(), site, &certificate, &key, &addresses));
        let port = |ip| free_port(ip).ok_or_else(|| format!("no free port on {ip}"));
        let (plain, tls, redirect) = (port("127.0.0.1")?, port("127.0.0.1")?, port("127.0.0.1")?);
        let ipv6 = free_port("::1");
        let d = dir.path().display();
        let ipv6_listen = ipv6.map(|p| format!("        listen [::1]:{p};\n")).unwrap_or_default();
        let http = format!(
            "    include {d}/hall-http.conf;\n    include {d}/{upstream_file};\n\
             \x20   server {{\n        listen 127.0.0.1:{redirect};\n        server_name hall.example.org;\n\
             \x20       include {d}/hall-redirect.conf;\n    }}\n\
             \x20   server {{\n        listen 127.0.0.1:{tls} ssl;\n        server_name hall.example.org;\n\
             \x20       include {d}/hall-tls.conf;\n        include {d}/hall-site.conf;\n    }}\n\
             \x20   server {{\n        listen 127.0.0.1:{plain};\n{ipv6_listen}        server_name hall.example.org;\n\
             {test_only}\n        include {d}/hall-site.conf;\n    }}\n"
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, main_context(dir.path(), &http)).expect("write nginx.conf");
        let mut child = Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .args(["-g", &format!("daemon off; pid {d}/nginx.pid;")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run nginx: {e}"))?;
        let address = format!("127.0.0.1:{plain}");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited ({status}): {log}"));
            }
            let all_up = [plain, tls, redirect].iter().all(|p| TcpStream::connect(("127.0.0.1", *p)).is_ok());
            if all_up {
                return Ok(Nginx {
                    address,
                    ipv6_address: ipv6.map(|p| format!("[::1]:{p}")),
                    tls_address: format!("127.0.0.1:{tls}"),
                    redirect_address: format!("127.0.0.1:{redirect}"),
                    dir,
                    child,
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        Err("nginx did not listen within 60 s".to_owned())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM makes the master stop its worker too; SIGKILL would leave the worker behind.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` over TLS to `address` (the test certificate is not checked), with `openssl s_client`.
pub fn https_get(address: &str, path: &str) -> Reply {
    let mut child = Command::new("openssl")
        .args(["s_client", "-connect", address, "-servername", "hall.example.org", "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl runs");
    let request = format!("GET {path} HTTP/1.1\r\nHost: hall.example.org\r\nConnection: close\r\n\r\n");
    child.stdin.take().expect("stdin").write_all(request.as_bytes()).expect("send");
    let mut raw = Vec::new();
    child.stdout.take().expect("stdout").read_to_end(&mut raw).expect("read");
    let _ = child.wait();
    parse(&raw)
}

/// Sends `raw` to `address` from the local address `from` (any 127.x.y.z works on Linux; `::1` for IPv6) and reads
/// the whole reply.
pub fn request_from(from: IpAddr, address: &str, raw: &[u8]) -> Reply {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let stream = runtime.block_on(async {
        let socket = match from {
            IpAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
            IpAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
        }
        .expect("socket");
        socket.bind((from, 0).into()).expect("bind the source address");
        socket.connect(address.parse().expect("address")).await.unwrap_or_else(|e| panic!("connect {address}: {e}"))
    });
    let mut stream = stream.into_std().expect("std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    stream.write_all(raw).expect("send");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("read");
    parse(&reply)
}
