//! How alike photos look, from a tiny signature of each (its colours on a 4x4 grid): the home page picks for each
//! featured case the photo least like those of the cases before it, so that its cards do not repeat one picture.

use std::path::Path;

use image::imageops::FilterType;

use super::{DerivedPhoto, Format};

/// The mean colour of each cell of a 4x4 grid over the photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 48]);

impl Signature {
    /// The signature of the smallest JPEG derived from a photo; `None` when it cannot be read (then any photo does).
    pub fn of(derived: &DerivedPhoto) -> Option<Signature> {
        let smallest = derived.renditions.iter().find(|r| r.format == Format::Jpeg)?;
        Self::of_file(&derived.file(smallest))
    }

    fn of_file(path: &Path) -> Option<Signature> {
        let small = image::open(path).ok()?.resize_exact(4, 4, FilterType::Triangle).to_rgb8();
        let mut cells = [0u8; 48];
        cells.copy_from_slice(small.as_raw().get(..48)?);
        Some(Signature(cells))
    }

    /// How unlike two photos look: the sum of the differences of their cells' colours.
    pub fn distance(&self, other: &Signature) -> u32 {
        self.0.iter().zip(other.0.iter()).map(|(a, b)| u32::from(a.abs_diff(*b))).sum()
    }
}

/// For each item, the index of one of its photos (`signatures`, in order): the first item keeps its first photo;
/// (while no photo with a signature is taken, an item keeps its first) each later one takes the photo farthest from the nearest already taken (the first photo on a tie, or when
/// signatures are missing).
pub fn pick_distinct(signatures: &[Vec<Option<Signature>>]) -> Vec<usize> {
    let mut taken: Vec<Signature> = Vec::new();
    let mut picks = Vec::with_capacity(signatures.len());
    for photos in signatures {
        let nearest = |s: &Signature| taken.iter().map(|t| t.distance(s)).min().unwrap_or(u32::MAX);
        let mut best = (0, None::<u32>);
        for (k, signature) in photos.iter().enumerate() {
            if let Some(s) = signature {
                let far = nearest(s);
                if best.1.is_none_or(|b| far > b) {
                    best = (k, Some(far));
                }
            }
        }
        if taken.is_empty() {
            best.0 = 0;
        }
        picks.push(best.0);
        if let Some(Some(s)) = photos.get(best.0) {
            taken.push(*s);
        }
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(level: u8) -> Option<Signature> {
        Some(Signature([level; 48]))
    }

    #[test]
    fn a_later_item_takes_its_photo_least_like_those_taken() {
        // Item 2's first photo is like item 1's; its third is the most unlike.
        let picks = pick_distinct(&[vec![flat(10), flat(200)], vec![flat(12), flat(60), flat(250)]]);
        assert_eq!(picks, [0, 2]);
    }

    #[test]
    fn without_signatures_every_item_keeps_its_first_photo() {
        assert_eq!(pick_distinct(&[vec![None, None], vec![None, flat(3)], vec![]]), [0, 0, 0]);
    }
}
