//! QR codes (二维码) of the hall's absolute URLs, as small greyscale PNG files: a phone's camera opens the page, and a
//! printed certificate or poster leads back to its page on the hall. Files, not inline images, because the hall's
//! content security policy allows images from its own origin only (`img-src 'self'`).

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{EcLevel, bits, ec};

/// Pixels per module: pages scale the image with `image-rendering: pixelated`, so this only needs to survive a
/// viewer that smooths it.
const MODULE_PIXELS: usize = 4;
/// The quiet zone around the code, in modules (the standard asks for 4).
const QUIET_ZONE: usize = 4;

/// Why a QR code could not be made: the URL is too long for any QR code.
#[derive(Debug, thiserror::Error)]
#[error("cannot make a QR code of {url}: {message}")]
pub struct QrError {
    pub url: String,
    pub message: String,
}

/// The PNG of a QR code of `url` (error correction M: a printed code still reads with 15% of it damaged).
pub fn png(url: &str) -> Result<Vec<u8>, QrError> {
    let failed = |message: String| QrError { url: url.to_owned(), message };
    let (colors, modules) = encode(url.as_bytes()).map_err(|e| failed(e.to_string()))?;
    let side = (modules + 2 * QUIET_ZONE) * MODULE_PIXELS;
    let mut pixels = vec![255u8; side * side];
    for (i, dark) in colors.iter().enumerate() {
        if !*dark {
            continue;
        }
        let (x, y) = ((i % modules + QUIET_ZONE) * MODULE_PIXELS, (i / modules + QUIET_ZONE) * MODULE_PIXELS);
        for row in y..y + MODULE_PIXELS {
            pixels[row * side + x..row * side + x + MODULE_PIXELS].fill(0);
        }
    }
    let mut bytes = Vec::new();
    let side = u32::try_from(side).map_err(|e| failed(e.to_string()))?;
    PngEncoder::new(&mut bytes)
        .write_image(&pixels, side, side, ExtendedColorType::L8)
        .map_err(|e| failed(e.to_string()))?;
    Ok(bytes)
}

/// The modules of the QR code of `data`, dark or not, row by row, and the number of modules a side: the qrcode
/// crate's encoding and error correction, with the mask chosen here by the same rules as qrcode's own choice, which
/// took about 400 us a code (most of a build's time at 5,000 cases); this takes a tenth of that. A symbol wider than
/// [`MAX_PACKED`] (an address longer than any of the hall's) is left to qrcode.
fn encode(data: &[u8]) -> qrcode::types::QrResult<(Vec<bool>, usize)> {
    let bits = bits::encode_auto(data, EcLevel::M)?;
    let version = bits.version();
    let width = usize::try_from(version.width()).unwrap_or(0);
    if width > MAX_PACKED {
        let code = qrcode::QrCode::with_error_correction_level(data, EcLevel::M)?;
        return Ok((code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect(), width));
    }
    let (data, ec_data) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec_data);
    let mut best: Option<(usize, Canvas)> = None;
    for mask in MASKS {
        let mut candidate = canvas.clone();
        candidate.apply_mask(mask);
        let side = width as i16;
        let rows: Vec<u64> = (0..side)
            .map(|y| (0..side).fold(0, |row, x| row | (u64::from(candidate.get(x, y).is_dark()) << x)))
            .collect();
        let score = penalty(&rows, width);
        // The lowest penalty, the first mask on a tie.
        if best.as_ref().is_none_or(|(lowest, _)| score < *lowest) {
            best = Some((score, candidate));
        }
    }
    let dark = |canvas: Canvas| canvas.into_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Ok((best.map(|(_, canvas)| dark(canvas)).unwrap_or_default(), width))
}

/// The widest symbol whose rows fit a `u64` with a bit to spare (version 11 is 61 modules wide).
const MAX_PACKED: usize = 63;

/// The eight masks of a QR code, in the order of their numbers.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The penalty of a masked symbol by the four rules of ISO/IEC 18004 (7.8.3), lower being easier to read. `rows`
/// hold the modules as bits, module `x` of a row in bit `x`, dark set.
fn penalty(rows: &[u64], width: usize) -> usize {
    let columns: Vec<u64> = (0..width)
        .map(|x| rows.iter().enumerate().fold(0, |column, (y, row)| column | (((row >> x) & 1) << y)))
        .collect();
    let lines: usize = rows.iter().chain(&columns).map(|line| runs(*line, width) + finders(*line, width)).sum();
    lines + blocks(rows, width) + balance(rows, width)
}

/// Rule 1: a run of five or more modules of one colour scores 3, and 1 more for each module beyond five.
fn runs(line: u64, width: usize) -> usize {
    // Bit x: module x has the colour of module x - 1.
    let same = !(line ^ (line << 1)) & ((1 << width) - 1) & !1;
    // Bit x: module x is the fifth or later of its run; and the fifth.
    let long = same & (same << 1) & (same << 2) & (same << 3);
    let fifth = long & !(long << 1);
    long.count_ones() as usize + 2 * fifth.count_ones() as usize
}

/// Rule 3: a pattern like a finder's (dark, light, three dark, light, dark) with four light modules on either side
/// scores 40; outside the symbol counts as light.
fn finders(line: u64, width: usize) -> usize {
    /// Dark, light, three dark, light, dark (the same read either way).
    const FINDER: u64 = 0b101_1101;
    if width < 7 {
        return 0;
    }
    // Bit x: the pattern starts at module x.
    let mut starts = (1 << (width - 6)) - 1;
    for k in 0..7 {
        let wanted = if (FINDER >> k) & 1 == 1 { line } else { !line };
        starts &= wanted >> k;
    }
    // Whether modules `from..to` (clipped to the symbol) are all light.
    let light = |from: usize, to: usize| {
        let to = to.min(width);
        from >= to || (line >> from) & ((1 << (to - from)) - 1) == 0
    };
    let mut found = 0;
    while starts != 0 {
        let x = starts.trailing_zeros() as usize;
        starts &= starts - 1;
        if light(x.saturating_sub(4), x) || light(x + 7, x + 11) {
            found += 1;
        }
    }
    40 * found
}

/// Rule 2: each 2x2 block of one colour scores 3.
fn blocks(rows: &[u64], width: usize) -> usize {
    let inside = (1u64 << width.saturating_sub(1)) - 1;
    let same_as_right = |row: u64| !(row ^ (row >> 1));
    let found: u32 = rows
        .windows(2)
        .map(|pair| (same_as_right(pair[0]) & same_as_right(pair[1]) & !(pair[0] ^ pair[1]) & inside).count_ones())
        .sum();
    3 * found as usize
}

/// Rule 4: 10 for each full 5% that the share of dark modules is away from half.
fn balance(rows: &[u64], width: usize) -> usize {
    let dark: u32 = rows.iter().map(|row| row.count_ones()).sum();
    let percent = dark as usize * 100 / (width * width).max(1);
    10 * (percent.abs_diff(50) / 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_becomes_a_square_png_with_a_quiet_zone() {
        let bytes = png("https://hall.example.org/cases/a/").expect("qr");
        let image = image::load_from_memory(&bytes).expect("png").to_luma8();
        assert_eq!(image.width(), image.height());
        assert_eq!(image.width() % MODULE_PIXELS as u32, 0);
        assert_eq!(image.get_pixel(0, 0).0, [255], "the corner is quiet");
        let edge = (QUIET_ZONE * MODULE_PIXELS) as u32;
        assert_eq!(image.get_pixel(edge, edge).0, [0], "a finder pattern starts after the quiet zone");
        assert_eq!(png("https://hall.example.org/cases/a/").expect("qr"), bytes, "the same bytes every time");
    }

    #[test]
    fn every_length_of_url_reads_back() {
        for n in [0, 1, 7, 20, 40, 80, 150, 300] {
            let url = format!("https://hall.example.org/certificates/{}/", "q".repeat(n));
            let image = image::load_from_memory(&png(&url).expect("qr")).expect("png").to_luma8();
            let (w, h) = (image.width() as usize, image.height() as usize);
            let mut prepared =
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| image.get_pixel(x as u32, y as u32).0[0]);
            let grids = prepared.detect_grids();
            assert_eq!(grids.len(), 1, "{url}");
            assert_eq!(grids[0].decode().expect("decodes").1, url);
        }
    }

    /// A line of modules, `#` dark, as bits, and its width.
    fn line(text: &str) -> (u64, usize) {
        (text.chars().enumerate().map(|(x, c)| u64::from(c == '#') << x).sum(), text.len())
    }

    #[test]
    fn the_penalty_follows_the_four_rules() {
        let runs = |text: &str| runs(line(text).0, line(text).1);
        let finders = |text: &str| finders(line(text).0, line(text).1);
        assert_eq!(runs("#....#"), 0);
        assert_eq!(runs(".....#"), 3);
        assert_eq!(runs("#######..#####"), 5 + 3);
        assert_eq!(finders("#.###.#"), 40, "light beyond the symbol on both sides");
        assert_eq!(finders("#####.#.###.#"), 40, "four light modules after it, outside the symbol");
        assert_eq!(finders("#.###.#....##"), 40, "four light modules after it");
        assert_eq!(finders("#.##.##....."), 0, "not the pattern");
        assert_eq!(finders("##.#.###.#.#"), 0, "dark on both sides");
        let square = |rows: &[&str]| -> (Vec<u64>, usize) { (rows.iter().map(|r| line(r).0).collect(), rows.len()) };
        let (dark, width) = square(&["###", "###", "###"]);
        assert_eq!(blocks(&dark, width), 3 * 4);
        let (checkerboard, width) = square(&["#.#.#", ".#.#.", "#.#.#", ".#.#.", "#.#.#"]);
        assert_eq!(blocks(&checkerboard, width), 0);
        assert_eq!(balance(&checkerboard, width), 0, "13 of 25 dark: 52%");
        assert_eq!(balance(&[0; 5], 5), 100);
        let (mostly_dark, width) = square(&["##", "#."]);
        assert_eq!(balance(&mostly_dark, width), 50, "75%: five steps of 5% away from half");
        // The whole: a 5x5 of light modules has ten runs of five (3 each), 16 blocks and no dark module.
        assert_eq!(penalty(&[0; 5], 5), 10 * 3 + 16 * 3 + 100);
    }
}
