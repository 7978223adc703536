//! Templates and static assets: compiled into the binary, overridable by a theme folder.
//!
//! A theme folder (`--theme DIR`) may hold `templates/<name>` and `static/<name>` files; any
//! file found there wins over the embedded one, so a county can change its header, colours or
//! wording without recompiling. In a deployment of several sites, `DIR/sites/<site code>/`
//! holds the same two folders for one site only: that site's pages read a file there first,
//! then `DIR`'s own, then the embedded one. Such a page is rendered under the name
//! `@<site code>/<name>`, and every template it extends, includes or imports resolves under the
//! same prefix, so another site never renders through it. Theme templates are read and parsed
//! when the server starts (a restart applies a change, and a broken template stops the start).
//! A theme path never leaves the theme folder: names with `..`, a leading `/`, a backslash or
//! NUL are refused, and a file is used only when its real path (links followed) is inside it.
//!
//! Static assets are fingerprinted once at start-up: templates link them through
//! `{{ asset("site.css") }}`, which gives `/static/site.<hash>.css`, the hash being a prefix of
//! the SHA-256 of the bytes as they were at start-up (embedded, or the theme's file). Those bytes
//! are kept, gzip and brotli compressed once, and served as immutable. The plain name
//! (`/static/site.css`) keeps working for pages and bookmarks from before, read from the theme
//! folder on every request, and must be revalidated (`no-cache`).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use minijinja::{Environment, Value};
use sha2::{Digest, Sha256};

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
    "admin/platform.html",
    "admin/platform_sites.html",
    "admin/audit.html",
    "admin/records.html",
    "admin/record.html",
    "admin/record_form.html",
    "admin/lists.html",
    "admin/list_rows.html",
    "admin/list_row.html",
    "admin/list_row_form.html",
    "admin/list_type_form.html",
    "admin/list_import.html",
    "admin/data_list.html",
    "admin/data_dataset.html",
    "admin/data_form.html",
    "admin/data_tokens.html",
    "admin/scan.html",
    "admin/monitor.html",
    "admin/work_records.html",
    "admin/work_record.html",
    "admin/mulu.html",
    "admin/mulu_item.html",
    "admin/mulu_timeliness.html",
    "admin/kaohe.html",
    "admin/kaohe_org.html",
    "admin/kaohe_weights.html",
    "admin/kaohe_rounds.html",
    "admin/kaohe_round.html",
    "pingyi/index.html",
    "pingyi/show.html",
    "pingyi/thanks.html",
    "xxgk/mulu.html",
    "xxgk/mulu_org.html",
    "admin/_task_fields.html",
    "admin/tasks.html",
    "admin/task.html",
    "admin/audit_reports.html",
    "admin/audit_report.html",
    "data/index.html",
    "data/show.html",
    "data/chart.html",
    "sjkf/apply.html",
    "sjkf/demand.html",
    "admin/data_access.html",
    "admin/data_access_show.html",
    "sjkf/receipt.html",
    "sjkf/status.html",
    "sjkf/status_result.html",
    "renwu/_chart.html",
    "renwu/index.html",
    "renwu/show.html",
    "qingdan/index.html",
    "qingdan/list.html",
    "qingdan/row.html",
    "zhenggai/index.html",
    "zhenggai/show.html",
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

/// Hex characters of the SHA-256 kept as an asset's fingerprint (64 bits).
const FINGERPRINT_HEX: usize = 16;

/// One static asset: its bytes in every coding a browser may ask for, and its fingerprint.
#[derive(Debug)]
pub struct Asset {
    /// The `Content-Type` it is served with.
    pub content_type: String,
    /// The bytes as stored.
    pub identity: Bytes,
    /// The bytes gzip-compressed, for text types (images and fonts are compressed already).
    pub gzip: Option<Bytes>,
    /// The bytes brotli-compressed, for text types.
    pub brotli: Option<Bytes>,
    /// Hex SHA-256 prefix of the bytes: the fingerprint in the URL and the base of the ETag.
    pub hash: String,
}

impl Asset {
    /// Hashes `bytes` and compresses them when the type is text.
    fn new(content_type: &str, identity: Bytes) -> Self {
        let hash = hex::encode(Sha256::digest(&identity))[..FINGERPRINT_HEX].to_owned();
        let text = content_type.starts_with("text/") || content_type.starts_with("image/svg");
        let (gzip, brotli) = if text {
            (gzip(&identity), brotli(&identity))
        } else {
            (None, None)
        };
        Self {
            content_type: content_type.to_owned(),
            identity,
            gzip,
            brotli,
            hash,
        }
    }
}

fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).ok()?;
    gz.finish().ok().map(Bytes::from)
}

fn brotli(bytes: &[u8]) -> Option<Bytes> {
    crate::cache::brotli_compress(bytes).ok().map(Bytes::from)
}

/// `site.css` with fingerprint `h` → `site.h.css` (a name without extension gets `name.h`).
fn fingerprinted_name(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
        _ => format!("{name}.{hash}"),
    }
}

/// The assets as fingerprinted at start-up.
#[derive(Debug, Default)]
struct Assets {
    /// Plain name → the asset as it was at start-up (the theme's file, else the embedded one).
    current: HashMap<String, Arc<Asset>>,
    /// Site code → plain name → the site's own file as it was at start-up.
    sites: HashMap<String, HashMap<String, Arc<Asset>>>,
    /// Fingerprinted name → the asset (of the deployment or of any site: the fingerprint is
    /// taken from the bytes, so one name never means two files).
    by_fingerprint: HashMap<String, Arc<Asset>>,
    /// Plain name → the embedded asset, for plain-name requests the theme does not answer.
    embedded: HashMap<String, Arc<Asset>>,
}

/// Every file in `theme`'s `static/` folder (of the site `site`, when given), by name.
fn read_static(theme: Option<&Path>, site: Option<&str>) -> HashMap<String, Arc<Asset>> {
    let mut out = HashMap::new();
    let Some(dir) = theme.and_then(|t| theme_dir(t, site)) else {
        return out;
    };
    let names = std::fs::read_dir(dir.join("static"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok());
    for name in names {
        let Some(path) = theme_file(theme, site, "static", &name) else {
            continue;
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let asset = Asset::new(&content_type_of(&name), Bytes::from(bytes));
                out.insert(name, Arc::new(asset));
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "theme asset unreadable")
            }
        }
    }
    out
}

impl Assets {
    /// Reads and fingerprints every embedded asset, every file in the theme's `static/` and in
    /// the `static/` of each site in `sites`.
    fn load(theme: Option<&Path>, sites: &BTreeSet<String>) -> Self {
        let mut assets = Self::default();
        for (name, content_type, bytes) in STATIC {
            let asset = Arc::new(Asset::new(content_type, Bytes::from_static(bytes)));
            assets.embedded.insert((*name).to_owned(), asset.clone());
            assets.current.insert((*name).to_owned(), asset);
        }
        assets.current.extend(read_static(theme, None));
        for code in sites {
            assets
                .sites
                .insert(code.clone(), read_static(theme, Some(code)));
        }
        let every = assets.current.iter().chain(assets.sites.values().flatten());
        for (name, asset) in every {
            assets
                .by_fingerprint
                .insert(fingerprinted_name(name, &asset.hash), asset.clone());
        }
        assets
    }

    /// `/static/<fingerprinted name>` of a known asset as the site `site` has it (its own file,
    /// else the deployment's), else `/static/<name>`.
    fn url(&self, site: Option<&str>, name: &str) -> String {
        let own = site
            .and_then(|code| self.sites.get(code))
            .and_then(|files| files.get(name));
        match own.or_else(|| self.current.get(name)) {
            Some(asset) => format!("/static/{}", fingerprinted_name(name, &asset.hash)),
            None => format!("/static/{name}"),
        }
    }
}

/// The content type of an asset by name: the embedded table's, else guessed from the extension.
fn content_type_of(name: &str) -> String {
    STATIC.iter().find(|(n, _, _)| *n == name).map_or_else(
        || guess_type(name).to_owned(),
        |(_, ct, _)| (*ct).to_owned(),
    )
}

/// The template environment.
pub struct Templates {
    env: Environment<'static>,
    /// The theme folder, as its real path.
    theme: Option<PathBuf>,
    /// Codes of the sites with a folder of their own in the theme (`DIR/sites/<code>/`).
    sites: BTreeSet<String>,
    assets: Arc<Assets>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("theme", &self.theme)
            .field("sites", &self.sites)
            .finish()
    }
}

/// Whether `code` can name a site's theme folder: an organ code's characters (capitals,
/// digits, `-`), nothing that could name another folder.
fn is_site_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// The folder of the site `site` in the theme, or the theme itself.
fn theme_dir(theme: &Path, site: Option<&str>) -> Option<PathBuf> {
    match site {
        None => Some(theme.to_path_buf()),
        Some(code) if is_site_code(code) => Some(theme.join("sites").join(code)),
        Some(_) => None,
    }
}

/// The theme's `kind` file `name` (of the site `site`, when given), if there is one inside the
/// theme folder. Names come from code or from a request's path: anything that could leave the
/// folder is refused, and so is a file whose real path (links followed) lies outside it.
fn theme_file(theme: Option<&Path>, site: Option<&str>, kind: &str, name: &str) -> Option<PathBuf> {
    if name.is_empty()
        || name.contains("..")
        || name.starts_with('/')
        || name.contains(['\\', '\0'])
    {
        return None;
    }
    let theme = theme?;
    let path = theme_dir(theme, site)?.join(kind).join(name);
    let real = path.canonicalize().ok()?;
    (real.starts_with(theme) && real.is_file()).then_some(real)
}

/// The site codes with a folder under `DIR/sites/`.
fn theme_sites(theme: Option<&Path>) -> BTreeSet<String> {
    theme
        .and_then(|t| std::fs::read_dir(t.join("sites")).ok())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|code| is_site_code(code))
        .collect()
}

/// `(site code, name)` of a template named `@<site code>/<name>`.
fn split_site(name: &str) -> Option<(&str, &str)> {
    name.strip_prefix('@')?.split_once('/')
}

impl Templates {
    /// Builds the environment; every template is parsed once (for every site with a theme
    /// folder of its own, too) so a broken theme fails at start.
    pub fn new(theme: Option<PathBuf>) -> Result<Self, WebError> {
        // The real path, so that a file's real path can be checked to lie inside it.
        let theme = theme.map(|t| t.canonicalize().unwrap_or(t));
        let sites = theme_sites(theme.as_deref());
        let mut env = Environment::new();
        let loader_theme = theme.clone();
        let loader_sites = sites.clone();
        env.set_loader(move |name| {
            let (site, name) = match split_site(name) {
                Some((code, rest)) if loader_sites.contains(code) => (Some(code), rest),
                Some(_) => return Ok(None),
                None => (None, name),
            };
            let theme = loader_theme.as_deref();
            let found = site
                .and_then(|code| theme_file(theme, Some(code), "templates", name))
                .or_else(|| theme_file(theme, None, "templates", name));
            if let Some(path) = found {
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
        // A site's page extends, includes and imports its site's templates.
        env.set_path_join_callback(|name, parent| match split_site(parent) {
            Some((code, _)) if !name.starts_with('@') => Cow::Owned(format!("@{code}/{name}")),
            _ => Cow::Borrowed(name),
        });
        env.add_filter("mask_id", mask_middle);
        env.add_filter("paragraphs", paragraphs);
        env.set_formatter(escape_without_slash);
        let assets = Arc::new(Assets::load(theme.as_deref(), &sites));
        let urls = assets.clone();
        env.add_function("asset", move |state: &minijinja::State, name: String| {
            urls.url(split_site(state.name()).map(|(code, _)| code), &name)
        });
        let templates = Self {
            env,
            theme,
            sites,
            assets,
        };
        let prefixes = std::iter::once(String::new())
            .chain(templates.sites.iter().map(|code| format!("@{code}/")));
        for prefix in prefixes {
            for (name, _) in TEMPLATES {
                templates
                    .env
                    .get_template(&format!("{prefix}{name}"))
                    .map_err(|e| WebError::Theme {
                        name: format!("{prefix}{name}"),
                        reason: e.to_string(),
                    })?;
            }
        }
        Ok(templates)
    }

    /// The name `name` is rendered under for the site `site`: prefixed when the site has a
    /// theme folder of its own.
    fn name_for<'a>(&self, site: Option<&str>, name: &'a str) -> Cow<'a, str> {
        match site {
            Some(code) if self.sites.contains(code) => Cow::Owned(format!("@{code}/{name}")),
            _ => Cow::Borrowed(name),
        }
    }

    /// Renders a template with a context, as the deployment's theme has it.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, WebError> {
        self.render_for(None, name, ctx)
    }

    /// Renders a template with a context for the site whose code is `site`: its own theme
    /// files first, then the deployment's, then the embedded ones.
    pub fn render_for(
        &self,
        site: Option<&str>,
        name: &str,
        ctx: Value,
    ) -> Result<String, WebError> {
        Ok(self
            .env
            .get_template(&self.name_for(site, name))?
            .render(ctx)?)
    }

    /// The URL pages link an asset by: fingerprinted when the asset is known.
    pub fn asset_url(&self, name: &str) -> String {
        self.assets.url(None, name)
    }

    /// An asset by fingerprinted name (`site.<hash>.css`): the bytes fingerprinted at start-up,
    /// whichever site's they are.
    pub fn fingerprinted_asset(&self, name: &str) -> Option<Arc<Asset>> {
        self.assets.by_fingerprint.get(name).cloned()
    }

    /// An asset by plain name for the site `site`: the site's theme file as it is now (read on
    /// every request), else the deployment theme's, else the embedded one.
    pub fn asset(&self, site: Option<&str>, name: &str) -> Option<Arc<Asset>> {
        let theme = self.theme.as_deref();
        let site = site.filter(|code| self.sites.contains(*code));
        let found = site
            .and_then(|code| theme_file(theme, Some(code), "static", name))
            .or_else(|| theme_file(theme, None, "static", name));
        if let Some(path) = found {
            return std::fs::read(path)
                .ok()
                .map(|b| Arc::new(Asset::new(&content_type_of(name), Bytes::from(b))));
        }
        self.assets.embedded.get(name).cloned()
    }

    /// Whether some site has a theme folder of its own.
    pub fn has_site_themes(&self) -> bool {
        !self.sites.is_empty()
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
    let write_failed = |e: std::fmt::Error| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
    };
    match value.as_str() {
        Some(text) => write_escaped(out, text).map_err(write_failed),
        None => write_escaped(out, &value.to_string()).map_err(write_failed),
    }
}

/// Writes `text` HTML-escaped (`&`, `<`, `>`, `"`, `'`; not `/`): the runs between those
/// characters go out as they are, without a copy of the whole text first.
fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at])?;
        out.write_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#x27;",
        })?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest)
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

    /// What the escaper must write: each special character replaced, everything else as it is.
    fn escaped_char_by_char(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '&' => "&amp;".to_owned(),
                '<' => "&lt;".to_owned(),
                '>' => "&gt;".to_owned(),
                '"' => "&quot;".to_owned(),
                '\'' => "&#x27;".to_owned(),
                c => c.to_string(),
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn escaping_writes_runs_as_they_are_and_replaces_each_special_character(
            text in "[a-z/ 政务公开&<>\"'\n]{0,64}"
        ) {
            let mut out = String::new();
            proptest::prop_assert!(write_escaped(&mut out, &text).is_ok());
            proptest::prop_assert_eq!(out, escaped_char_by_char(&text));
        }
    }

    #[test]
    fn a_template_escapes_text_but_not_slashes_or_safe_html() -> Result<(), WebError> {
        let mut env = minijinja::Environment::new();
        env.set_formatter(escape_without_slash);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.add_template("t.html", "{{ a }}|{{ b }}|{{ n }}")?;
        let html = env.get_template("t.html")?.render(context! {
            a => "/xxgk/<b>&'\"",
            b => Value::from_safe_string("<p>公开</p>".into()),
            n => 42,
        })?;
        assert_eq!(html, "/xxgk/&lt;b&gt;&amp;&#x27;&quot;|<p>公开</p>|42");
        Ok(())
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
    fn a_theme_asset_is_fingerprinted_as_it_was_at_start_up() -> Result<(), WebError> {
        let dir = std::env::temp_dir().join(format!("gk-theme-assets-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("static"));
        let _ = std::fs::write(dir.join("static/site.css"), "body { color: #123456 }");
        let _ = std::fs::write(dir.join("static/logo.png"), [0x89, b'P', b'N', b'G']);
        let _ = std::fs::create_dir_all(dir.join("templates"));
        let _ = std::fs::write(
            dir.join("templates/error.html"),
            r#"<link href="{{ asset('site.css') }}">"#,
        );
        let plain = Templates::new(None)?;
        let themed = Templates::new(Some(dir.clone()))?;
        let url = themed.asset_url("site.css");
        assert_ne!(
            url,
            plain.asset_url("site.css"),
            "the theme's bytes, another URL"
        );
        let name = url.trim_start_matches("/static/");
        let kept = themed.fingerprinted_asset(name).map(|a| a.identity.clone());
        assert_eq!(kept.as_deref(), Some(&b"body { color: #123456 }"[..]));
        // A file only the theme has is fingerprinted too, with its type from the extension.
        let logo = themed.asset_url("logo.png");
        let logo = themed.fingerprinted_asset(logo.trim_start_matches("/static/"));
        assert_eq!(
            logo.map(|a| a.content_type.clone()).as_deref(),
            Some("image/png")
        );
        // A template links the fingerprinted name through `asset()`.
        let out = themed.render("error.html", context! { status => 404 })?;
        assert!(out.contains(&url), "{out}");
        // An unknown name links the plain path.
        assert_eq!(plain.asset_url("nothing.css"), "/static/nothing.css");
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    #[test]
    fn a_sites_theme_folder_wins_for_that_site_alone() -> Result<(), WebError> {
        let dir = std::env::temp_dir().join(format!("gk-theme-sites-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("templates"));
        let _ = std::fs::create_dir_all(dir.join("sites/ATS001/templates"));
        let _ = std::fs::create_dir_all(dir.join("sites/not a code/templates"));
        let _ = std::fs::write(dir.join("templates/error.html"), "COUNTY {{ status }}");
        let page = r#"ATS {{ status }} {% include "orgs_note.html" %}"#;
        let _ = std::fs::write(dir.join("sites/ATS001/templates/error.html"), page);
        // Included by the site's page: the site's copy, else the deployment's.
        let _ = std::fs::write(dir.join("templates/orgs_note.html"), "county note");
        let t = Templates::new(Some(dir.clone()))?;
        let ctx = || context! { status => 404 };
        assert_eq!(
            t.render_for(Some("ATS001"), "error.html", ctx())?,
            "ATS 404 county note"
        );
        let _ = std::fs::write(
            dir.join("sites/ATS001/templates/orgs_note.html"),
            "ATS note",
        );
        let t = Templates::new(Some(dir.clone()))?;
        assert_eq!(
            t.render_for(Some("ATS001"), "error.html", ctx())?,
            "ATS 404 ATS note"
        );
        assert_eq!(
            t.render_for(Some("WQX001"), "error.html", ctx())?,
            "COUNTY 404"
        );
        assert_eq!(t.render("error.html", ctx())?, "COUNTY 404");
        // Only folders named like an organ code are sites.
        assert_eq!(t.sites.iter().collect::<Vec<_>>(), ["ATS001"]);
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    #[test]
    fn a_theme_path_never_leaves_the_theme_folder() {
        let root = std::env::temp_dir().join(format!("gk-theme-escape-{}", std::process::id()));
        let theme = root.join("theme");
        let _ = std::fs::create_dir_all(theme.join("static"));
        let _ = std::fs::create_dir_all(theme.join("sites/ATS001/static"));
        let _ = std::fs::write(root.join("secret.css"), "secret");
        let _ = std::fs::write(theme.join("static/site.css"), "ok");
        #[cfg(unix)]
        let _ = std::os::unix::fs::symlink(
            root.join("secret.css"),
            theme.join("sites/ATS001/static/leak.css"),
        );
        let theme = theme.canonicalize().unwrap_or(theme);
        let t = Some(theme.as_path());
        assert!(theme_file(t, None, "static", "site.css").is_some());
        for name in [
            "../secret.css",
            "/etc/passwd",
            "a\\b.css",
            "x\0.css",
            "",
            "leak.css",
        ] {
            assert_eq!(theme_file(t, None, "static", name), None, "{name:?}");
        }
        assert_eq!(theme_file(t, Some("ATS001"), "static", "leak.css"), None);
        for site in ["..", "../theme", "ats001", "A/B", "X"] {
            assert_eq!(
                theme_file(t, Some(site), "static", "site.css"),
                None,
                "{site}"
            );
        }
        let _ = std::fs::remove_dir_all(root);
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
