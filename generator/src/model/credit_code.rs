//! [`CreditCode`]: the unified social credit code (统一社会信用代码) of GB 32100-2015, with its check digit.

use std::fmt;

/// The 31 characters a credit code may use: digits and capital letters without I, O, Z, S and V.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters: 3^i mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A valid 18-character credit code. Private: it never reaches the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

/// Why a string is not a valid credit code, phrased for the editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCreditCode {
    #[error("must be 18 characters, found {0}")]
    Length(usize),
    #[error("character {position} '{found}' is not allowed (digits and capital letters except I, O, Z, S, V)")]
    Character { position: usize, found: char },
    #[error("the check digit is '{found}' but the first 17 characters give '{expected}'; check for a typing error")]
    CheckDigit { found: char, expected: char },
}

impl CreditCode {
    pub fn parse(s: &str) -> Result<Self, InvalidCreditCode> {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(InvalidCreditCode::Length(chars.len()));
        }
        let mut values = [0u32; 18];
        for (i, c) in chars.iter().enumerate() {
            let Some(v) = ALPHABET.iter().position(|a| char::from(*a) == *c) else {
                return Err(InvalidCreditCode::Character { position: i + 1, found: *c });
            };
            values[i] = v as u32;
        }
        let expected = check_character(&values[..17]);
        if chars[17] != expected {
            return Err(InvalidCreditCode::CheckDigit { found: chars[17], expected });
        }
        Ok(CreditCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check character for the 17 leading character values.
fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    char::from(ALPHABET[check as usize])
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Codes whose check digits were computed independently of this module.
        for code in ["91370200163562681G", "91110000600037341L", "91440300708461136T"] {
            assert_eq!(CreditCode::parse(code).map(|c| c.to_string()), Ok(code.to_owned()));
        }
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        assert_eq!(
            CreditCode::parse("91370200163562681H"),
            Err(InvalidCreditCode::CheckDigit { found: 'H', expected: 'G' })
        );
    }

    #[test]
    fn rejects_bad_length_and_characters() {
        assert_eq!(CreditCode::parse("9137020016356268"), Err(InvalidCreditCode::Length(16)));
        assert_eq!(
            CreditCode::parse("91370200I63562681G"),
            Err(InvalidCreditCode::Character { position: 9, found: 'I' })
        );
        assert!(matches!(CreditCode::parse("91370200163562681g"), Err(InvalidCreditCode::Character { .. })));
    }
}
