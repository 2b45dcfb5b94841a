//! Resident identity numbers (居民身份证号码, GB 11643): 17 digits and a check character.

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits, or `None` if they are not 17 digits.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize])
}

/// True for an 18-character number whose check character matches (a lower-case x is accepted).
pub fn is_valid(id: &str) -> bool {
    // Checked on every imported row: no allocation. 18 ASCII characters are 18 bytes,
    // and anything else is not an ID number.
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    check_character(&id[..17]) == Some(char::from(id.as_bytes()[17].to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_follows_gb11643() {
        // The standard's own worked example.
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert!(is_valid("11010519491231002X"));
        assert!(is_valid("11010519491231002x"));
        assert!(!is_valid("110105194912310021"));
        assert!(!is_valid("1101051949123100"));
        assert_eq!(check_character("1101051949123100a"), None);
    }
}
