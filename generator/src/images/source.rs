//! Opening a source photo safely, the same way in `check`, `build` and the preview: the format and size come from
//! the header, the pixel limit is applied before anything is decoded, the decoder runs under memory limits
//! (`image::Limits`), and a JPEG that stops before its end-of-image marker is refused, because decoders fill the
//! missing part with grey instead of failing.
//!
//! Every error is a phrase that follows the photo's name: `'a.png' is 100000x100000 pixels; ...`.

use std::io::{BufRead, Cursor, Seek};

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The most memory a decoder may use to read a header (and, for a PNG, the chunks before the image data).
const HEADER_ALLOC: u64 = 64 * 1024 * 1024;

/// What the header of an acceptable photo says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
}

/// Reads the format and size from the header of the photo that `reader` reads, and refuses anything but a JPEG or
/// PNG of at most `max_pixels`. Reads the header only: cheap enough for every build, even one without photos.
pub fn header<R: BufRead + Seek>(reader: R, max_pixels: u64) -> Result<Header, String> {
    let mut reader = ImageReader::new(reader).with_guessed_format().map_err(|e| e.to_string())?;
    // Reading a header needs little memory; the PNG decoder applies this to the chunks before the image data too.
    let mut limits = Limits::default();
    limits.max_alloc = Some(HEADER_ALLOC);
    reader.limits(limits);
    let format = match reader.format() {
        Some(format @ (ImageFormat::Jpeg | ImageFormat::Png)) => format,
        _ => return Err("is not a JPEG or PNG image".to_owned()),
    };
    let (width, height) = reader.into_dimensions().map_err(|e| format!("cannot be read as an image: {e}"))?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(format!(
            "is {width}x{height} pixels; a photo may have at most {} megapixels",
            max_pixels / 1_000_000
        ));
    }
    Ok(Header { format, width, height })
}

/// [`header`], and for a JPEG that its data reaches the end-of-image marker, which needs every byte. Nothing is
/// decoded.
pub fn inspect(bytes: &[u8], max_pixels: u64) -> Result<Header, String> {
    let header = header(Cursor::new(bytes), max_pixels)?;
    if header.format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err("is truncated: the JPEG data stops before its end-of-image marker (the lower part would be \
                    grey); upload the complete photo again"
            .to_owned());
    }
    Ok(header)
}

/// Decodes the whole photo after [`inspect`], under memory limits sized by its header; returns it with its EXIF
/// orientation (not yet applied).
pub fn decode(bytes: &[u8], max_pixels: u64) -> Result<(DynamicImage, Orientation), String> {
    let header = inspect(bytes, max_pixels)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), header.format);
    reader.limits(limits(&header));
    let damaged = |e: image::ImageError| format!("cannot be decoded; the file is damaged or truncated ({e})");
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    Ok((image, orientation))
}

/// The decoder may produce exactly the size its header announced, and allocate at most 16 bytes a pixel of it
/// (16-bit RGBA is 8, and decoders keep some working memory beside the image).
fn limits(header: &Header) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(header.width);
    limits.max_image_height = Some(header.height);
    limits.max_alloc = Some((u64::from(header.width) * u64::from(header.height)).saturating_mul(16).max(1 << 20));
    limits
}

/// Whether a JPEG's bytes run to its end-of-image marker (FF D9). Segments are skipped by their lengths, so that the
/// end marker of an embedded EXIF thumbnail does not count; entropy-coded data is scanned byte by byte, and inside
/// it an FF byte is followed only by a stuffed 00 or a restart marker.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    loop {
        let Some(ff) = bytes.get(at..).and_then(|rest| rest.iter().position(|b| *b == 0xFF)) else { return false };
        let mut marker_at = at + ff + 1;
        while bytes.get(marker_at) == Some(&0xFF) {
            marker_at += 1;
        }
        match bytes.get(marker_at) {
            None => return false,
            Some(0xD9) => return true,
            // A stuffed byte, a restart marker, TEM or another SOI: no length follows.
            Some(0x00 | 0x01 | 0xD0..=0xD8) => at = marker_at + 1,
            Some(_) => match bytes.get(marker_at + 1..marker_at + 3) {
                Some(&[high, low]) if u16::from_be_bytes([high, low]) >= 2 => {
                    at = marker_at + 1 + usize::from(u16::from_be_bytes([high, low]));
                }
                _ => return false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{ExtendedColorType, RgbImage};

    /// A PNG of a few dozen bytes whose header claims `width` x `height` pixels of 16-bit RGBA.
    fn bomb_png(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[16, 6, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut png, b"IHDR", &header);
        chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn baseline_jpeg() -> Vec<u8> {
        let image =
            RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7) as u8]));
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 85)
            .encode(image.as_raw(), 640, 480, ExtendedColorType::Rgb8)
            .expect("encode");
        out
    }

    /// A progressive JPEG of the sample content (every sample photo is progressive).
    fn progressive_jpeg() -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/cases/port-automation-terminal/port-cranes.jpg");
        let bytes = std::fs::read(path).expect("a sample photo");
        assert!(bytes.windows(2).any(|w| w == [0xFF, 0xC2]), "the sample photo is progressive (SOF2)");
        bytes
    }

    #[test]
    fn a_bomb_is_refused_from_its_header_without_allocating() {
        let bomb = bomb_png(100_000, 100_000);
        assert!(bomb.len() < 100, "{} bytes", bomb.len());
        let expected = "is 100000x100000 pixels; a photo may have at most 40 megapixels";
        assert_eq!(inspect(&bomb, 40_000_000), Err(expected.to_owned()));
        assert_eq!(decode(&bomb, 40_000_000).map(|_| ()), Err(expected.to_owned()));
        let big = bomb_png(20_000, 20_000);
        assert!(decode(&big, 40_000_000).expect_err("400 MP").starts_with("is 20000x20000 pixels"));
    }

    #[test]
    fn complete_jpegs_pass_and_truncated_ones_are_refused() {
        for (kind, jpeg) in [("baseline", baseline_jpeg()), ("progressive", progressive_jpeg())] {
            assert!(decode(&jpeg, 40_000_000).is_ok(), "a whole {kind} JPEG");
            for cut in [jpeg.len() / 3, 2_000, jpeg.len() - 2] {
                let why = inspect(&jpeg[..cut], 40_000_000).map(|_| ()).expect_err(&format!("{kind} cut at {cut}"));
                assert!(
                    why.starts_with("is truncated") || why.starts_with("cannot be read"),
                    "{kind} cut at {cut}: {why}"
                );
            }
            let third = inspect(&jpeg[..jpeg.len() / 3], 40_000_000).expect_err("a third");
            assert!(third.starts_with("is truncated: the JPEG data stops before its end-of-image marker"), "{third}");
        }
    }

    #[test]
    fn an_exif_thumbnail_end_marker_does_not_count() {
        let jpeg = baseline_jpeg();
        // An APP1 segment holding a whole tiny JPEG (SOI ... EOI) right after the SOI.
        let thumbnail = [0xFF, 0xD8, 0xFF, 0xD9];
        let mut with_thumbnail = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, (2 + thumbnail.len()) as u8];
        with_thumbnail.extend_from_slice(&thumbnail);
        with_thumbnail.extend_from_slice(&jpeg[2..]);
        assert!(jpeg_is_complete(&with_thumbnail));
        assert!(!jpeg_is_complete(&with_thumbnail[..with_thumbnail.len() / 2]));
    }
}
