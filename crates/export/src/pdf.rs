//! What the letter and the annual report PDFs share: the A4 page, glyph runs in the embedded
//! font, the refusal of text the font cannot draw, and the document's metadata.

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use crate::ExportError;
use crate::fonts::Metrics;

/// One millimetre in PDF points.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// An A4 page (210 mm × 297 mm).
pub(crate) fn a4() -> Result<PageSettings, ExportError> {
    PageSettings::from_wh(210.0 * MM, 297.0 * MM)
        .ok_or_else(|| ExportError::Pdf("页面尺寸无效".into()))
}

/// The glyphs of `text` in the font (glyph 0 where it has none), the `i`-th character advanced
/// by `advance(i, natural)` ems, `natural` being the font's own advance.
pub(crate) fn glyphs(
    metrics: &Metrics<'_>,
    text: &str,
    advance: impl Fn(usize, f32) -> f32,
) -> Vec<KrillaGlyph> {
    text.char_indices()
        .enumerate()
        .map(|(i, (at, c))| {
            let (gid, natural) = metrics.glyph(c).unwrap_or((0, 1.0));
            KrillaGlyph::new(
                GlyphId::new(gid),
                advance(i, natural),
                0.0,
                0.0,
                0.0,
                at..at + c.len_utf8(),
                None,
            )
        })
        .collect()
}

/// Draws one run of `glyphs` (the text `text`) with its baseline starting at `at`. A heavy run
/// is stroked as well as filled: a faux bold, since the embedded font has one weight.
pub(crate) fn draw_run(
    surface: &mut Surface<'_>,
    font: &krilla::text::Font,
    glyphs: &[KrillaGlyph],
    text: &str,
    at: Point,
    size: f32,
    heavy: bool,
) {
    if heavy {
        surface.set_fill(Some(krilla::paint::Fill::default()));
        surface.set_stroke(Some(krilla::paint::Stroke {
            width: size * 0.025,
            ..krilla::paint::Stroke::default()
        }));
    }
    surface.draw_glyphs(at, glyphs, font.clone(), text, size, false);
    if heavy {
        surface.set_stroke(None);
        surface.set_fill(None);
    }
}

/// Refuses the text if the font has no glyph for some of its characters: `missing` holds each
/// of them once, and the error names them with spaces between.
pub(crate) fn check_missing(missing: &str) -> Result<(), ExportError> {
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ExportError::MissingGlyphs {
            chars: missing
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(" "),
        })
    }
}

/// Writes the document out, with its title and author, in Chinese, made by gongkai.
pub(crate) fn finish(
    mut document: Document,
    title: String,
    author: String,
) -> Result<Vec<u8>, ExportError> {
    document.set_metadata(
        Metadata::new()
            .title(title)
            .authors(vec![author])
            .language("zh-CN".into())
            .creator("gongkai".into()),
    );
    document
        .finish()
        .map_err(|e| ExportError::Pdf(format!("{e:?}")))
}
