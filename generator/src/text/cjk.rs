//! Line breaks in Chinese text. An editor wraps long lines; YAML and Markdown turn each break into a space, which
//! Chinese does not use between characters, so a break between two CJK characters is dropped instead.

/// Whether `c` is a Chinese/Japanese/Korean character or CJK punctuation (where a space would be wrong).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x2FA1F)
}

/// A full-width ASCII character (ＡＢＣ１２３（）) as its half-width twin; any other character as it is.
pub fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// `s` with each run of whitespace collapsed to one space, or removed when it sits between two CJK characters.
pub fn tidy_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !(out.chars().next_back().is_some_and(is_cjk) && is_cjk(c)) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_becomes_half_width() {
        assert_eq!("ＡＢ１（）".chars().map(half_width).collect::<String>(), "AB1()");
        assert_eq!(half_width('海'), '海');
    }

    #[test]
    fn breaks_between_chinese_characters_vanish() {
        assert_eq!(tidy_spaces("完成挂号、结算和购药，\n门诊费用"), "完成挂号、结算和购药，门诊费用");
        assert_eq!(tidy_spaces("汇聚 1,300 余类数据"), "汇聚 1,300 余类数据");
        assert_eq!(tidy_spaces("  AI  视觉\t质检 "), "AI 视觉质检");
    }
}
