//! Where a word (a run of text between spaces) may be broken across lines, the home of
//! `icu_segmenter`:
//!
//! - between ideographs, kana and Hangul syllables by UAX #14 (CJK writes no spaces), in its
//!   strict form, so no line starts with closing punctuation (`，、。）」`) or small kana and no
//!   line ends with opening punctuation; Korean keeps its words whole and breaks at spaces;
//! - inside inline code and URLs, after `/ . _ -` and `::` (no hyphen is added), so a long path
//!   or name does not leave a short line before it.

use icu_segmenter::options::{LineBreakOptions, LineBreakWordOption};
use icu_segmenter::LineSegmenter;

/// What kind of break a cut is: between CJK characters (justified by spacing the characters)
/// or inside code or a URL (a break of last resort, with no added hyphen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::pdf) enum Cut {
    Ideographic,
    Soft,
}

/// The break opportunities inside `word`, as byte offsets strictly inside it. `code_like` is set
/// for inline code and URLs.
pub(super) fn opportunities(word: &str, lang: &str, code_like: bool) -> Vec<(usize, Cut)> {
    let mut cuts = if word.chars().any(is_wide) {
        unicode_cuts(word, lang)
    } else {
        Vec::new()
    };
    if code_like {
        for at in code_cuts(word) {
            if !cuts.iter().any(|&(c, _)| c == at) {
                cuts.push((at, Cut::Soft));
            }
        }
        cuts.sort_unstable_by_key(|&(at, _)| at);
    }
    cuts
}

/// Whether a line may break between `before` and `after` where two spans of text meet without a
/// space (`中文**粗体**` or a link inside CJK text).
pub(in crate::pdf) fn between(before: char, after: char, lang: &str) -> Option<Cut> {
    if !is_wide(before) && !is_wide(after) {
        return None;
    }
    let mut pair = String::with_capacity(8);
    pair.push(before);
    pair.push(after);
    unicode_cuts(&pair, lang).first().map(|&(_, cut)| cut)
}

/// UAX #14 opportunities inside `text`, each classed by whether a CJK character is next to it.
fn unicode_cuts(text: &str, lang: &str) -> Vec<(usize, Cut)> {
    let mut options = LineBreakOptions::default();
    if lang == "ko" || lang.starts_with("ko-") {
        // Korean is written with spaces between words; breaking inside one reads as a typo.
        options.word_option = Some(LineBreakWordOption::KeepAll);
    }
    let segmenter = LineSegmenter::new_for_non_complex_scripts(options);
    segmenter
        .segment_str(text)
        .filter(|&at| at > 0 && at < text.len())
        .map(|at| {
            let before = text[..at].chars().next_back();
            let after = text[at..].chars().next();
            let wide = before.is_some_and(is_wide) || after.is_some_and(is_wide);
            (at, if wide { Cut::Ideographic } else { Cut::Soft })
        })
        .collect()
}

/// Breaks inside code and URLs: after a run of `/ . _ -` or after `::`, when a letter or digit
/// came before the run and one follows it (`std::collections::`, `https://example.org/`).
fn code_cuts(word: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut cuts = Vec::new();
    let mut seen_alnum = false;
    for k in 1..chars.len() {
        let (at, c) = chars[k];
        let prev = chars[k - 1].1;
        seen_alnum |= prev.is_alphanumeric();
        if !c.is_alphanumeric() || !seen_alnum {
            continue;
        }
        let after_separator = matches!(prev, '/' | '.' | '_' | '-')
            || (prev == ':' && k >= 2 && chars[k - 2].1 == ':');
        if after_separator {
            cuts.push(at);
        }
    }
    cuts
}

/// Characters of scripts written without spaces between words, and their punctuation:
/// CJK ideographs, kana, Hangul, bopomofo, CJK symbols and full-width forms.
pub(in crate::pdf) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x2E80..=0x2FDF
        | 0x2FF0..=0x303F
        | 0x3040..=0x31FF
        | 0x3200..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE1F
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(word: &'a str, lang: &str, code: bool) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut start = 0;
        for (at, _) in opportunities(word, lang, code) {
            out.push(&word[start..at]);
            start = at;
        }
        out.push(&word[start..]);
        out
    }

    #[test]
    fn chinese_breaks_between_ideographs_but_never_before_closing_punctuation() {
        let p = pieces("我们去了，会场。（很好）", "zh", false);
        assert_eq!(p, ["我", "们", "去", "了，", "会", "场。", "（很", "好）"]);
        assert!(opportunities("我们", "zh", false)
            .iter()
            .all(|&(_, c)| c == Cut::Ideographic));
    }

    #[test]
    fn japanese_small_kana_and_prolonged_sound_stay_with_what_precedes() {
        let p = pieces("ユーザーグループ", "ja", false);
        assert!(p
            .iter()
            .all(|s| !s.starts_with('ー') && !s.starts_with('ッ')));
        assert!(p.len() > 1, "{p:?}");
    }

    #[test]
    fn latin_words_inside_cjk_text_stay_whole() {
        let p = pieces("使用OpenStack部署", "zh", false);
        assert!(p.contains(&"OpenStack"), "{p:?}");
    }

    #[test]
    fn korean_keeps_its_words_whole() {
        assert!(opportunities("한국어로", "ko", false).is_empty());
        assert!(!opportunities("한국어로", "en", false).is_empty());
    }

    #[test]
    fn code_and_urls_break_after_separators_without_splitting_them() {
        assert_eq!(
            pieces("std::collections::HashMap", "en", true),
            ["std::", "collections::", "HashMap"]
        );
        assert_eq!(
            pieces("https://example.org/a_b", "en", true),
            ["https://", "example.", "org/", "a_", "b"]
        );
        assert_eq!(pieces("./configure", "en", true), ["./configure"]);
        assert_eq!(pieces("--release", "en", true), ["--release"]);
        assert!(opportunities("std::collections", "en", false).is_empty());
    }

    #[test]
    fn spans_meeting_inside_cjk_text_may_break_but_not_before_a_comma() {
        assert_eq!(between('中', '文', "zh"), Some(Cut::Ideographic));
        assert_eq!(between('中', '，', "zh"), None);
        assert_eq!(between('a', 'b', "en"), None);
    }
}
