//! An action's input as CKAN reads it: the query string of a GET (a key given twice is a list),
//! or the body of a POST (a JSON object, or a form); and typed reads of its values that refuse
//! a wrong type with CKAN's Validation Error.

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use super::CkanError;

/// The most keys an action's input may hold.
const MAX_KEYS: usize = 200;

/// An action's input.
#[derive(Debug, Clone, Default)]
pub struct Params(Map<String, Value>);

impl Params {
    /// The input of a GET: each key's value, a list when the key is repeated.
    pub fn from_query(query: &str) -> Result<Self, CkanError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|e| CkanError::BadRequest(format!("JSON Error: {e}")))?;
        Self::from_pairs(pairs)
    }

    /// The input of a form: each key's value, a list when the key is repeated.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, CkanError> {
        let mut map = Map::new();
        for (k, v) in pairs {
            if map.len() >= MAX_KEYS && !map.contains_key(&k) {
                return Err(CkanError::BadRequest(
                    "JSON Error: too many parameters".into(),
                ));
            }
            match map.get_mut(&k) {
                Some(Value::Array(list)) => list.push(Value::String(v)),
                Some(first) => {
                    let first = first.take();
                    map.insert(k, Value::Array(vec![first, Value::String(v)]));
                }
                None => {
                    map.insert(k, Value::String(v));
                }
            }
        }
        Ok(Self(map))
    }

    /// The input of a POST: a JSON object (an empty body is `{}`), or a form.
    pub fn from_body(headers: &HeaderMap, body: &[u8]) -> Result<Self, CkanError> {
        let kind = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        if kind.starts_with("application/x-www-form-urlencoded") {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
                .map_err(|e| CkanError::BadRequest(format!("JSON Error: {e}")))?;
            return Self::from_pairs(pairs);
        }
        if kind.starts_with("multipart/form-data") {
            return Err(CkanError::BadRequest(
                "JSON Error: only resource_create accepts a file upload (the `upload` field)"
                    .into(),
            ));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) if map.len() <= MAX_KEYS => Ok(Self(map)),
            Ok(Value::Object(_)) => Err(CkanError::BadRequest(
                "JSON Error: too many parameters".into(),
            )),
            Ok(other) => Err(CkanError::BadRequest(format!(
                "JSON Error: Request data JSON decoded to {} but it needs to be a dictionary.",
                kind_of(&other)
            ))),
            Err(e) => Err(CkanError::BadRequest(format!(
                "JSON Error: Error decoding JSON data. Error: {e}"
            ))),
        }
    }

    /// Every parameter as given.
    pub fn map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// Whether `key` was given.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// `key` as text (a number is its digits); a list or an object is refused.
    pub fn text(&self, key: &str) -> Result<Option<String>, CkanError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(CkanError::field(key, "Must be a string")),
        }
    }

    /// `key` as a whole number, `default` when absent; refused when it is not a number or is
    /// negative (CKAN's `natural_number_validator`).
    pub fn natural(&self, key: &str, default: i64) -> Result<i64, CkanError> {
        let n = match self.get(key) {
            None => return Ok(default),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(default),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            Some(_) => None,
        };
        match n {
            None => Err(CkanError::field(key, "Invalid integer")),
            Some(n) if n < 0 => Err(CkanError::field(key, "Must be a natural number")),
            Some(n) => Ok(n),
        }
    }

    /// `key` as yes/no (`true`, `false`, `1`, `0`, any case), `false` when absent.
    pub fn flag(&self, key: &str) -> Result<bool, CkanError> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) => Ok(n.as_i64() != Some(0)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" | "" => Ok(false),
                _ => Err(CkanError::field(key, "Must be a boolean")),
            },
            Some(_) => Err(CkanError::field(key, "Must be a boolean")),
        }
    }

    /// `key` as a list of text: a JSON list, or a text holding one (`'["organization"]'`, as
    /// CKAN's `convert_to_json_if_string`), or one text.
    pub fn text_list(&self, key: &str) -> Result<Vec<String>, CkanError> {
        let bad = || CkanError::field(key, "Not a list of strings");
        let items = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(s)) if s.trim_start().starts_with('[') => {
                match serde_json::from_str::<Value>(s) {
                    Ok(Value::Array(items)) => items,
                    _ => return Err(bad()),
                }
            }
            Some(Value::String(s)) => vec![Value::String(s.clone())],
            Some(_) => return Err(bad()),
        };
        if items.len() > MAX_KEYS {
            return Err(bad());
        }
        items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(bad()),
            })
            .collect()
    }

    /// `key` as a list of text given as JSON: a list, or a text holding one (CKAN's
    /// `convert_to_json_if_string`, as for `facet.field`); other text is refused.
    pub fn json_list(&self, key: &str) -> Result<Vec<String>, CkanError> {
        match self.get(key) {
            Some(Value::String(s)) if !s.trim_start().starts_with('[') => {
                Err(CkanError::field(key, "Could not parse as valid JSON"))
            }
            _ => self.text_list(key),
        }
    }

    /// `key` as a list of objects (`tags`, `groups`, `extras`, `resources`).
    pub fn objects(&self, key: &str) -> Result<Vec<Map<String, Value>>, CkanError> {
        let bad = || CkanError::field(key, "Not a list of dictionaries");
        let items = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(items)) => items,
                _ => return Err(bad()),
            },
            Some(_) => return Err(bad()),
        };
        if items.len() > MAX_KEYS {
            return Err(bad());
        }
        items
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Ok(m),
                _ => Err(bad()),
            })
            .collect()
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "None",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a dictionary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok<T>(r: Result<T, CkanError>) -> T {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn a_query_string_repeats_into_lists() {
        let p = ok(Params::from_query(
            "fq=a&rows=5&fq=b&facet.field=%5B%22tags%22%5D",
        ));
        assert_eq!(ok(p.text_list("fq")), vec!["a", "b"]);
        assert_eq!(ok(p.natural("rows", 10)), 5);
        assert_eq!(ok(p.text_list("facet.field")), vec!["tags"]);
        assert!(p.text("fq").is_err());
    }

    #[test]
    fn numbers_and_flags_are_checked() {
        let p = ok(Params::from_query("rows=abc&start=-1&private=maybe"));
        assert!(matches!(
            p.natural("rows", 10),
            Err(CkanError::Validation(_))
        ));
        assert!(matches!(
            p.natural("start", 0),
            Err(CkanError::Validation(_))
        ));
        assert!(p.flag("private").is_err());
        assert_eq!(ok(p.natural("limit", 7)), 7);
    }

    #[test]
    fn a_body_must_be_an_object() {
        let h = HeaderMap::new();
        assert!(matches!(
            Params::from_body(&h, b"[1]"),
            Err(CkanError::BadRequest(_))
        ));
        assert!(matches!(
            Params::from_body(&h, b"{"),
            Err(CkanError::BadRequest(_))
        ));
        assert!(ok(Params::from_body(&h, b"")).get("x").is_none());
        let p = ok(Params::from_body(&h, br#"{"rows": 3, "q": null}"#));
        assert_eq!(ok(p.natural("rows", 10)), 3);
        assert!(!p.has("q"));
    }
}
