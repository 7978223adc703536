//! Names of uploaded files: cleaned once, when a file is stored, so every page and header
//! shows the same safe name.

/// Longest stored file name, in characters (the extension is kept).
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// Longest tail after the last dot that still counts as an extension when a name is cut.
const MAX_EXTENSION_CHARS: usize = 10;

/// Whether `c` may not appear in a file name: control characters and the bidirectional and
/// invisible format characters (U+202E makes `invoice\u{202E}exe.pdf` read as
/// "invoicefdp.exe").
fn refused(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF
            | 0xFFF9..=0xFFFB)
}

/// A file name safe to store, show and send: refused characters removed, surrounding space
/// trimmed, cut to [`MAX_FILE_NAME_CHARS`] keeping the extension. A name with nothing left
/// becomes `附件`.
pub fn clean_file_name(name: &str) -> String {
    let kept: Vec<char> = name.chars().filter(|c| !refused(*c)).collect();
    let kept: String = kept.into_iter().collect();
    let kept: Vec<char> = kept.trim().chars().collect();
    if kept.is_empty() {
        return "附件".to_owned();
    }
    if kept.len() <= MAX_FILE_NAME_CHARS {
        return kept.into_iter().collect();
    }
    let ext_start = kept
        .iter()
        .rposition(|c| *c == '.')
        .filter(|i| kept.len() - i <= MAX_EXTENSION_CHARS)
        .unwrap_or(kept.len());
    let ext = &kept[ext_start..];
    kept[..MAX_FILE_NAME_CHARS - ext.len()]
        .iter()
        .chain(ext)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_control_characters_go() {
        for (given, clean) in [
            ("invoice\u{202E}exe.pdf", "invoiceexe.pdf"),
            ("a\u{2066}b\u{200F}\n.docx", "ab.docx"),
            ("x\u{061C}\u{200E}\u{2069}y\u{0007}.pdf", "xy.pdf"),
            (" 通知.pdf ", "通知.pdf"),
            ("\u{202E}\u{0000}", "附件"),
        ] {
            assert_eq!(clean_file_name(given), clean, "{given:?}");
        }
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let clean = clean_file_name(&format!("{}.pdf", "名".repeat(5000)));
        assert_eq!(clean.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(clean.ends_with("名.pdf"));
        // A "extension" longer than ten characters is no extension: the name is just cut.
        let clean = clean_file_name(&format!("a.{}", "b".repeat(500)));
        assert_eq!(clean.chars().count(), MAX_FILE_NAME_CHARS);
        assert_eq!(clean_file_name(&"名".repeat(120)), "名".repeat(120));
    }
}
