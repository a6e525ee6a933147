//! `vote-service backup`: a consistent copy of the database and its secret, taken while votes keep coming. With
//! `--service`, the running service writes it into its `--backup-dir` (the only process that may open the
//! database); with `--db` and `--to`, a stopped database is copied.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use vote_service::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The running service, e.g. http://127.0.0.1:8787 (plain HTTP on the operator's own network).
    #[arg(long, conflicts_with_all = ["db", "to"], requires = "admin_token_file")]
    pub service: Option<String>,
    /// File holding the service's admin token.
    #[arg(long)]
    pub admin_token_file: Option<PathBuf>,
    /// A stopped database to copy.
    #[arg(long, requires = "to")]
    pub db: Option<PathBuf>,
    /// Where to write the copy of a stopped database (a new file; its secret goes beside it).
    #[arg(long, requires = "db")]
    pub to: Option<PathBuf>,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    match (&args.service, &args.db, &args.to) {
        (Some(service), _, _) => {
            let token_file = args.admin_token_file.as_ref().context("--admin-token-file is needed with --service")?;
            let token = std::fs::read_to_string(token_file).with_context(|| format!("{}", token_file.display()))?;
            let answer = post(service, "/api/backup", token.trim())?;
            println!("{answer}");
            Ok(())
        }
        (None, Some(db), Some(to)) => {
            let store = Store::open_existing(db)?;
            let summary = store.backup_to(to)?;
            println!("{}", serde_json::to_string(&summary)?);
            Ok(())
        }
        _ => anyhow::bail!("give --service URL --admin-token-file F, or --db F --to FILE"),
    }
}

/// `POST path` to `service` (`http://host:port`) with the admin token; the body of a 200 answer.
fn post(service: &str, path: &str, token: &str) -> anyhow::Result<String> {
    let address =
        service.strip_prefix("http://").context("--service must be an http:// address")?.trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).with_context(|| format!("cannot reach {service}"))?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    let (head, body) = reply.split_once("\r\n\r\n").context("the service's answer is not HTTP")?;
    let status = head.split_whitespace().nth(1).unwrap_or("");
    anyhow::ensure!(status == "200", "the service answered {status}: {body}");
    Ok(body.trim().to_owned())
}
