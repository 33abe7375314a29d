//! The learned join decision: a logistic regression over the [`Signals`]
//! between an article and a candidate story, giving the probability that
//! they are about one event. Its weights are trained on ECB+ alone by
//! `cargo run --release -p storyline-bench --bin stories_train` and ship in
//! `join_model.json` beside this file (ECB+ is CC BY 3.0; the attribution
//! is in the file and in `join_model.md`).

use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};

use super::signals::{SIGNAL_COUNT, Signal, Signals};
use crate::error::{Error, Result};

/// The weights shipped with the library.
const SHIPPED: &str = include_str!("join_model.json");

static SHIPPED_MODEL: LazyLock<Arc<JoinModel>> = LazyLock::new(|| {
    // The file is part of the source and a unit test parses it, so a
    // failure here is a build defect, not bad input.
    Arc::new(JoinModel::from_json(SHIPPED).expect("join_model.json parses"))
});

/// A model file: what the trainer writes and the library reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// What the model was trained on, with its licence and attribution.
    pub trained_on: String,
    /// How it was chosen (cross-validation, its figures).
    #[serde(default)]
    pub chosen_by: String,
    /// Each input of the regression: one signal, or the product of
    /// several (written `a*b`).
    pub inputs: Vec<String>,
    /// Each input's mean over the training examples that have it (a
    /// missing input stands at its mean).
    pub mean: Vec<f32>,
    /// Each input's standard deviation over the same examples.
    pub scale: Vec<f32>,
    /// The weight of each standardised input.
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
    /// Probability at which an article joins its best candidate story.
    pub join_probability: f32,
    /// Centroid similarity (60% words, 40% names) at which two stories an
    /// article joins both are merged.
    pub merge_similarity: f32,
}

/// A loaded join model.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinModel {
    file: ModelFile,
    inputs: Vec<Vec<Signal>>,
}

/// How much one input moved an article's join decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The input: a signal's name, or `a*b` for a product.
    pub signal: String,
    /// Its value for this article and story (`null` in JSON when it
    /// could not be measured).
    pub value: f32,
    /// Its share of the log-odds of joining, against an average training
    /// example: positive pulls the article into the story.
    pub contribution: f32,
}

impl JoinModel {
    /// The model shipped with the library.
    pub fn shipped() -> Arc<JoinModel> {
        SHIPPED_MODEL.clone()
    }

    /// Reads a model file, checking that its inputs name known signals and
    /// its vectors agree in length.
    pub fn from_json(json: &str) -> Result<JoinModel> {
        let file: ModelFile = serde_json::from_str(json).map_err(Error::invalid)?;
        JoinModel::new(file)
    }

    /// A model from its file contents.
    pub fn new(file: ModelFile) -> Result<JoinModel> {
        let n = file.inputs.len();
        if file.mean.len() != n || file.scale.len() != n || file.weights.len() != n {
            return Err(Error::invalid(format!(
                "join model: {n} inputs but {} means, {} scales, {} weights",
                file.mean.len(),
                file.scale.len(),
                file.weights.len()
            )));
        }
        let mut inputs = Vec::with_capacity(n);
        for name in &file.inputs {
            let factors = name
                .split('*')
                .map(|s| {
                    Signal::from_name(s)
                        .ok_or_else(|| Error::invalid(format!("join model: unknown signal {s:?}")))
                })
                .collect::<Result<Vec<Signal>>>()?;
            inputs.push(factors);
        }
        Ok(JoinModel { file, inputs })
    }

    /// The file it was read from.
    pub fn file(&self) -> &ModelFile {
        &self.file
    }

    /// Each input's value and standardised value; a missing input (NaN)
    /// stands at the training mean, so it weighs nothing either way.
    fn standardised(&self, s: &Signals) -> impl Iterator<Item = (usize, f32, f32)> + '_ {
        let values: [f32; SIGNAL_COUNT] = s.0;
        self.inputs.iter().enumerate().map(move |(i, factors)| {
            let x: f32 = factors.iter().map(|f| values[*f as usize]).product();
            let z = if x.is_nan() {
                0.0
            } else {
                (x - self.file.mean[i]) / self.file.scale[i].max(1e-6)
            };
            (i, x, z)
        })
    }

    /// The log-odds that the article belongs to the story.
    pub fn logit(&self, s: &Signals) -> f32 {
        self.file.bias
            + self
                .standardised(s)
                .map(|(i, _, z)| self.file.weights[i] * z)
                .sum::<f32>()
    }

    /// The probability that the article belongs to the story.
    pub fn probability(&self, s: &Signals) -> f32 {
        1.0 / (1.0 + (-self.logit(s)).exp())
    }

    /// Each input's share of the log-odds, the largest (either way) first.
    pub fn contributions(&self, s: &Signals) -> Vec<Contribution> {
        let mut out: Vec<Contribution> = self
            .standardised(s)
            .map(|(i, x, z)| Contribution {
                signal: self.file.inputs[i].clone(),
                value: x,
                contribution: self.file.weights[i] * z,
            })
            .collect();
        out.sort_by(|a, b| {
            b.contribution
                .abs()
                .total_cmp(&a.contribution.abs())
                .then_with(|| a.signal.cmp(&b.signal))
        });
        out
    }

    /// Probability at which an article joins its best candidate.
    pub fn join_probability(&self) -> f32 {
        self.file.join_probability
    }

    /// Centroid similarity at which two stories merge.
    pub fn merge_similarity(&self) -> f32 {
        self.file.merge_similarity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_parses_and_names_known_signals() {
        let m = JoinModel::shipped();
        assert!(!m.file().inputs.is_empty());
        assert!(m.file().trained_on.contains("ECB+"));
        assert!(m.file().trained_on.contains("CC BY"));
        assert!((0.0..1.0).contains(&m.join_probability()));
    }

    #[test]
    fn contributions_add_up_to_the_logit() {
        let m = JoinModel::shipped();
        let mut s = Signals::default();
        s.0[Signal::Words as usize] = 0.6;
        s.0[Signal::LeadNames as usize] = 1.0;
        s.0[Signal::Title as usize] = f32::NAN;
        let sum: f32 = m.contributions(&s).iter().map(|c| c.contribution).sum();
        assert!((sum + m.file().bias - m.logit(&s)).abs() < 1e-4);
        let p = m.probability(&s);
        assert!(p > 0.0 && p < 1.0);
    }

    #[test]
    fn a_missing_signal_weighs_nothing() {
        let m = JoinModel::shipped();
        let mut s = Signals::default();
        s.0[Signal::Title as usize] = f32::NAN;
        let title = m
            .contributions(&s)
            .into_iter()
            .find(|c| c.signal == "title")
            .unwrap();
        assert_eq!(title.contribution, 0.0);
        assert!(title.value.is_nan());
        let json = serde_json::to_value(&title).unwrap();
        assert!(json["value"].is_null());
    }

    #[test]
    fn more_shared_words_never_lowers_the_probability_of_a_join() {
        let m = JoinModel::shipped();
        let mut low = Signals::default();
        low.0[Signal::Words as usize] = 0.1;
        let mut high = low;
        high.0[Signal::Words as usize] = 0.8;
        assert!(m.probability(&high) > m.probability(&low));
    }

    #[test]
    fn bad_model_files_are_errors() {
        let mut f = JoinModel::shipped().file().clone();
        f.inputs.push("nonsense".into());
        f.mean.push(0.0);
        f.scale.push(1.0);
        f.weights.push(1.0);
        assert!(JoinModel::new(f.clone()).is_err());
        f.inputs.pop();
        assert!(JoinModel::new(f).is_err(), "lengths disagree");
        assert!(JoinModel::from_json("{").is_err());
    }
}
