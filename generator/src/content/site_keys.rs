//! Unknown keys in `site.yaml`, each reported on its line with the known key it is probably a typo of, as in case
//! files. They are reported here rather than by serde's `deny_unknown_fields`, which stops at the first one and
//! leaves nothing else checked; the settings are then read without them.
//!
//! The known keys are not listed by hand: they are the field names of the [`Site`] types, as their derived
//! `Deserialize` hands them to the deserializer ([`fields_of`]), so they cannot drift from the model.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_yaml::{Mapping, Value};

use crate::model::publicity::{Holiday, Publicity};
use crate::model::site::{
    Certificates, Election, ImportSettings, PanelSizes, Partner, Posters, Rules, Scoring, Site, Taxonomy, Term, Weights,
};
use crate::text::unknown_key_message;

/// Every unknown key of `site` (the whole file as a YAML value), as its dotted path (`election.clozes`) and the
/// message for it.
pub fn unknown_keys(site: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Value::Mapping(top) = site else { return found };
    check_map(top, fields_of::<Site>(), "", &mut found);
    let sections: [(&str, &[&str]); 8] = [
        ("election", fields_of::<Election>()),
        ("rules", fields_of::<Rules>()),
        ("scoring", fields_of::<Scoring>()),
        ("taxonomy", fields_of::<Taxonomy>()),
        ("publicity", fields_of::<Publicity>()),
        ("import", fields_of::<ImportSettings>()),
        ("certificates", fields_of::<Certificates>()),
        ("posters", fields_of::<Posters>()),
    ];
    for (section, known) in sections {
        if let Some(Value::Mapping(map)) = top.get(section) {
            check_map(map, known, section, &mut found);
        }
    }
    if let Some(Value::Mapping(weights)) = top.get("scoring").and_then(|s| s.get("weights")) {
        check_map(weights, fields_of::<Weights>(), "scoring.weights", &mut found);
    }
    if let Some(Value::Mapping(panels)) = top.get("scoring").and_then(|s| s.get("panels")) {
        check_map(panels, fields_of::<PanelSizes>(), "scoring.panels", &mut found);
    }
    if let Some(Value::Sequence(holidays)) = top.get("publicity").and_then(|p| p.get("holidays")) {
        for (i, holiday) in holidays.iter().enumerate() {
            if let Value::Mapping(map) = holiday {
                check_map(map, fields_of::<Holiday>(), &format!("publicity.holidays[{i}]"), &mut found);
            }
        }
    }
    for list in ["categories", "domains"] {
        let Some(Value::Sequence(terms)) = top.get("taxonomy").and_then(|t| t.get(list)) else { continue };
        for (i, term) in terms.iter().enumerate() {
            if let Value::Mapping(map) = term {
                check_map(map, fields_of::<Term>(), &format!("taxonomy.{list}[{i}]"), &mut found);
            }
        }
    }
    if let Some(Value::Sequence(partners)) = top.get("partners") {
        for (i, partner) in partners.iter().enumerate() {
            if let Value::Mapping(map) = partner {
                check_map(map, fields_of::<Partner>(), &format!("partners[{i}]"), &mut found);
            }
        }
    }
    found
}

fn check_map(map: &Mapping, known: &[&str], prefix: &str, found: &mut Vec<(String, String)>) {
    for key in map.keys() {
        let name = key.as_str().unwrap_or("?");
        if !known.contains(&name) {
            let path = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
            found.push((path, unknown_key_message(name, known)));
        }
    }
}

/// The field names of the struct `T`, in the order it declares them.
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields = None;
    // The probe always fails: it only records what the derived code asks for.
    let _ = T::deserialize(FieldProbe(&mut fields));
    fields.unwrap_or(&[])
}

/// A deserializer that records the field names a struct's `Deserialize` passes to `deserialize_struct`.
struct FieldProbe<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_keys_come_from_the_model() {
        assert_eq!(
            fields_of::<Election>(),
            ["id", "opens", "closes", "time_zone", "scope", "tally_visibility", "vote_endpoint"]
        );
        assert_eq!(fields_of::<Weights>(), ["votes", "media", "expert"]);
    }

    #[test]
    fn typos_anywhere_get_a_suggestion() {
        let site: Value = serde_yaml::from_str(
            "titel: x\nelection:\n  clozes: 1\nscoring:\n  weights: {vote: 1}\ntaxonomy:\n  domains:\n    - id: a\n      nmae: b\n",
        )
        .expect("yaml");
        assert_eq!(
            unknown_keys(&site),
            [
                ("titel".to_owned(), "unknown field; did you mean `title`?".to_owned()),
                ("election.clozes".to_owned(), "unknown field; did you mean `closes`?".to_owned()),
                ("scoring.weights.vote".to_owned(), "unknown field; did you mean `votes`?".to_owned()),
                ("taxonomy.domains[0].nmae".to_owned(), "unknown field; did you mean `name`?".to_owned()),
            ]
        );
    }

    #[test]
    fn the_import_section_is_known() {
        let site: Value =
            serde_yaml::from_str("import:\n  columns: {案例名称: 项目名称}\n  colums: {}\n").expect("yaml");
        assert_eq!(
            unknown_keys(&site),
            [("import.colums".to_owned(), "unknown field; did you mean `columns`?".to_owned())]
        );
    }
}
