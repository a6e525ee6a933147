//! Where each key of a YAML document sits: the line of `images[2].caption` or `contact.phone`.
//!
//! serde_yaml turns YAML into values but forgets positions; problems found after parsing (a date out of the window,
//! a photo that is missing) still have to name their line. This walks yaml-rust2's marked events once and records
//! the line of every mapping key and sequence item under a dotted path.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

pub use crate::diagnostics::KeyLines;

impl KeyLines {
    /// Indexes `yaml`, whose first line is line `first_line` of its file. Invalid YAML gives a partial index;
    /// the syntax error itself is reported by the parser that reads the values.
    pub fn index(yaml: &str, first_line: usize) -> Self {
        let mut indexer = Indexer::new(first_line);
        let mut parser = Parser::new_from_str(yaml);
        // A syntax error only ends the index early; see above.
        let _ = parser.load(&mut indexer, false);
        indexer.into_lines()
    }
}

struct Frame {
    path: String,
    kind: FrameKind,
}

enum FrameKind {
    /// A mapping; `key` is the key whose value is being read, `None` while waiting for the next key.
    Map {
        key: Option<String>,
    },
    Seq {
        next: usize,
    },
}

/// Records the line of each key from a parser's events; [`super::yaml_document`] feeds it the events it builds
/// values from.
pub(crate) struct Indexer {
    frames: Vec<Frame>,
    lines: HashMap<String, usize>,
    offset: usize,
}

impl Indexer {
    /// An indexer of a document whose first line is line `first_line` of its file.
    pub(crate) fn new(first_line: usize) -> Self {
        Indexer { frames: Vec::new(), lines: HashMap::new(), offset: first_line.saturating_sub(1) }
    }

    pub(crate) fn into_lines(self) -> KeyLines {
        KeyLines::from_lines(self.lines)
    }

    /// Takes one event of the parse.
    pub(crate) fn observe(&mut self, event: &Event, mark: Marker) {
        let line = mark.line() + self.offset;
        match event {
            Event::Scalar(value, ..) if self.place_node(Some(value), line).is_some() => self.finish_value(),
            Event::Alias(_) if self.place_node(None, line).is_some() => self.finish_value(),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = self.place_node(None, line).unwrap_or_else(|| "?".to_owned());
                let kind = match event {
                    Event::MappingStart(..) => FrameKind::Map { key: None },
                    _ => FrameKind::Seq { next: 0 },
                };
                self.frames.push(Frame { path, kind });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.finish_value();
            }
            _ => {}
        }
    }

    /// Called for every node. Returns the node's path when it is a value, `None` when it is a mapping key.
    fn place_node(&mut self, scalar: Option<&str>, line: usize) -> Option<String> {
        let Some(frame) = self.frames.last_mut() else {
            return Some(String::new());
        };
        match &mut frame.kind {
            FrameKind::Map { key: key @ None } => {
                let name = scalar.unwrap_or("?").to_owned();
                let path = join(&frame.path, &name);
                self.lines.entry(path).or_insert(line);
                *key = Some(name);
                None
            }
            FrameKind::Map { key: Some(name) } => Some(join(&frame.path, name)),
            FrameKind::Seq { next } => {
                let path = format!("{}[{next}]", frame.path);
                *next += 1;
                self.lines.entry(path.clone()).or_insert(line);
                Some(path)
            }
        }
    }

    /// Called when a value is complete: its mapping waits for the next key again.
    fn finish_value(&mut self) {
        if let Some(Frame { kind: FrameKind::Map { key }, .. }) = self.frames.last_mut() {
            *key = None;
        }
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, event: Event, mark: Marker) {
        self.observe(&event, mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "title: 智慧医保\ncontact:\n  name: 张三\n  phone: '0532'\nimages:\n  - file: a.jpg\n    caption: 大厅\n  - file: b.jpg\ntags: [x, y]\n";

    #[test]
    fn finds_top_level_and_nested_keys() {
        let k = KeyLines::index(YAML, 2);
        assert_eq!(k.line("title"), Some(2));
        assert_eq!(k.line("contact.phone"), Some(5));
        assert_eq!(k.line("images"), Some(6));
        assert_eq!(k.line("images[0].caption"), Some(8));
        assert_eq!(k.line("images[1].file"), Some(9));
        assert_eq!(k.line("tags[1]"), Some(10));
    }

    #[test]
    fn falls_back_to_the_nearest_parent() {
        let k = KeyLines::index(YAML, 1);
        assert_eq!(k.line("images[1].caption"), Some(8));
        assert_eq!(k.line("images[7]"), Some(5));
        assert_eq!(k.line("nowhere"), None);
    }

    #[test]
    fn survives_invalid_yaml() {
        let k = KeyLines::index("a: 1\nb: [\n", 1);
        assert_eq!(k.line("a"), Some(1));
    }
}
