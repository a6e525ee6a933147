//! One parse of a YAML document: its value, resolved as serde_yaml resolves it, and the line of every key, both from
//! the one event stream of yaml-rust2, so that the values and the lines can never come from two parsers that
//! disagree, and a case file is read once.
//!
//! Plain scalars are typed by serde_yaml's rules (YAML 1.2 core schema: `~`/`null`, `true`/`false`, integers with
//! `0x`/`0o`/`0b`, floats with `.inf`/`.nan`, and digits with a leading zero stay text); quoted and block scalars
//! are text. Anchors and aliases are expanded, up to [`MAX_EXPANDED_NODES`] values, so that a "billion laughs"
//! document is an error, not a multi-gigabyte value. A key written twice in one mapping is an error on the second.
//! On a syntax error the caller asks serde_yaml for its message, which names the place better than yaml-rust2's
//! (where a quoted value starts, not where the file ends): errors are rare, so that costs a second parse only then.

use std::collections::HashMap;
use std::path::Path;

use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::key_lines::{Indexer, KeyLines};
use super::site_file::yaml_problem;
use crate::diagnostics::Problem;

/// Values an alias may expand to in all, counted over the whole document.
pub const MAX_EXPANDED_NODES: usize = 100_000;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlError {
    /// Not YAML: ask serde_yaml for the message (yaml-rust2's, at `line`, if serde_yaml takes it).
    Syntax { line: usize, message: String },
    /// A mapping names `key` twice; the second is on `line`.
    DuplicateKey { key: String, line: usize, first: Option<usize> },
    /// Aliases expand to more than [`MAX_EXPANDED_NODES`] values.
    TooManyAliases { line: usize },
}

/// Parses `yaml`, whose first line is line `first_line` of its file.
pub fn parse(yaml: &str, first_line: usize) -> Result<(Value, KeyLines), YamlError> {
    let mut builder = Builder {
        indexer: Indexer::new(first_line),
        offset: first_line.saturating_sub(1),
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        expanded: 0,
        error: None,
    };
    let mut parser = Parser::new_from_str(yaml);
    let loaded = parser.load(&mut builder, false);
    if let Some(error) = builder.error {
        return Err(error);
    }
    loaded.map_err(|e| YamlError::Syntax {
        line: e.marker().line() + first_line.saturating_sub(1),
        message: e.info().to_owned(),
    })?;
    Ok((builder.root.unwrap_or(Value::Null), builder.indexer.into_lines()))
}

/// `error` as a problem of the file at `path` whose YAML `yaml` starts at line `first_line`.
pub fn problem(path: &Path, yaml: &str, first_line: usize, error: YamlError) -> Problem {
    match error {
        YamlError::Syntax { line, message } => match serde_yaml::from_str::<Value>(yaml) {
            Err(e) => yaml_problem(path, first_line, &e),
            Ok(_) => Problem::error(path, Some(line), "yaml", message),
        },
        YamlError::DuplicateKey { key, line, first } => {
            let first = first.map(|l| format!(" (first on line {l})")).unwrap_or_default();
            Problem::error(path, Some(line), &key, format!("'{key}' is written twice{first}; keep one"))
        }
        YamlError::TooManyAliases { line } => Problem::error(
            path,
            Some(line),
            "yaml",
            format!("anchors (&) and aliases (*) expand to more than {MAX_EXPANDED_NODES} values"),
        ),
    }
}

/// A collection being built, with its anchor.
enum Open {
    Map { map: Mapping, key: Option<(Value, usize)>, anchor: usize, tag: Option<Tag>, lines: HashMap<String, usize> },
    Seq { items: Vec<Value>, anchor: usize, tag: Option<Tag> },
}

struct Builder {
    indexer: Indexer,
    offset: usize,
    stack: Vec<Open>,
    /// Anchored values and how many values each holds.
    anchors: HashMap<usize, (Value, usize)>,
    root: Option<Value>,
    expanded: usize,
    error: Option<YamlError>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        self.indexer.observe(&event, mark);
        let line = mark.line() + self.offset;
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(text, style, tag);
                self.remember(anchor, &value);
                self.place(value, line);
            }
            Event::Alias(anchor) => {
                let Some((value, size)) = self.anchors.get(&anchor).cloned() else {
                    return self.error = Some(YamlError::TooManyAliases { line });
                };
                self.expanded += size;
                if self.expanded > MAX_EXPANDED_NODES {
                    return self.error = Some(YamlError::TooManyAliases { line });
                }
                self.place(value, line);
            }
            Event::MappingStart(anchor, tag) => self.stack.push(Open::Map {
                map: Mapping::new(),
                key: None,
                anchor,
                tag: tag.map(tag_of),
                lines: HashMap::new(),
            }),
            Event::SequenceStart(anchor, tag) => {
                self.stack.push(Open::Seq { items: Vec::new(), anchor, tag: tag.map(tag_of) });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (value, anchor, tag) = match self.stack.pop() {
                    Some(Open::Map { map, anchor, tag, .. }) => (Value::Mapping(map), anchor, tag),
                    Some(Open::Seq { items, anchor, tag }) => (Value::Sequence(items), anchor, tag),
                    None => return,
                };
                let value = match tag {
                    Some(tag) => Value::Tagged(Box::new(TaggedValue { tag, value })),
                    None => value,
                };
                self.remember(anchor, &value);
                self.place(value, line);
            }
            _ => {}
        }
    }
}

impl Builder {
    /// Puts a finished value where it belongs: the root, a sequence's next item, a mapping's key or its value.
    fn place(&mut self, value: Value, line: usize) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Open::Seq { items, .. }) => items.push(value),
            Some(Open::Map { key: slot @ None, .. }) => *slot = Some((value, line)),
            Some(Open::Map { map, key: slot @ Some(_), lines, .. }) => {
                let Some((key, key_line)) = slot.take() else { return };
                let name = key_name(&key);
                if map.contains_key(&key) {
                    let first = lines.get(&name).copied();
                    self.error = Some(YamlError::DuplicateKey { key: name, line: key_line, first });
                    return;
                }
                lines.insert(name, key_line);
                map.insert(key, value);
            }
        }
    }

    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), size(value)));
        }
    }
}

/// How many values `value` holds, itself included.
fn size(value: &Value) -> usize {
    match value {
        Value::Sequence(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Mapping(map) => 1 + map.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>(),
        Value::Tagged(tagged) => size(&tagged.value),
        _ => 1,
    }
}

fn key_name(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).map_or_else(|_| "?".to_owned(), |s| s.trim().to_owned()),
    }
}

fn tag_of(tag: yaml_rust2::parser::Tag) -> Tag {
    Tag::new(format!("{}{}", tag.handle, tag.suffix))
}

/// A scalar as serde_yaml types it.
fn scalar(text: String, style: TScalarStyle, tag: Option<yaml_rust2::parser::Tag>) -> Value {
    match tag {
        Some(tag) if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" => match tag.suffix.as_str() {
            "str" => Value::String(text),
            "null" | "bool" | "int" | "float" => plain(text),
            _ => Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag.suffix), value: Value::String(text) })),
        },
        Some(tag) => Value::Tagged(Box::new(TaggedValue { tag: tag_of(tag), value: Value::String(text) })),
        None if style == TScalarStyle::Plain => plain(text),
        None => Value::String(text),
    }
}

/// A plain scalar, typed as serde_yaml 0.9 types it.
fn plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_unsigned(&text) {
        return Value::Number(Number::from(n));
    }
    if let Some(n) = parse_negative(&text) {
        return Value::Number(Number::from(n));
    }
    if !digits_but_not_number(&text)
        && let Some(f) = parse_f64(&text)
    {
        return Value::Number(Number::from(f));
    }
    Value::String(text)
}

fn parse_unsigned(scalar: &str) -> Option<u64> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(n) = u64::from_str_radix(rest, radix) {
                return Some(n);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    unpositive.parse().ok()
}

fn parse_negative(scalar: &str) -> Option<i64> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix)
            && let Ok(n) = i64::from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(n);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    scalar.parse().ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN);
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits are text in YAML 1.2 (`0532` is a phone number's start, not 532).
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every plain and quoted scalar of a document, typed by this parse and by serde_yaml.
    const SCALARS: &str = "\
a: [~, null, Null, NULL, '', true, True, TRUE, false, False, FALSE, yes, no, on, off]
b: [0, 1, -1, +1, 007, -007, +007, 0x1F, 0o17, 0b101, -0x1F, +0x1F, 0x-1, 18446744073709551615, -9223372036854775808]
c: [1.5, -1.5, +1.5, 1e3, .5, 5., .inf, -.Inf, +.INF, .nan, inf, nan, infinity, 1_000, 1e400]
d: [2020-07-08, 2020-07-08T10:00:00+08:00, 0532-85916914, 91370200163562681G, '123', \"1.5\", 12:30, 1:2:3]
e: !!str 123
f: !!int '42'
g: |
  两行
  文字
h: >-
  折叠
  文字
i:
j: 青岛 市
";

    #[test]
    fn values_are_typed_as_serde_yaml_types_them() {
        let (ours, _) = parse(SCALARS, 1).expect("parses");
        let theirs: Value = serde_yaml::from_str(SCALARS).expect("serde_yaml parses");
        // NaN is not equal to itself: compare the texts.
        assert_eq!(serde_yaml::to_string(&ours).expect("text"), serde_yaml::to_string(&theirs).expect("text"));
    }

    #[test]
    fn lines_come_from_the_same_parse() {
        let (value, lines) =
            parse("title: 智慧医保\nimages:\n  - file: a.jpg\n    caption: 大厅\n", 5).expect("parses");
        assert_eq!(value["images"][0]["caption"], Value::String("大厅".to_owned()));
        assert_eq!((lines.line("title"), lines.line("images[0].caption")), (Some(5), Some(8)));
    }

    #[test]
    fn anchors_expand_and_a_billion_laughs_is_refused() {
        let (value, _) = parse("a: &x [1, 2]\nb: *x\n", 1).expect("parses");
        assert_eq!(value["b"], value["a"]);
        let mut laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for (i, name) in ["b", "c", "d", "e", "f", "g"].iter().enumerate() {
            let previous = ["a", "b", "c", "d", "e", "f"][i];
            laughs += &format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 10].join(", "));
        }
        assert!(matches!(parse(&laughs, 1), Err(YamlError::TooManyAliases { .. })));
    }

    #[test]
    fn a_key_written_twice_is_named_on_its_second_line() {
        assert_eq!(
            parse("title: a\nsummary: b\ntitle: c\n", 2),
            Err(YamlError::DuplicateKey { key: "title".to_owned(), line: 4, first: Some(2) })
        );
        assert!(parse("contact:\n  name: a\nimages:\n  - name: b\n", 1).is_ok(), "the same key in two mappings");
    }

    #[test]
    fn what_is_not_yaml_is_a_syntax_error() {
        assert!(matches!(parse("title: \"never closed\nsummary: x\n", 1), Err(YamlError::Syntax { .. })));
        assert!(matches!(parse("a: b: c\n", 1), Err(YamlError::Syntax { line: 1, .. })));
    }
}
