//! What search knows of each language: the name elasticlunr gives it and the pipeline its tokens
//! go through after [`tokenize`](super::tokenize::tokenize). Mirrored by `makePipeline` in
//! `themes/*/static/search.js`.
//!
//! English keeps elasticlunr-rs's pipeline (trimmer, stop-word filter, Porter stemmer; the stemmer
//! on ASCII tokens only, since it works on bytes and a JavaScript port works on UTF-16) and, in the
//! site's own index, folds British and American spellings together before stemming. Other
//! languages keep their tokens as they are.

use std::borrow::Cow;

use elasticlunr::pipeline::{Pipeline, PipelineFn};
use elasticlunr::Language;

/// Languages with a pipeline of their own: code, elasticlunr name, whether it is English's.
const LANGUAGES: &[(&str, &str, bool)] = &[("en", "English", true), ("ja", "Japanese", false)];

/// The language name elasticlunr writes into its index (`lang`); the code for unknown languages.
pub fn elasticlunr_name(code: &str) -> &str {
    LANGUAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, name, _)| name)
}

fn is_english(code: &str) -> bool {
    LANGUAGES
        .iter()
        .any(|(c, _, english)| *c == code && *english)
}

/// Which index a pipeline is for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flavour {
    /// The site's sharded index: with spelling variants folded.
    Site,
    /// A standard elasticlunr index, whose pipeline functions elasticlunr.js knows by name.
    Elasticlunr,
}

/// The pipeline of a language.
pub fn pipeline(lang: &str, flavour: Flavour) -> Pipeline {
    if !is_english(lang) {
        return Pipeline { queue: Vec::new() };
    }
    let english = elasticlunr::lang::English::new().make_pipeline();
    let mut queue: Vec<Box<dyn PipelineFn>> = Vec::new();
    for f in english.queue {
        if f.name() == "stemmer" {
            if flavour == Flavour::Site {
                queue.push(Box::new(SpellingVariants));
            }
            queue.push(Box::new(AsciiOnly(f)));
        } else {
            queue.push(f);
        }
    }
    Pipeline { queue }
}

/// Runs `pipeline` on one token.
pub fn run(pipeline: &Pipeline, token: &str) -> Option<String> {
    pipeline.run(vec![token.to_string()]).pop()
}

/// Applies a pipeline function to ASCII tokens and passes the others through.
struct AsciiOnly(Box<dyn PipelineFn>);

impl PipelineFn for AsciiOnly {
    fn name(&self) -> String {
        self.0.name()
    }

    fn filter(&self, token: String) -> Option<String> {
        if token.is_ascii() {
            self.0.filter(token)
        } else {
            Some(token)
        }
    }
}

/// Folds British spellings to American ones (both sides of the search see the same form).
struct SpellingVariants;

impl PipelineFn for SpellingVariants {
    fn name(&self) -> String {
        "spellingVariants".into()
    }

    fn filter(&self, token: String) -> Option<String> {
        Some(match spelling_variant(&token) {
            Cow::Borrowed(_) => token,
            Cow::Owned(folded) => folded,
        })
    }
}

/// Endings whose British form becomes the American one: `(british, american)`, longest first
/// within each family; each applies after a stem of at least two letters.
const ENDINGS: &[(&str, &str)] = &[
    // -ise/-ize and -yse/-yze, with their inflections and derivations
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("isers", "izers"),
    ("iser", "izer"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysers", "yzers"),
    ("yser", "yzer"),
    ("ysed", "yzed"),
    ("yses", "yzes"),
    ("yse", "yze"),
    // -our/-or
    ("ourable", "orable"),
    ("ouring", "oring"),
    ("ourful", "orful"),
    ("ourite", "orite"),
    ("oured", "ored"),
    ("ours", "ors"),
    ("our", "or"),
    // -ogue/-og
    ("ogues", "ogs"),
    ("ogue", "og"),
    // -re/-er after t and b (centre, fibre, litre, calibre)
    ("tres", "ters"),
    ("tred", "tered"),
    ("tre", "ter"),
    ("bres", "bers"),
    ("bre", "ber"),
];

/// The American spelling of an English word (lower-case ASCII): `ae` and `oe` become `e`
/// (anaemia, oestrogen), then one British ending becomes the American one (tumour, organise,
/// analyse, catalogue, centre). Other words are returned unchanged.
pub fn spelling_variant(word: &str) -> Cow<'_, str> {
    if !word.is_ascii() || word.len() < 4 {
        return Cow::Borrowed(word);
    }
    let mut out = Cow::Borrowed(word);
    if word.contains("ae") || word.contains("oe") {
        out = Cow::Owned(word.replace("ae", "e").replace("oe", "e"));
    }
    for (british, american) in ENDINGS {
        if let Some(stem) = out.strip_suffix(british) {
            if stem.len() >= 2 {
                out = Cow::Owned(format!("{stem}{american}"));
            }
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> Vec<String> {
        let p = pipeline("en", Flavour::Site);
        super::super::tokenize::tokenize(text)
            .iter()
            .filter_map(|t| run(&p, t))
            .collect()
    }

    #[test]
    fn british_and_american_spellings_meet() {
        for (british, american) in [
            ("tumour", "tumor"),
            ("tumours", "tumors"),
            ("organisation", "organization"),
            ("organised", "organized"),
            ("anaemia", "anemia"),
            ("oestrogen", "estrogen"),
            ("diarrhoea", "diarrhea"),
            ("analyse", "analyze"),
            ("catalogue", "catalog"),
            ("centre", "center"),
            ("fibres", "fibers"),
            ("leukaemia", "leukemia"),
            ("anaesthesia", "anesthesia"),
            ("hybridisation", "hybridization"),
            ("behaviour", "behavior"),
        ] {
            assert_eq!(en(british), en(american), "{british} / {american}");
            assert_eq!(en(british).len(), 1, "{british}");
        }
        // Short words and stems are left alone.
        assert_eq!(spelling_variant("four"), "four");
        assert_eq!(spelling_variant("wise"), "wise");
        assert_eq!(spelling_variant("naïve"), "naïve");
    }

    #[test]
    fn english_pipeline_stems_and_drops_stop_words() {
        assert_eq!(en("The approvals were approved"), ["approv", "approv"]);
        let ja = pipeline("ja", Flavour::Site);
        assert_eq!(run(&ja, "the").as_deref(), Some("the"));
        assert_eq!(en("naïvely"), ["naïvely"]);
        let standard = pipeline("en", Flavour::Elasticlunr);
        let names: Vec<String> = standard.queue.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["trimmer", "stopWordFilter", "stemmer"]);
    }
}
