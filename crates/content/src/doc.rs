//! Best-effort text of Word 97–2003 binary documents (`.doc`, and WPS `.wps` of the same
//! format), read through the piece table as [MS-DOC] describes.
//!
//! Only the text is read: no formatting, no embedded objects. The text stream holds the main
//! document followed by footnotes, headers, comments and text boxes, all of which are returned,
//! since screening must see everything the published file carries.

use std::io::{Cursor, Read};

use crate::ContentError;
use crate::sniff::FileKind;

const LABEL: &str = "Word 97-2003 文档";

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn malformed(detail: &str) -> ContentError {
    ContentError::malformed(LABEL, detail)
}

fn read_stream(
    cf: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> Result<Vec<u8>, ContentError> {
    let stream = cf
        .open_stream(name)
        .map_err(|_| malformed(&format!("缺少 {name} 流")))?;
    let mut buf = Vec::new();
    stream
        .take(max)
        .read_to_end(&mut buf)
        .map_err(|e| ContentError::malformed(LABEL, e))?;
    Ok(buf)
}

/// The text of a Word 97–2003 document; `Encrypted` for password-protected files.
pub(crate) fn doc_text(bytes: &[u8]) -> Result<String, ContentError> {
    debug_assert_eq!(FileKind::Doc.label(), LABEL);
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| ContentError::malformed(LABEL, e))?;
    // A stream cannot hold more than the file it lives in.
    let max = bytes.len() as u64;
    let word = read_stream(&mut cf, "/WordDocument", max)?;
    if u16_at(&word, 0) != Some(0xA5EC) {
        return Err(malformed("WordDocument 流的文件头无效"));
    }
    let flags = u16_at(&word, 0x0A).ok_or_else(|| malformed("文件头不完整"))?;
    if flags & 0x0100 != 0 {
        return Err(ContentError::Encrypted { kind: LABEL });
    }
    let table_name = if flags & 0x0200 != 0 {
        "/1Table"
    } else {
        "/0Table"
    };
    let table = read_stream(&mut cf, table_name, max)?;

    // FIB: FibBase (32 bytes), csw + FibRgW, cslw + FibRgLw, cbRgFcLcb + FibRgFcLcb.
    let csw = usize::from(u16_at(&word, 32).ok_or_else(|| malformed("FIB 不完整"))?);
    let cslw_at = 34 + csw * 2;
    let cslw = usize::from(u16_at(&word, cslw_at).ok_or_else(|| malformed("FIB 不完整"))?);
    let cb_at = cslw_at + 2 + cslw * 4;
    let pairs = usize::from(u16_at(&word, cb_at).ok_or_else(|| malformed("FIB 不完整"))?);
    if pairs < 34 {
        return Err(malformed("FIB 中没有 Clx 位置"));
    }
    let clx_at = cb_at + 2 + 33 * 8;
    let fc_clx = u32_at(&word, clx_at).ok_or_else(|| malformed("FIB 不完整"))? as usize;
    let lcb_clx = u32_at(&word, clx_at + 4).ok_or_else(|| malformed("FIB 不完整"))? as usize;
    let clx = table
        .get(fc_clx..fc_clx.saturating_add(lcb_clx))
        .ok_or_else(|| malformed("Clx 超出表格流范围"))?;

    // Clx: any number of Prc (0x01, cbGrpprl, grpprl), then one Pcdt (0x02, lcb, PlcPcd).
    let mut at = 0usize;
    while clx.get(at) == Some(&0x01) {
        let cb = u16_at(clx, at + 1).ok_or_else(|| malformed("Prc 不完整"))?;
        at += 3 + usize::from(cb);
    }
    if clx.get(at) != Some(&0x02) {
        return Err(malformed("找不到文字片段表（Pcdt）"));
    }
    let lcb = u32_at(clx, at + 1).ok_or_else(|| malformed("Pcdt 不完整"))? as usize;
    let plc = clx
        .get(at + 5..(at + 5).saturating_add(lcb))
        .ok_or_else(|| malformed("PlcPcd 超出范围"))?;
    if plc.len() < 4 {
        return Err(malformed("PlcPcd 为空"));
    }
    let pieces = (plc.len() - 4) / 12;
    let cp = |i: usize| u32_at(plc, i * 4).map(|v| v as usize);
    let mut raw = String::new();
    for i in 0..pieces {
        let (Some(start), Some(end)) = (cp(i), cp(i + 1)) else {
            break;
        };
        let count = end.saturating_sub(start);
        let Some(fc_compressed) = u32_at(plc, (pieces + 1) * 4 + i * 8 + 2) else {
            break;
        };
        let fc = (fc_compressed & 0x3FFF_FFFF) as usize;
        if fc_compressed & 0x4000_0000 != 0 {
            let from = fc / 2;
            let bytes = word
                .get(from..from.saturating_add(count))
                .ok_or_else(|| malformed("文字片段超出范围"))?;
            raw.extend(bytes.iter().map(|&b| cp1252(b)));
        } else {
            let bytes = word
                .get(fc..fc.saturating_add(count.saturating_mul(2)))
                .ok_or_else(|| malformed("文字片段超出范围"))?;
            let units = bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]));
            raw.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')));
        }
    }
    Ok(visible(&raw))
}

/// Maps Word's control characters to plain text: paragraph marks and breaks to lines, cell
/// marks to tabs, field codes dropped (their results kept), object anchors dropped.
fn visible(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // One entry per open field: true while in its code part (before the separator).
    let mut fields: Vec<bool> = Vec::new();
    let mut previous = '\0';
    for c in raw.chars() {
        match c {
            '\u{13}' => fields.push(true),
            '\u{14}' => {
                if let Some(top) = fields.last_mut() {
                    *top = false;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if fields.iter().any(|&in_code| in_code) => {}
            '\r' | '\u{0B}' | '\u{0C}' | '\u{0E}' => out.push('\n'),
            // A cell mark right after a cell mark ends the row.
            '\u{07}' if previous == '\u{07}' => {
                while out.ends_with('\t') {
                    out.pop();
                }
                out.push('\n');
            }
            '\u{07}' => out.push('\t'),
            '\u{1E}' => out.push('-'),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
        previous = c;
    }
    out
}

/// Windows-1252, which "compressed" (8-bit) pieces use.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_text_structure() {
        assert_eq!(
            visible(
                "标题\r\u{13} HYPERLINK \"http://x\" \u{14}链接\u{15}尾\r甲\u{07}乙\u{07}\u{07}\u{01}x\u{1E}y\u{0C}"
            ),
            "标题\n链接尾\n甲\t乙\nx-y\n"
        );
        // Nested fields: only results of the outermost separator-passed field are kept.
        assert_eq!(visible("\u{13}A\u{13}B\u{14}C\u{15}\u{14}D\u{15}"), "D");
    }

    #[test]
    fn cp1252_high_half() {
        assert_eq!(cp1252(b'A'), 'A');
        assert_eq!(cp1252(0x80), '€');
        assert_eq!(cp1252(0x93), '“');
        assert_eq!(cp1252(0xE9), 'é');
    }
}
