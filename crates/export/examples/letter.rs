//! Writes the example reply letter to `target/letter-example.pdf` (or the path given), for a
//! look at the layout: `cargo run -p gongkai-export --example letter`, then
//! `pdftoppm -png -r 60 target/letter-example.pdf target/letter-example`.

use std::time::Instant;

use gongkai_export::{Fonts, Letter, render_letter_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/letter-example.pdf".into());
    let started = Instant::now();
    let fonts = Fonts::system()?;
    let loaded = started.elapsed();
    let letter = Letter::example();
    let started = Instant::now();
    let pdf = render_letter_pdf(&letter, &fonts)?;
    let rendered = started.elapsed();
    std::fs::write(&out, &pdf)?;
    println!(
        "{out}: {} bytes; font {} ({:?}) loaded in {loaded:?}, rendered in {rendered:?}",
        pdf.len(),
        fonts.family(),
        fonts.path()
    );
    Ok(())
}
