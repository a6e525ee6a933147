//! Live reload: every page the preview serves carries a small script that listens to a server-sent event stream;
//! after a good rebuild the page reloads itself, after a failed one it shows the problems over the page.

use std::sync::Mutex;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame};
use hyper::{Response, header};
use tokio::sync::mpsc;

use super::Body;

/// Where the event stream is served.
pub const PATH: &str = "/__livereload";

/// The script injected before `</body>` of every page the preview serves (never into `output/`).
pub const SCRIPT: &str = r#"<script>(function(){var s=new EventSource("/__livereload");
s.addEventListener("reload",function(){location.reload();});
s.addEventListener("problem",function(e){var d=document.getElementById("hall-preview-problem");
if(!d){d=document.createElement("div");d.id="hall-preview-problem";d.setAttribute("role","alert");
d.style.cssText="position:fixed;inset:0;z-index:99999;background:rgba(40,0,0,.94);color:#fff;font:14px/1.6 monospace;padding:2rem;white-space:pre-wrap;overflow:auto";
document.body.appendChild(d);}d.textContent="构建失败：修正下面的问题后，页面会自动刷新。\n\n"+e.data;});})();</script>"#;

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<mpsc::Sender<Bytes>>>,
}

impl Hub {
    /// A new event stream; `problem` is sent at once if the last build failed.
    pub fn subscribe(&self, problem: Option<String>) -> Response<Body> {
        let (sender, receiver) = mpsc::channel(16);
        if let Some(problem) = problem {
            let _ = sender.try_send(event("problem", &problem));
        }
        self.clients.lock().expect("hub lock").push(sender);
        let mut response = Response::new(EventStream(receiver).boxed());
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/event-stream"));
        headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        response
    }

    /// Tells every open page to reload.
    pub fn reload(&self) {
        self.send(event("reload", "1"));
    }

    /// Shows `problem` over every open page.
    pub fn problem(&self, problem: &str) {
        self.send(event("problem", problem));
    }

    fn send(&self, message: Bytes) {
        self.clients.lock().expect("hub lock").retain(|client| client.try_send(message.clone()).is_ok());
    }
}

/// One server-sent event; each line of `data` becomes a `data:` line.
fn event(name: &str, data: &str) -> Bytes {
    let mut text = format!("event: {name}\n");
    for line in data.lines() {
        text.push_str("data: ");
        text.push_str(line);
        text.push('\n');
    }
    text.push('\n');
    Bytes::from(text)
}

/// The body of an event stream: whatever the hub sends, for as long as the page stays open.
struct EventStream(mpsc::Receiver<Bytes>);

impl hyper::body::Body for EventStream {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|message| message.map(|bytes| Ok(Frame::data(bytes))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_problems_become_data_lines() {
        assert_eq!(event("problem", "a\nb"), Bytes::from("event: problem\ndata: a\ndata: b\n\n"));
    }
}
