//! Serving `output/` as a web server would: a folder answers with its `index.html`, an unknown path with `404.html`
//! and status 404. HTML gets the live-reload script, which also shows a failed build's problems.

use std::path::{Component, Path, PathBuf};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Response, StatusCode, header};

use super::Body;
use super::live_reload::SCRIPT;

/// The response for `path` under `root`.
pub fn serve(root: &Path, path: &str, problem: Option<&str>) -> Response<Body> {
    let (status, file) = match resolve(root, path) {
        Some(file) => (StatusCode::OK, file),
        None => (StatusCode::NOT_FOUND, root.join("404.html")),
    };
    let Ok(bytes) = std::fs::read(&file) else {
        let message = match problem {
            Some(problem) => format!("the site has not been built:\n\n{problem}"),
            None => "not found".to_owned(),
        };
        return plain(404, &message);
    };
    let content_type = content_type(&file);
    let body = if content_type.starts_with("text/html") { with_script(bytes) } else { bytes };
    let mut response = Response::new(Full::new(Bytes::from(body)).boxed());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    response
}

/// A plain-text response.
pub fn plain(status: u16, text: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_owned())).boxed());
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// The file for a URL path (percent-encoded, without query), if it is inside `root`: a folder's `index.html`.
/// The tests' static server resolves paths with it too.
pub fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let file = root.join(relative);
    if file.is_dir() {
        let index = file.join("index.html");
        return index.is_file().then_some(index);
    }
    file.is_file().then_some(file)
}

/// The page with the live-reload script before `</body>`. A failed build's problems reach the page through the
/// event stream, which sends them as soon as the page subscribes.
fn with_script(html: Vec<u8>) -> Vec<u8> {
    let html = String::from_utf8_lossy(&html);
    match html.rfind("</body>") {
        Some(at) => format!("{}{SCRIPT}{}", &html[..at], &html[at..]).into_bytes(),
        None => format!("{html}{SCRIPT}").into_bytes(),
    }
}

/// The `Content-Type` of a file of the built site, by its extension (the tests' static server uses it too).
pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_output() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::create_dir(dir.path().join("a")).expect("mkdir");
        std::fs::write(dir.path().join("a/index.html"), "x").expect("write");
        assert_eq!(resolve(dir.path(), "/a/"), Some(dir.path().join("a/index.html")));
        assert_eq!(resolve(dir.path(), "/a/../a/"), None);
        assert_eq!(resolve(dir.path(), "/%2e%2e/etc/passwd"), None);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = String::from_utf8(with_script(b"<html><body>x</body></html>".to_vec())).expect("utf-8");
        assert!(page.ends_with("</script></body></html>"), "{page}");
    }
}
