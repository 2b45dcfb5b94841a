//! The review's certificate template as the clerk edits it piece by piece: replaced
//! whole, its issuer set, one category's own honour, title and orientation set or
//! dropped. Only a real change is stored (and audited).

use std::path::Path;

use crate::error::{Error, Result};
use crate::report::certificate::{CategoryCertificate, CertificateTemplate};
use crate::report::serials;
use crate::store;

/// What to do with one category's own settings.
pub enum OwnSettings {
    /// Set the fields given; those left `None` stay as they are.
    Set {
        honour: Option<String>,
        title: Option<String>,
        landscape: Option<bool>,
    },
    /// Drop them: the category prints with the review's template.
    Clear,
}

#[derive(Default)]
pub struct TemplateEdit {
    /// A whole template to start from instead of the stored one.
    pub replace: Option<CertificateTemplate>,
    /// The 落款单位; a blank one is refused, as good as none.
    pub issuer: Option<String>,
    /// A category (its key) and what to do with its own settings.
    pub category: Option<(String, OwnSettings)>,
}

/// Applies `edit` and answers with the template now stored.
pub fn edit(
    review: &Path,
    edit: TemplateEdit,
    at: &str,
    actor: &str,
) -> Result<CertificateTemplate> {
    let mut changed = edit.replace.is_some();
    let mut template = match edit.replace {
        Some(template) => template,
        None => serials::template(review)?,
    };
    if let Some(issuer) = edit.issuer {
        if issuer.trim().is_empty() {
            return Err(Error::CertificateIssuerMissing);
        }
        template.issuer = issuer.trim().to_string();
        changed = true;
    }
    if let Some((key, own)) = edit.category {
        if !store::review_rows::category_keys(&store::open(review)?)?.contains(&key) {
            return Err(Error::UnknownCategory { key });
        }
        changed |= apply_own(&mut template, key, own);
    }
    if changed {
        serials::set_template(review, &template, at, actor)?;
    }
    serials::template(review)
}

/// Whether anything was asked of the category's settings.
fn apply_own(template: &mut CertificateTemplate, key: String, own: OwnSettings) -> bool {
    let (honour, title, landscape) = match own {
        OwnSettings::Clear => {
            template.categories.retain(|c| c.category_key != key);
            return true;
        }
        OwnSettings::Set {
            honour: None,
            title: None,
            landscape: None,
        } => return false,
        OwnSettings::Set {
            honour,
            title,
            landscape,
        } => (honour, title, landscape),
    };
    let at = match template
        .categories
        .iter()
        .position(|c| c.category_key == key)
    {
        Some(at) => at,
        None => {
            template.categories.push(CategoryCertificate {
                category_key: key,
                title: None,
                honour: None,
                landscape: None,
            });
            template.categories.len() - 1
        }
    };
    let own = &mut template.categories[at];
    own.honour = honour.or(own.honour.take());
    own.title = title.or(own.title.take());
    own.landscape = landscape.or(own.landscape);
    true
}
