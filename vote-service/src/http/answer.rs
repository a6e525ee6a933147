//! Every answer the service gives: a status code, a stable `code`, a Chinese `message`, and what else the client
//! needs (a receipt, when the next vote is possible). As JSON for scripts, as a small HTML page for form posts.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode, header};
use serde_json::Value;

/// An answer before it is rendered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// More fields of the JSON body, in order.
    pub fields: Vec<(&'static str, Value)>,
    /// Extra headers, e.g. `Retry-After`.
    pub headers: Vec<(header::HeaderName, String)>,
}

/// How a voter checks a receipt later: the hall publishes its receipt check (查验回执) with the results.
const RECEIPT_LATER: &str =
    "请保存回执编号。网上投票结束、结果公布后，可在展厅的“查验回执”页面输入回执编号，查看这张票是否计入结果。";

impl Answer {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Answer { status, code, message: message.into(), fields: Vec::new(), headers: Vec::new() }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    pub fn header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn malformed(detail: &str) -> Self {
        Answer::new(StatusCode::BAD_REQUEST, "malformed", format!("请求格式不正确：{detail}。"))
    }

    pub fn not_found() -> Self {
        Answer::new(StatusCode::NOT_FOUND, "not_found", "没有这个地址。")
    }

    pub fn method_not_allowed(allow: &str) -> Self {
        Answer::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "不支持这种请求方法。")
            .header(header::ALLOW, allow)
    }

    pub fn too_large() -> Self {
        Answer::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "请求内容过大。")
    }

    pub fn wrong_content_type() -> Self {
        Answer::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "wrong_content_type",
            "请以 JSON（application/json）或表单（application/x-www-form-urlencoded）提交投票。",
        )
    }

    /// A vote posted from a page of another site (CSRF): the visitor did not choose it.
    pub fn foreign_origin() -> Self {
        Answer::new(
            StatusCode::FORBIDDEN,
            "foreign_origin",
            "投票只能在展厅网站或合作平台的页面上提交，其他网站代为提交的投票不予记录。",
        )
    }

    pub fn busy() -> Self {
        Answer::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "投票人数较多，您的投票没有记录，请稍后再试。")
            .header(header::RETRY_AFTER, "1")
    }

    pub fn unavailable() -> Self {
        Answer::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "投票服务暂时不可用，您的投票没有记录，请稍后再试。",
        )
        .header(header::RETRY_AFTER, "5")
    }

    /// The answer as a JSON response.
    pub fn json(self) -> Response<Full<Bytes>> {
        let bytes = self.json_body();
        self.respond("application/json; charset=utf-8", bytes)
    }

    /// The JSON body: `code`, `message`, then the fields in the order they were added.
    fn json_body(&self) -> Vec<u8> {
        use serde::ser::{SerializeMap, Serializer};
        let mut bytes = Vec::with_capacity(256);
        let mut serializer = serde_json::Serializer::new(&mut bytes);
        let written = (|| {
            let mut map = serializer.serialize_map(Some(2 + self.fields.len()))?;
            map.serialize_entry("code", self.code)?;
            map.serialize_entry("message", &self.message)?;
            for (key, value) in &self.fields {
                map.serialize_entry(key, value)?;
            }
            map.end()
        })();
        written.expect("answers serialise");
        bytes
    }

    /// The answer as a small HTML page, for a form posted without JavaScript; `back` links to the case page.
    pub fn html(self, back: Option<&str>) -> Response<Full<Bytes>> {
        let receipt = self
            .fields
            .iter()
            .find(|(key, _)| *key == "receipt")
            .and_then(|(_, value)| value.as_str())
            .map(|r| format!("<p>回执编号：<strong>{}</strong></p><p>{RECEIPT_LATER}</p>", escape(r)));
        let back = back.filter(|b| b.starts_with('/') || b.starts_with("https://"));
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title>\n<style>body{{font-family:system-ui,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1c2430}}h1{{font-size:1.4rem}}a{{color:#0b4a8b}}</style></head>\n\
             <body><main><h1>{title}</h1><p>{message}</p>{receipt}{back}</main></body>\n</html>\n",
            title = if self.status.is_success() { "投票成功" } else { "投票未记录" },
            message = escape(&self.message),
            receipt = receipt.unwrap_or_default(),
            back = back.map(|b| format!("<p><a href=\"{}\">返回案例页面</a></p>", escape(b))).unwrap_or_default(),
        );
        self.respond("text/html; charset=utf-8", page.into_bytes())
    }

    fn respond(self, content_type: &str, body: Vec<u8>) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_str(content_type).expect("valid header"));
        headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        for (name, value) in self.headers {
            if let Ok(value) = header::HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        response
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_carry_code_message_and_fields() {
        let answer = Answer::new(StatusCode::OK, "counted", "投票成功\"").with("receipt", "AB").with("n", 2);
        let body = String::from_utf8(answer.json_body()).expect("UTF-8");
        assert_eq!(body, r#"{"code":"counted","message":"投票成功\"","receipt":"AB","n":2}"#);
        let response = answer.json();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json; charset=utf-8");
    }

    #[test]
    fn html_answers_escape_and_only_link_home() {
        let page = Answer::new(StatusCode::OK, "counted", "<b>").html(Some("javascript:alert(1)"));
        assert_eq!(page.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        let body = format!("{:?}", page.body());
        assert!(!body.contains("<b>") && !body.contains("javascript:"), "{body}");
    }
}
