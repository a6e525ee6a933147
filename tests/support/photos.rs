//! Hostile photos for the tests: a decompression bomb written byte by byte, and a sample photo cut short.

use crate::binaries::workspace_root;

/// A PNG of under 100 bytes whose header claims `width` x `height` pixels of 16-bit RGBA (8 bytes a pixel), with
/// almost no image data: decoding it would first allocate the whole claimed image.
pub fn bomb_png(width: u32, height: u32) -> Vec<u8> {
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

/// The sample's progressive JPEG `port-cranes.jpg` (1200x900, 51 KiB), cut to its first `length` bytes.
pub fn truncated_jpeg(length: usize) -> Vec<u8> {
    let path = workspace_root().join("content/cases/port-automation-terminal/port-cranes.jpg");
    let mut bytes = std::fs::read(path).expect("the sample photo");
    bytes.truncate(length);
    bytes
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).expect("a small chunk").to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
