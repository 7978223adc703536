//! Templates and static assets: compiled into the binary, overridable by a theme folder.
//!
//! A theme folder (`--theme DIR`) may hold `templates/<name>` and `static/<name>` files; any
//! file found there wins over the embedded one, so a county can change its header, colours or
//! wording without recompiling. Theme templates are read and parsed when the server starts (a
//! restart applies a change, and a broken template stops the start); theme static files are
//! read on every request.

use std::path::{Path, PathBuf};

use minijinja::{Environment, Value};

use crate::WebError;

/// Embeds templates by name: each `name` is read from `templates/name` at compile time.
macro_rules! embedded_templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// `(name, source)` of every embedded template.
const TEMPLATES: &[(&str, &str)] = embedded_templates![
    "hudong/_stats_table.html",
    "hudong/index.html",
    "hudong/show.html",
    "hudong/write.html",
    "hudong/receipt.html",
    "hudong/status.html",
    "hudong/status_result.html",
    "hudong/stats.html",
    "admin/messages.html",
    "admin/message.html",
    "admin/message_settings.html",
    "cases/lookup.html",
    "base.html",
    "macros.html",
    "home.html",
    "orgs.html",
    "error.html",
    "admin/base.html",
    "admin/login.html",
    "admin/dashboard.html",
    "admin/orgs.html",
    "admin/users.html",
    "admin/audit.html",
    "admin/records.html",
    "admin/record.html",
    "admin/record_form.html",
    "admin/scan.html",
    "xxgk/_list.html",
    "xxgk/index.html",
    "xxgk/list.html",
    "xxgk/record.html",
    "xxgk/guide.html",
    "feed.xml",
    "sitemap.xml",
    "admin/guide.html",
    "admin/negative.html",
    "ysqgk/index.html",
    "ysqgk/apply.html",
    "ysqgk/receipt.html",
    "ysqgk/status.html",
    "ysqgk/status_result.html",
    "admin/applications.html",
    "admin/application.html",
    "admin/calendar.html",
    "admin/letter_templates.html",
    "admin/outbox.html",
    "admin/report.html",
    "admin/report_years.html",
    "admin/letter_template.html",
    "admin/themes.html",
    "zhengji/index.html",
    "zhengji/show.html",
    "zhengji/receipt.html",
    "zhengji/lookup.html",
    "zhengji/feedback.html",
    "admin/consultations.html",
    "admin/consultation.html",
    "admin/consultation_form.html",
    "admin/consultation_feedback.html",
    "admin/opinions.html",
    "admin/opinion.html",
    "admin/opinion_form.html",
    "search.html",
    "search_advanced.html",
];

/// `(name, content type, bytes)` of every embedded static asset.
const STATIC: &[(&str, &str, &[u8])] = &[
    (
        "site.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/site.css"),
    ),
    (
        "editor.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/editor.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

/// The template environment.
pub struct Templates {
    env: Environment<'static>,
    theme: Option<PathBuf>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("theme", &self.theme)
            .finish()
    }
}

fn theme_file(theme: Option<&Path>, kind: &str, name: &str) -> Option<PathBuf> {
    // Names come from code, but refuse anything that could leave the theme folder anyway.
    if name.contains("..") || name.starts_with('/') {
        return None;
    }
    let path = theme?.join(kind).join(name);
    path.is_file().then_some(path)
}

impl Templates {
    /// Builds the environment; every template is parsed once so a broken theme fails at start.
    pub fn new(theme: Option<PathBuf>) -> Result<Self, WebError> {
        let mut env = Environment::new();
        let loader_theme = theme.clone();
        env.set_loader(move |name| {
            if let Some(path) = theme_file(loader_theme.as_deref(), "templates", name) {
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("无法读取主题模板 {}: {e}", path.display()),
                    )
                });
            }
            Ok(TEMPLATES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, src)| (*src).to_owned()))
        });
        env.add_filter("mask_id", mask_middle);
        env.add_filter("paragraphs", paragraphs);
        env.set_formatter(escape_without_slash);
        let templates = Self { env, theme };
        for (name, _) in TEMPLATES {
            templates
                .env
                .get_template(name)
                .map_err(|e| WebError::Theme {
                    name: (*name).to_owned(),
                    reason: e.to_string(),
                })?;
        }
        Ok(templates)
    }

    /// Renders a template with a context.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, WebError> {
        Ok(self.env.get_template(name)?.render(ctx)?)
    }

    /// A static asset by name: theme file first, then embedded.
    pub fn asset(&self, name: &str) -> Option<(String, Vec<u8>)> {
        let content_type = STATIC
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, ct, _)| (*ct).to_owned());
        if let Some(path) = theme_file(self.theme.as_deref(), "static", name) {
            let ct = content_type.unwrap_or_else(|| guess_type(name).to_owned());
            return std::fs::read(path).ok().map(|b| (ct, b));
        }
        STATIC
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, ct, bytes)| ((*ct).to_owned(), bytes.to_vec()))
    }
}

fn guess_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Output escaping: the engine's HTML escaping, except that `/` stays `/` (it needs no escaping
/// in text or quoted attributes), so URLs in pages, feeds and sitemaps read as they are.
fn escape_without_slash(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), minijinja::AutoEscape::None)
        || value.is_safe()
        || value.is_undefined()
        || value.is_none()
    {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

/// Template filter: the non-empty lines of a plain text, trimmed, for one `<p>` each.
fn paragraphs(s: String) -> Vec<String> {
    s.lines()
        .map(|l| l.trim_matches([' ', '\u{3000}', '\t']).to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Template filter: keeps the first 3 and last 4 characters, masks the rest.
fn mask_middle(s: String) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// Turns any serialisable value into a template value.
pub fn ser<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn every_embedded_template_parses() {
        assert!(Templates::new(None).is_ok());
    }

    #[test]
    fn masking_keeps_three_and_four() {
        assert_eq!(
            mask_middle("65302119900101123X".into()),
            "653***********123X"
        );
        assert_eq!(mask_middle("123".into()), "***");
    }

    #[test]
    fn a_theme_overrides_a_template() {
        let dir = std::env::temp_dir().join(format!("gk-theme-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("templates"));
        let _ = std::fs::write(dir.join("templates/error.html"), "THEMED {{ status }}");
        let t = Templates::new(Some(dir.clone())).unwrap_or_else(|e| panic!("{e}"));
        let out = t
            .render("error.html", context! { status => 404 })
            .unwrap_or_default();
        assert_eq!(out, "THEMED 404");
        let _ = std::fs::remove_dir_all(dir);
    }
}
