//! Case descriptions: Markdown to HTML, then sanitised, so that an editor's text can never run script in the hall.
//!
//! Headings start at `<h3>`, below the page's own headings (the case title is the page's only `<h1>`); images are dropped, because a description may
//! not load anything from another origin and the case's photos are shown by the page itself.
//!
//! Nesting is limited to [`MAX_NESTING`] levels ([`too_deep`]): the sanitiser's HTML parser takes time that grows
//! with the square of the depth (20,000 nested list items took 8 s), and no description needs more.

use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::text::cjk::is_cjk;

/// The Markdown extensions of descriptions.
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// The deepest nesting of lists, quotes and HTML elements accepted in a description.
pub const MAX_NESTING: usize = 32;

/// The sanitised HTML of `markdown`. A description nested deeper than [`MAX_NESTING`] (which `check` refuses) is
/// shown as escaped text, so that rendering stays linear whatever the input.
pub fn to_html(markdown: &str) -> String {
    let mut depth = 0usize;
    let mut events: Vec<Event> = Vec::new();
    // One pass: the depth is measured on the events as they are collected.
    for event in Parser::new_ext(markdown, OPTIONS) {
        if deepens_past_limit(&mut depth, &event) {
            return format!("<p>{}</p>\n", escape(markdown));
        }
        events.push(match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                Event::Start(Tag::Heading { level: nested(level), id, classes, attrs })
            }
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(nested(level))),
            other => other,
        });
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, join_cjk_lines(events).into_iter());
    sanitizer().clean(&html).to_string()
}

/// Where `markdown` first nests deeper than [`MAX_NESTING`] levels, as a byte offset, if it does. Markdown blocks and
/// inline elements count as the parser reports them; raw HTML counts each start tag that is not void or
/// self-closing, less each end tag. One pass, linear in the length.
pub fn too_deep(markdown: &str) -> Option<usize> {
    let mut depth = 0usize;
    Parser::new_ext(markdown, OPTIONS)
        .into_offset_iter()
        .find(|(event, _)| deepens_past_limit(&mut depth, event))
        .map(|(_, range)| range.start)
}

/// Follows the nesting `depth` through `event`; whether it went deeper than [`MAX_NESTING`].
fn deepens_past_limit(depth: &mut usize, event: &Event<'_>) -> bool {
    match event {
        Event::Start(_) => *depth += 1,
        Event::End(_) => *depth = depth.saturating_sub(1),
        Event::Html(html) | Event::InlineHtml(html) => {
            for step in html_steps(html) {
                *depth = depth.saturating_add_signed(step);
                if *depth > MAX_NESTING {
                    return true;
                }
            }
        }
        _ => {}
    }
    *depth > MAX_NESTING
}

/// +1 for each start tag in `html` that opens an element, -1 for each end tag.
fn html_steps(html: &str) -> impl Iterator<Item = isize> + '_ {
    const VOID: [&str; 14] =
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
    html.split('<').skip(1).filter_map(|tag| {
        if tag.starts_with('/') {
            return Some(-1);
        }
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        let self_closing = tag.split('>').next().is_some_and(|t| t.ends_with('/'));
        (!name.is_empty() && !self_closing && !VOID.contains(&name.as_str())).then_some(1)
    })
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 9 / 8);
    pulldown_cmark::html::push_html(&mut out, std::iter::once(Event::Text(text.into())));
    out
}

/// The description sits under the page's `<h2>案例介绍</h2>`: its headings start at `<h3>`.
fn nested(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Drops a soft line break between two CJK characters (see [`crate::text::cjk`]).
fn join_cjk_lines(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let text_of = |e: Option<&Event<'_>>| match e {
        Some(Event::Text(t)) => Some(t.to_string()),
        _ => None,
    };
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        if matches!(event, Event::SoftBreak)
            && text_of(out.last()).and_then(|t| t.chars().next_back()).is_some_and(is_cjk)
            && text_of(events.get(i + 1)).and_then(|t| t.chars().next()).is_some_and(is_cjk)
        {
            continue;
        }
        out.push(event.clone());
    }
    out
}

/// The words of `markdown` without markup, for the search index.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(end)
                if !matches!(end, TagEnd::Strong | TagEnd::Emphasis | TagEnd::Link | TagEnd::Strikethrough) =>
            {
                text.push(' ');
            }
            _ => {}
        }
    }
    text
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .rm_tags(["img"])
            .link_rel(Some("noopener noreferrer nofollow"))
            .url_schemes(["http", "https", "mailto"].into_iter().collect());
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_and_demotes_h1() {
        let html = to_html("# 标题\n\n| a | b |\n| - | - |\n| 1 | 2 |\n");
        assert!(html.starts_with("<h3>标题</h3>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn script_handlers_and_javascript_links_are_removed() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">p</p>\n\n[a](javascript:alert(1)) ![i](https://x/i.png)",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn a_wrapped_chinese_line_joins_without_a_space() {
        assert_eq!(to_html("第一行，\n第二行\nEnglish"), "<p>第一行，第二行\nEnglish</p>\n");
    }

    #[test]
    fn nesting_is_limited_in_one_linear_pass() {
        assert_eq!(too_deep(&format!("{}x", "- ".repeat(MAX_NESTING / 2 - 1))), None, "list and item are two levels");
        assert_eq!(too_deep(&"- ".repeat(200_000)), None, "a thematic break, not lists");
        // 200,000 levels: 8 s for 20,000 in the sanitiser before, quadratic; now refused after one parse.
        let deep = format!("正文\n\n{}x", "- ".repeat(200_000));
        // A list and its item are two levels: the 17th `- ` passes 32.
        assert_eq!(too_deep(&deep), Some("正文\n\n".len() + 16 * "- ".len()));
        assert!(to_html(&deep).starts_with("<p>正文\n\n- - - "), "escaped text, not 400,000 elements");
        assert!(too_deep(&format!("{}x", "> ".repeat(100_000))).is_some(), "quotes");
        assert!(too_deep(&format!("a\n\n{}", "<div>".repeat(40))).is_some(), "raw HTML");
        let closed = format!("a\n\n{}\n", "<div>a</div><br><img src=x /><hr/>".repeat(1000));
        assert_eq!(too_deep(&closed), None, "closed, void and self-closing tags do not nest");
    }

    #[test]
    fn plain_text_keeps_the_words() {
        assert_eq!(
            to_plain_text("## 做法\n\n- **医保**电子凭证").split_whitespace().collect::<Vec<_>>(),
            ["做法", "医保电子凭证"]
        );
    }
}
