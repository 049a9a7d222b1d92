//! Words bindery puts on generated pages (contents, link notes), in the book's language.
//! English and Vietnamese are built in; `[bindery.labels]` in book.toml adds or overrides any.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LabelOverrides {
    pub contents: Option<String>,
    pub links: Option<String>,
    pub in_this_handout: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    pub contents: String,
    pub links: String,
    pub in_this_handout: String,
}

impl Labels {
    /// Labels for a BCP 47 language tag, with book.toml's overrides applied.
    pub fn new(lang: &str, overrides: &LabelOverrides) -> Labels {
        let primary = lang.split('-').next().unwrap_or("en").to_ascii_lowercase();
        let (contents, links, in_this) = match primary.as_str() {
            "vi" => ("Mục lục", "Liên kết", "Trong tài liệu này"),
            _ => ("Contents", "Links", "In this handout"),
        };
        let pick = |o: &Option<String>, d: &str| o.clone().unwrap_or_else(|| d.to_string());
        Labels {
            contents: pick(&overrides.contents, contents),
            links: pick(&overrides.links, links),
            in_this_handout: pick(&overrides.in_this_handout, in_this),
        }
    }
}

impl Default for Labels {
    fn default() -> Self {
        Labels::new("en", &LabelOverrides::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_overrides() {
        assert_eq!(
            Labels::new("vi-VN", &Default::default()).contents,
            "Mục lục"
        );
        assert_eq!(Labels::new("fr", &Default::default()).contents, "Contents");
        let o = LabelOverrides {
            contents: Some("Table des matières".into()),
            ..Default::default()
        };
        assert_eq!(Labels::new("fr", &o).contents, "Table des matières");
    }
}
