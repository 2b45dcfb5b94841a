//! Personal data (ID and phone numbers) is masked wherever it is shown, unless asked for.

use crate::model::{FieldValue, Nomination};

/// Whether a view may show personal data in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    Masked,
    Revealed,
}

/// Keeps enough of a value to tell two apart on screen, never enough to use it:
/// the first three and last four characters of an ID number, the first three and
/// last four digits of a phone number.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

fn mask_fields(fields: &mut [FieldValue]) {
    for f in fields.iter_mut().filter(|f| f.personal) {
        f.value = mask(&f.value);
    }
}

pub fn apply(nomination: &mut Nomination, privacy: Privacy) {
    if privacy == Privacy::Masked {
        mask_fields(&mut nomination.fields);
        mask_fields(&mut nomination.extra_fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_id_and_phone_numbers_keeping_only_ends() {
        assert_eq!(mask("11010519491231002X"), "110***********002X");
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("1234567"), "*******");
        assert_eq!(mask(""), "");
    }
}
