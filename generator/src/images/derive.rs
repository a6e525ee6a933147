//! Derives the renditions of one photo from a single decode: EXIF orientation applied, transparency flattened onto
//! white, each width resized with Lanczos3 (fast_image_resize), encoded as JPEG and, if set, lossy WebP.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ExtendedColorType, RgbImage};

use super::{Format, PhotoSettings, Rendition};

/// Every rendition of the photo in `bytes`, with its encoded bytes; or why the photo cannot be used (one of more
/// than `max_pixels` pixels is never decoded).
pub fn renditions(
    bytes: &[u8],
    settings: &PhotoSettings,
    max_pixels: u64,
) -> Result<Vec<(Rendition, Vec<u8>)>, String> {
    let source = decode(bytes, max_pixels)?;
    let (width, height) = source.dimensions();
    let mut widths: Vec<u32> = settings.widths.iter().map(|w| (*w).min(width)).collect();
    widths.dedup();
    let mut resizer = Resizer::new();
    let mut out = Vec::with_capacity(widths.len() * 2);
    for target_width in widths {
        let target_height =
            ((u64::from(height) * u64::from(target_width) + u64::from(width) / 2) / u64::from(width)).max(1) as u32;
        let pixels = if target_width == width {
            source.as_raw().clone()
        } else {
            resize(&mut resizer, &source, target_width, target_height)?
        };
        let jpeg = encode_jpeg(&pixels, target_width, target_height, settings.jpeg_quality)?;
        out.push((Rendition { width: target_width, height: target_height, format: Format::Jpeg }, jpeg));
        if let Some(quality) = settings.webp_quality {
            let webp = webp::Encoder::from_rgb(&pixels, target_width, target_height).encode(quality).to_vec();
            out.push((Rendition { width: target_width, height: target_height, format: Format::Webp }, webp));
        }
    }
    Ok(out)
}

/// Decodes once ([`super::source::decode`]: limits first), turned upright by its EXIF orientation, as 8-bit RGB.
fn decode(bytes: &[u8], max_pixels: u64) -> Result<RgbImage, String> {
    let (mut image, orientation) = super::source::decode(bytes, max_pixels)?;
    image.apply_orientation(orientation);
    Ok(if image.color().has_alpha() { flatten_on_white(&image) } else { image.into_rgb8() })
}

fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

fn resize(resizer: &mut Resizer, source: &RgbImage, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let src = Image::from_vec_u8(source.width(), source.height(), source.as_raw().clone(), PixelType::U8x3)
        .map_err(|e| e.to_string())?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer.resize(&src, &mut dst, &options).map_err(|e| e.to_string())?;
    Ok(dst.into_vec())
}

fn encode_jpeg(pixels: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode(pixels, width, height, ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).expect("encode");
        out
    }

    #[test]
    fn every_width_and_format_from_one_source() {
        let got = renditions(&png(1600, 1200), &PhotoSettings::default(), 40_000_000).expect("derive");
        let sizes: Vec<(u32, u32, Format)> = got.iter().map(|(r, _)| (r.width, r.height, r.format)).collect();
        assert_eq!(
            sizes,
            [(480, 360, Format::Jpeg), (480, 360, Format::Webp), (1200, 900, Format::Jpeg), (1200, 900, Format::Webp)]
        );
        let decoded = image::load_from_memory(&got[2].1).expect("jpeg decodes");
        assert_eq!((decoded.width(), decoded.height()), (1200, 900));
    }

    #[test]
    fn a_small_photo_is_never_enlarged() {
        let got =
            renditions(&png(800, 600), &PhotoSettings { webp_quality: None, ..PhotoSettings::default() }, 40_000_000)
                .expect("derive");
        let widths: Vec<u32> = got.iter().map(|(r, _)| r.width).collect();
        assert_eq!(widths, [480, 800]);
    }
}
