//! QR codes (二维码) of the hall's absolute URLs, as small greyscale PNG files: a phone's camera opens the page, and a
//! printed certificate or poster leads back to its page on the hall. Files, not inline images, because the hall's
//! content security policy allows images from its own origin only (`img-src 'self'`).

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use qrcode::{Color, EcLevel, QrCode};

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
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| failed(e.to_string()))?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * MODULE_PIXELS;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
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
}
