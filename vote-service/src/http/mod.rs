//! The HTTP interface: one function from a request to an answer.
//!
//! | route | what |
//! | --- | --- |
//! | `POST /api/votes` | a vote: JSON `{"case": id}` (answered in JSON) or a form `case=id` (answered with a page) |
//! | `GET /api/votes` | whether voting is open now, by the service's clock (which a rehearsal may shift) |
//! | `GET /api/tally` | public counts, when the election's `tally_visibility` allows |
//! | `GET /api/export[?format=csv]` | the full tally, with `Authorization: Bearer <admin token>` |
//! | `GET /api/audit[?from=N&limit=M]` | the audit log as JSON lines (as `vote-service audit`), with the admin token |
//! | `GET /healthz` | liveness, without counts |
//! | `GET /metrics` | Prometheus metrics, with the admin token |
//! | `POST /api/backup` | a consistent copy of the database and its secret into `--backup-dir`, with the admin token |
//! | `OPTIONS *` | CORS preflight for the configured site origins |

pub mod answer;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use answer::Answer;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode, header};
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot};

use crate::client::TrustedProxies;
use crate::clock::Clock;
use crate::election::Window;
use crate::manifest::Manifest;
use crate::metrics::{Metrics, Readings};
use crate::origin::{self, Origins, Source};
use crate::store::Store;
use crate::store::ballot::{Ballot, Signals, Via, Vote};
use crate::store::writer::{Job, Outcome};
use crate::tally::Tally;

/// The largest request body accepted: a vote is a few dozen bytes.
pub const MAX_BODY: usize = 4 * 1024;
/// How long a client may take to send its body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a request needs.
pub struct App {
    pub manifest: Manifest,
    pub clock: Clock,
    pub proxies: TrustedProxies,
    pub store: Store,
    /// Keys the hash that replaces client addresses, and the receipts.
    pub secret: crate::secret::Secret,
    pub queue: mpsc::Sender<Job>,
    pub admin_token: Option<String>,
    /// The sites that may post votes: the hall and its partners.
    pub origins: Origins,
    pub healthy: Arc<AtomicBool>,
    pub metrics: Arc<Metrics>,
    /// Where `POST /api/backup` writes its copies (`--backup-dir`); none: backups through the API are off.
    pub backup_dir: Option<std::path::PathBuf>,
}

/// Answers one request from `peer`.
pub async fn handle(app: Arc<App>, peer: IpAddr, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
    let allowed_origin = origin.filter(|o| app.origins.allows(o));
    let path = request.uri().path().to_owned();
    let mut response = match (request.method(), path.as_str()) {
        (&Method::OPTIONS, _) => preflight(allowed_origin.is_some()),
        (&Method::POST, "/api/votes") => {
            let (code, response) = vote(&app, peer, request).await;
            app.metrics.answered(code);
            response
        }
        (&Method::GET, "/api/votes") => status(&app),
        (_, "/api/votes") => Answer::method_not_allowed("GET, POST, OPTIONS").json(),
        (&Method::GET, "/api/tally") => tally(&app),
        (&Method::GET, "/api/export") => export(&app, &request),
        (&Method::GET, "/api/audit") => audit(&app, &request),
        (&Method::GET, "/healthz") => health(&app),
        (&Method::POST, "/api/backup") => match refuse_without_token(&app, &request) {
            Some(refusal) => refusal,
            None => backup(&app).await,
        },
        (_, "/api/backup") => Answer::method_not_allowed("POST").json(),
        (&Method::GET, "/metrics") => match refuse_without_token(&app, &request) {
            Some(refusal) => refusal,
            None => metrics(&app),
        },
        (_, "/api/tally" | "/api/export" | "/api/audit" | "/healthz" | "/metrics") => {
            Answer::method_not_allowed("GET").json()
        }
        _ => Answer::not_found().json(),
    };
    if let Some(origin) = allowed_origin
        && let Ok(value) = header::HeaderValue::from_str(&origin)
    {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::VARY, header::HeaderValue::from_static("Origin"));
    }
    response
}

fn preflight(allowed: bool) -> Response<Full<Bytes>> {
    if !allowed {
        return Answer::new(StatusCode::FORBIDDEN, "origin_not_allowed", "这个网站不能向投票服务提交投票。").json();
    }
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, header::HeaderValue::from_static("POST, GET, OPTIONS"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, header::HeaderValue::from_static("Content-Type"));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, header::HeaderValue::from_static("86400"));
    response
}

/// How the vote was sent, which decides how it is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Json,
    Html,
}

/// A vote's answer, with the code it is counted under in the metrics.
async fn vote(app: &App, peer: IpAddr, request: Request<Incoming>) -> (&'static str, Response<Full<Bytes>>) {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    let form = if media_type.eq_ignore_ascii_case("application/json") {
        Form::Json
    } else if media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Form::Html
    } else {
        return plain(Answer::wrong_content_type());
    };
    let headers = request.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let source = app.origins.classify(origin::Headers {
        origin: text(header::ORIGIN),
        sec_fetch_site: text(header::HeaderName::from_static("sec-fetch-site")),
        referer: text(header::REFERER),
    });
    if source == Source::Foreign {
        return render(Answer::foreign_origin(), form, None);
    }
    let user_agent = text(header::USER_AGENT).map(str::to_owned);
    let language = first_language(text(header::ACCEPT_LANGUAGE));
    let forwarded: Vec<&str> =
        request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    let client = app.proxies.client(peer, &forwarded);
    let body = match tokio::time::timeout(BODY_TIMEOUT, Limited::new(request.into_body(), MAX_BODY).collect()).await {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return plain(Answer::too_large());
        }
        Ok(Err(_)) => return plain(Answer::malformed("请求内容没有完整收到")),
        Err(_) => return plain(Answer::new(StatusCode::REQUEST_TIMEOUT, "timeout", "请求内容发送超时。")),
    };
    let case_id = match parse_case(form, &body) {
        Ok(id) => id,
        Err(detail) => return render(Answer::malformed(&detail), form, None),
    };
    let Some(case) = app.manifest.cases.get(&case_id) else {
        let answer = Answer::new(StatusCode::NOT_FOUND, "unknown_case", "没有这个案例，请从展厅的案例页面投票。");
        return render(answer.with("case", case_id), form, None);
    };
    let back = Some(case.url.as_str());
    let election = &app.manifest.election;
    let now = app.clock.now();
    let day = match election.window(now) {
        Window::Open { day } => day,
        Window::NotOpen { opens_at } => {
            let answer = Answer::new(
                StatusCode::FORBIDDEN,
                "not_open",
                format!("投票尚未开始，将于{}开始。", election.local_words(opens_at)),
            )
            .with("opens_at", election.local_rfc3339(opens_at));
            return render(answer, form, back);
        }
        Window::Closed => {
            let answer = Answer::new(StatusCode::FORBIDDEN, "closed", "投票已经结束，感谢您的关注。");
            return render(answer, form, back);
        }
    };
    let scope = match election.scope {
        crate::election::Scope::Election => String::new(),
        crate::election::Scope::Category => case.category.clone(),
        crate::election::Scope::Case => case_id.clone(),
    };
    let (reply, outcome) = oneshot::channel();
    let site = match &source {
        Source::Hall | Source::Partner(_) => source_host(&source, &app.origins),
        Source::Unknown | Source::Foreign => "",
    };
    let signals = Signals {
        user_agent: user_agent.as_deref(),
        site,
        via: if form == Form::Json { Via::Js } else { Via::Form },
        language: &language,
    };
    let vote = Vote { case: &case_id, scope: &scope, client, at: now, day, signals };
    let ballot = Ballot::new(&app.secret, &election.id, &vote);
    if let Err(e) = app.queue.try_send(Job { ballot, reply }) {
        let answer = match e {
            mpsc::error::TrySendError::Full(_) => Answer::busy(),
            mpsc::error::TrySendError::Closed(_) => Answer::unavailable(),
        };
        return render(answer, form, back);
    }
    let answer = match outcome.await.unwrap_or(Outcome::Failed) {
        Outcome::Counted { receipt, repeat } => {
            Answer::new(StatusCode::OK, "counted", format!("投票成功！感谢您为《{}》投票。", case.title))
                .with("case", case_id)
                .with("day", day.to_string())
                .with("receipt", receipt)
                .with("repeat", repeat)
        }
        Outcome::AlreadyVoted { case: voted_for } => {
            let next = election.next_vote_at(day);
            let when = match next {
                Some(at) => format!("下次可投票时间：{}。", election.local_words(at)),
                None => "今天是投票的最后一天，感谢参与。".to_owned(),
            };
            let mut answer = Answer::new(
                StatusCode::TOO_MANY_REQUESTS,
                "already_voted",
                format!("您今天已经投过票了（{}）。{when}", limit_words(election.scope)),
            )
            .with("voted_for", voted_for)
            .with("next_vote_at", next.map(|at| election.local_rfc3339(at)));
            if let Some(at) = next {
                let seconds = at.duration_since(now).as_secs().max(1);
                answer = answer.header(header::RETRY_AFTER, seconds.to_string());
            }
            answer
        }
        Outcome::Failed => Answer::unavailable(),
    };
    render(answer, form, back)
}

/// Whether voting is open now, by the service's clock: what the pages show as the voting status, so that a rehearsal
/// run with `--now` (or the preview) and the pages agree. Never any count.
fn status(app: &App) -> Response<Full<Bytes>> {
    let election = &app.manifest.election;
    let now = app.clock.now();
    let answer = match election.window(now) {
        Window::Open { day } => Answer::new(StatusCode::OK, "open", "投票进行中。").with("day", day.to_string()),
        Window::NotOpen { opens_at } => Answer::new(
            StatusCode::OK,
            "not_open",
            format!("投票尚未开始，将于{}开始。", election.local_words(opens_at)),
        )
        .with("opens_at", election.local_rfc3339(opens_at)),
        Window::Closed => Answer::new(StatusCode::OK, "closed", "投票已经结束。"),
    };
    answer.with("now", election.local_rfc3339(now)).header(header::CACHE_CONTROL, "no-store").json()
}

/// The host of the site a vote came from, for its audit record.
fn source_host<'a>(source: &'a Source, origins: &'a Origins) -> &'a str {
    let origin = match source {
        Source::Partner(origin) => origin.as_str(),
        Source::Hall => origins.own().unwrap_or(""),
        Source::Unknown | Source::Foreign => "",
    };
    origin.split_once("://").map_or(origin, |(_, host)| host)
}

/// The first language tag of an `Accept-Language` header, at most 16 characters, e.g. `zh-CN`.
fn first_language(header: Option<&str>) -> String {
    let tag = header.and_then(|h| h.split([',', ';']).next()).unwrap_or("").trim();
    tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(16).collect()
}

fn limit_words(scope: crate::election::Scope) -> &'static str {
    match scope {
        crate::election::Scope::Election => "每个IP每天限投1票",
        crate::election::Scope::Category => "每个IP每天在每个类别限投1票",
        crate::election::Scope::Case => "每个IP每天为每个案例限投1票",
    }
}

/// The answer to a vote, as JSON or as a page, with its code for the metrics (`repeat` for a counted retry).
fn render(answer: Answer, form: Form, back: Option<&str>) -> (&'static str, Response<Full<Bytes>>) {
    let repeat = answer.fields.iter().any(|(key, value)| *key == "repeat" && value == &serde_json::Value::Bool(true));
    let code = if repeat { "repeat" } else { answer.code };
    let response = match form {
        Form::Json => answer.json(),
        Form::Html => answer.html(back),
    };
    (code, response)
}

/// An answer to a vote that could not be read, always JSON.
fn plain(answer: Answer) -> (&'static str, Response<Full<Bytes>>) {
    (answer.code, answer.json())
}

/// The metrics, with the queue, the database's size and (while tallies are visible) the day's votes read now.
pub fn metrics(app: &App) -> Response<Full<Bytes>> {
    let election = &app.manifest.election;
    let now = app.clock.now();
    let day_votes = if election.tally_visible(now) {
        let today = election.day(now).to_string();
        app.store
            .counts()
            .ok()
            .map(|counts| counts.daily.get(&today).cloned().unwrap_or_default().into_iter().collect())
    } else {
        None
    };
    let readings = Readings {
        queue_depth: app.queue.max_capacity().saturating_sub(app.queue.capacity()),
        database_bytes: std::fs::metadata(app.store.path()).map_or(0, |m| m.len()),
        day_votes,
    };
    let mut response = Response::new(Full::new(Bytes::from(app.metrics.render(&readings))));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// The case id of a vote body.
fn parse_case(form: Form, body: &[u8]) -> Result<String, String> {
    let id = match form {
        Form::Json => {
            // Exactly the documented object: a map (not an array, which serde would also take for a struct) with
            // one key, `case`, whose value is a string.
            let wrong = || "正文应为 {\"case\": \"案例编号\"}".to_owned();
            let mut object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(body).map_err(|_| wrong())?;
            match (object.remove("case"), object.is_empty()) {
                (Some(serde_json::Value::String(case)), true) => case,
                _ => return Err(wrong()),
            }
        }
        Form::Html => {
            std::str::from_utf8(body).map_err(|_| "表单不是 UTF-8 编码".to_owned())?;
            let case = form_urlencoded::parse(body).filter(|(key, _)| key == "case").last();
            case.ok_or("表单缺少 case 字段")?.1.into_owned()
        }
    };
    if id.is_empty() || id.len() > 64 {
        return Err("案例编号为空或过长".to_owned());
    }
    // A case id is lowercase ASCII letters, digits and hyphens: anything else (a stray `%`, a replacement character
    // for bytes that were not UTF-8) is a malformed request, not an unknown case.
    if !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err("案例编号格式不正确".to_owned());
    }
    Ok(id)
}

fn tally(app: &App) -> Response<Full<Bytes>> {
    let election = &app.manifest.election;
    if !election.tally_visible(app.clock.now()) {
        return Answer::new(StatusCode::FORBIDDEN, "tally_hidden", "票数将在投票结束后公布。").json();
    }
    match app.store.counts() {
        Ok(counts) => Answer::new(StatusCode::OK, "tally", "当前票数")
            .with("election", election.id.clone())
            .with("total_votes", counts.total())
            .with("totals", json!(counts.totals))
            .json(),
        Err(e) => {
            eprintln!("vote-service: reading the tally failed: {e}");
            Answer::unavailable().json()
        }
    }
}

/// `None` when the request carries the admin token, else the 401 answer.
fn refuse_without_token(app: &App, request: &Request<Incoming>) -> Option<Response<Full<Bytes>>> {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let authorised =
        app.admin_token.as_deref().is_some_and(|token| bool::from(token.as_bytes().ct_eq(presented.as_bytes())));
    if authorised {
        return None;
    }
    let answer = Answer::new(StatusCode::UNAUTHORIZED, "unauthorized", "需要管理员令牌（Authorization: Bearer …）。");
    Some(answer.header(header::WWW_AUTHENTICATE, "Bearer").json())
}

/// The most audit records one `GET /api/audit` answers with; ask again `from` the next sequence number.
pub const AUDIT_PAGE: u64 = 100_000;

fn audit(app: &App, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    if let Some(refusal) = refuse_without_token(app, request) {
        return refusal;
    }
    let query = request.uri().query().unwrap_or("");
    let number = |name: &str| {
        query.split('&').find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('='))).map(str::parse::<u64>)
    };
    let (from, limit) = match (number("from").unwrap_or(Ok(0)), number("limit").unwrap_or(Ok(AUDIT_PAGE))) {
        (Ok(from), Ok(limit)) => (from, limit.min(AUDIT_PAGE)),
        _ => return Answer::malformed("from 和 limit 应为非负整数").json(),
    };
    let mut body = String::new();
    let read = app.store.audit_lines(from, limit, |line| {
        body.push_str(line);
        body.push('\n');
    });
    if let Err(e) = read {
        eprintln!("vote-service: reading the audit log failed: {e}");
        return Answer::unavailable().json();
    }
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/x-ndjson; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

fn export(app: &App, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    if let Some(refusal) = refuse_without_token(app, request) {
        return refusal;
    }
    let tally = match Tally::of_store(&app.store, &app.manifest.election.id, app.clock.now().to_string()) {
        Ok(tally) => tally,
        Err(e) => {
            eprintln!("vote-service: export failed: {e}");
            return Answer::unavailable().json();
        }
    };
    let csv = request.uri().query().is_some_and(|q| q.split('&').any(|p| p == "format=csv"));
    let (content_type, body) = if csv {
        ("text/csv; charset=utf-8", tally.to_csv())
    } else {
        ("application/json; charset=utf-8", tally.to_json())
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// Writes a backup into the backup folder, named by the database and the instant, off the request threads.
async fn backup(app: &App) -> Response<Full<Bytes>> {
    let Some(dir) = app.backup_dir.clone() else {
        return Answer::new(StatusCode::CONFLICT, "no_backup_dir", "投票服务启动时没有指定备份目录（--backup-dir）。")
            .json();
    };
    let stamp = app.clock.now().strftime("%Y%m%dT%H%M%S%.6fZ").to_string();
    let stem =
        std::path::Path::new(app.store.path()).file_stem().map_or_else(|| "votes".into(), |s| s.to_string_lossy());
    let file = dir.join(format!("{stem}-{stamp}.redb"));
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.backup_to(&file)).await {
        Ok(Ok(summary)) => Answer::new(StatusCode::OK, "backed_up", "备份完成。")
            .with("file", summary.file)
            .with("secret", summary.secret)
            .with("votes", summary.votes)
            .with("bytes", summary.bytes)
            .json(),
        Ok(Err(e)) => {
            eprintln!("vote-service: backup failed: {e}");
            Answer::new(StatusCode::INTERNAL_SERVER_ERROR, "backup_failed", format!("备份失败：{e}")).json()
        }
        Err(e) => Answer::new(StatusCode::INTERNAL_SERVER_ERROR, "backup_failed", format!("备份失败：{e}")).json(),
    }
}

fn health(app: &App) -> Response<Full<Bytes>> {
    let healthy = app.healthy.load(Ordering::Relaxed) && !app.queue.is_closed();
    let answer = if healthy {
        Answer::new(StatusCode::OK, "ok", "投票服务运行正常。")
    } else {
        Answer::new(StatusCode::SERVICE_UNAVAILABLE, "unhealthy", "投票服务写入数据库失败，需要管理员处理。")
    };
    answer
        .with("election", app.manifest.election.id.clone())
        .with("now", app.manifest.election.local_rfc3339(app.clock.now()))
        .with("clock_shifted", app.clock.is_shifted())
        .json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_parse_from_json_and_forms() {
        assert_eq!(parse_case(Form::Json, br#"{"case": "a-b"}"#), Ok("a-b".to_owned()));
        assert_eq!(parse_case(Form::Html, b"x=1&case=a%2Db"), Ok("a-b".to_owned()));
        assert!(parse_case(Form::Json, br#"{"case": "a", "extra": 1}"#).is_err());
        assert!(parse_case(Form::Json, b"not json").is_err());
        assert!(parse_case(Form::Json, br#"["a-b"]"#).is_err(), "an array is not the documented object");
        assert!(parse_case(Form::Json, br#"{"case": 1}"#).is_err());
        assert!(parse_case(Form::Json, br#"{"case": "a", "case": "b"}"#).is_ok_and(|c| c == "b"));
        assert!(parse_case(Form::Html, b"case=%+f").is_err(), "a sign is not a hex digit");
        assert!(parse_case(Form::Html, b"case=%zz").is_err());
        assert!(parse_case(Form::Html, b"nothing=here").is_err());
        assert!(parse_case(Form::Html, b"case=%FF%FE").is_err(), "percent-encoded bytes that are not UTF-8");
        assert!(parse_case(Form::Json, br#"{"case": "../a"}"#).is_err());
    }
}
