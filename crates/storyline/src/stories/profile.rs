//! A story's profile: the centroid of its articles' topic words and names,
//! its time span and cohesion, and the keys it is indexed under. Stored as
//! one blob per story, so judging a candidate story is one read.

use super::features::{StoryFeatures, decode_weights, encode_weights};

/// Topic words kept in a story's centroid.
const CENTROID_TERMS: usize = 300;
/// Names and figures kept in a story's centroid.
const CENTROID_ENTITIES: usize = 80;
/// Topic words a story is indexed under for candidate retrieval.
pub(crate) const INDEX_TERMS: usize = 12;
/// Names a story is indexed under.
pub(crate) const INDEX_ENTITIES: usize = 6;
/// Headline words kept in a story's headline centroid.
const CENTROID_HEADLINE: usize = 60;

/// Format 2 adds the headline centroid and the word cohesion; format 1
/// profiles read as stories without headlines, whose word cohesion is
/// counted afresh.
const FORMAT: u8 = 2;
const NO_DAY: i32 = i32::MIN;

/// Inverse document frequencies from the store's running counts.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    /// Documents counted.
    pub documents: u64,
    /// Document frequency of each key looked up so far. Looked up for every
    /// key of every vector weighed; the keys come from article text, so
    /// the hasher is seeded (no chosen collisions) but no SipHash.
    pub df: foldhash::HashMap<u64, u32>,
}

impl Idf {
    /// Smoothed IDF: a key in every document weighs nothing, a key seen
    /// once weighs most. Unknown keys count as seen once.
    pub fn of(&self, key: u64) -> f32 {
        let df = self.df.get(&key).copied().unwrap_or(1).max(1) as f64;
        let n = self.documents.max(1) as f64;
        (((n + 1.0) / (df + 1.0)).ln() + 1.0) as f32
    }
}

/// An article's vectors under the current IDF, ready to be compared.
#[derive(Debug, Clone)]
pub struct Weighted {
    /// `(key, weight × idf)`, sorted by key.
    pub terms: Vec<(u64, f32)>,
    /// Norm of `terms`.
    pub term_norm: f32,
    /// Names, weighted the same way.
    pub entities: Vec<(u64, f32)>,
    /// Norm of `entities`.
    pub entity_norm: f32,
}

impl Weighted {
    /// Weights an article's features.
    pub fn of(f: &StoryFeatures, idf: &Idf) -> Weighted {
        let weigh = |v: &[(u64, f32)]| -> (Vec<(u64, f32)>, f32) {
            let w: Vec<(u64, f32)> = v.iter().map(|&(k, x)| (k, x * idf.of(k))).collect();
            let n = norm(&w);
            (w, n)
        };
        let (terms, term_norm) = weigh(&f.terms);
        let (entities, entity_norm) = weigh(&f.entities);
        Weighted {
            terms,
            term_norm,
            entities,
            entity_norm,
        }
    }
}

/// What the clusterer keeps about a story.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryProfile {
    /// Sum of the members' length-normalised topic-word vectors (before
    /// IDF), sorted by key, truncated to the heaviest.
    pub terms: Vec<(u64, f32)>,
    /// The same for names and figures.
    pub entities: Vec<(u64, f32)>,
    /// Norm of `terms` under the IDF at the last update.
    pub term_norm: f32,
    /// Norm of `entities` under the IDF at the last update.
    pub entity_norm: f32,
    /// Articles in the centroid.
    pub size: u32,
    /// Articles that joined by similarity, and the sum of their scores: how
    /// tightly the story holds together.
    pub joins: u32,
    /// See `joins`.
    pub score_sum: f32,
    /// Sum of the topic-word similarities those articles joined with: how
    /// tightly the story holds together, whatever scored the joins.
    pub words_sum: f32,
    /// Earliest and latest known day of its articles.
    pub first_day: Option<i32>,
    /// See `first_day`.
    pub last_day: Option<i32>,
    /// Score of the article whose headline is the story's title.
    pub title_score: f32,
    /// Keys the story is indexed under.
    pub keys: Vec<u64>,
    /// Sum of the members' headline words (each headline's keys at
    /// weight 1/√n), sorted by key, truncated to the heaviest.
    pub headlines: Vec<(u64, f32)>,
    /// Norm of `headlines` under the IDF at the last update.
    pub headline_norm: f32,
}

impl StoryProfile {
    /// A story of one article.
    pub fn new(f: &StoryFeatures, idf: &Idf) -> StoryProfile {
        let mut p = StoryProfile::default();
        p.add(f, idf);
        p
    }

    /// Adds an article to the centroid, re-truncates it and recomputes the
    /// norms and index keys under `idf` (which must know every key of the
    /// profile and the article).
    pub fn add(&mut self, f: &StoryFeatures, idf: &Idf) {
        self.terms = add_normalised(&self.terms, &f.terms);
        self.entities = add_normalised(&self.entities, &f.entities);
        if !f.headline.is_empty() {
            let w = 1.0 / (f.headline.len() as f32).sqrt();
            let headline: Vec<(u64, f32)> = f.headline.iter().map(|&k| (k, w)).collect();
            self.headlines = add_weights(&self.headlines, &headline, 1.0);
        }
        self.size += 1;
        if let Some(d) = f.day {
            self.first_day = Some(self.first_day.map_or(d, |x| x.min(d)));
            self.last_day = Some(self.last_day.map_or(d, |x| x.max(d)));
        }
        self.refresh(idf);
    }

    /// Adds another story's articles.
    pub fn absorb(&mut self, other: &StoryProfile, idf: &Idf) {
        self.terms = add_weights(&self.terms, &other.terms, 1.0);
        self.entities = add_weights(&self.entities, &other.entities, 1.0);
        self.headlines = add_weights(&self.headlines, &other.headlines, 1.0);
        self.size += other.size;
        self.joins += other.joins;
        self.score_sum += other.score_sum;
        self.words_sum += other.words_sum;
        for d in [other.first_day, other.last_day].into_iter().flatten() {
            self.first_day = Some(self.first_day.map_or(d, |x| x.min(d)));
            self.last_day = Some(self.last_day.map_or(d, |x| x.max(d)));
        }
        self.refresh(idf);
    }

    /// Takes out what [`absorb`](Self::absorb) put in: a story leaving a
    /// thread. Weights that fall to nothing are dropped; the span is kept
    /// (a thread's span is read from its stories).
    pub fn remove(&mut self, other: &StoryProfile, idf: &Idf) {
        let minus = |a: &[(u64, f32)], b: &[(u64, f32)]| -> Vec<(u64, f32)> {
            add_weights(a, b, -1.0)
                .into_iter()
                .filter(|e| e.1 > 1e-4)
                .collect()
        };
        self.terms = minus(&self.terms, &other.terms);
        self.entities = minus(&self.entities, &other.entities);
        self.headlines = minus(&self.headlines, &other.headlines);
        self.size = self.size.saturating_sub(other.size);
        self.refresh(idf);
    }

    /// The centroid with every weight times `factor`.
    pub fn scaled(&self, factor: f32) -> StoryProfile {
        let scale = |v: &[(u64, f32)]| v.iter().map(|&(k, w)| (k, w * factor)).collect();
        StoryProfile {
            terms: scale(&self.terms),
            entities: scale(&self.entities),
            headlines: scale(&self.headlines),
            term_norm: self.term_norm * factor,
            entity_norm: self.entity_norm * factor,
            headline_norm: self.headline_norm * factor,
            ..self.clone()
        }
    }

    /// The `terms` heaviest topic words and `names` heaviest names under
    /// `idf`: what a wider index than the story's own is keyed on.
    pub fn heaviest_keys(&self, terms: usize, names: usize, idf: &Idf) -> Vec<u64> {
        let mut keys = top_keys(&self.terms, terms, idf);
        keys.extend(top_keys(&self.entities, names, idf));
        keys
    }

    /// The `k` names (and figures) its articles carry most, heaviest first,
    /// by weight alone: what the story is mainly about, not what is rare.
    pub fn heaviest_names(&self, k: usize) -> Vec<u64> {
        heaviest(&self.entities, k)
            .into_iter()
            .map(|e| e.0)
            .collect()
    }

    /// Every key of the centroid.
    pub fn all_keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.terms
            .iter()
            .chain(&self.entities)
            .chain(&self.headlines)
            .map(|e| e.0)
    }

    fn refresh(&mut self, idf: &Idf) {
        let rank = |v: &mut Vec<(u64, f32)>, keep: usize| {
            if v.len() > keep {
                // Each entry weighed once, not twice per comparison (a map
                // lookup and a logarithm each): the same stable order.
                let mut weighed: Vec<(f32, (u64, f32))> =
                    v.iter().map(|&e| (e.1 * idf.of(e.0), e)).collect();
                weighed.sort_by(|a, b| b.0.total_cmp(&a.0));
                v.clear();
                v.extend(weighed.into_iter().take(keep).map(|(_, e)| e));
                v.sort_unstable_by_key(|e| e.0);
            }
        };
        rank(&mut self.terms, CENTROID_TERMS);
        rank(&mut self.entities, CENTROID_ENTITIES);
        rank(&mut self.headlines, CENTROID_HEADLINE);
        let weighted = |v: &[(u64, f32)]| -> f32 {
            v.iter()
                .map(|&(k, x)| (x * idf.of(k)).powi(2))
                .sum::<f32>()
                .sqrt()
        };
        self.term_norm = weighted(&self.terms);
        self.entity_norm = weighted(&self.entities);
        self.headline_norm = weighted(&self.headlines);
        self.keys = top_keys(&self.terms, INDEX_TERMS, idf);
        self.keys
            .extend(top_keys(&self.entities, INDEX_ENTITIES, idf));
    }

    /// Cosine of an article's topic words and names with the centroid's.
    pub fn similarity(&self, a: &Weighted, idf: &Idf) -> (f32, f32) {
        let cos = |av: &[(u64, f32)], an: f32, sv: &[(u64, f32)], sn: f32| -> f32 {
            if an == 0.0 || sn == 0.0 {
                return 0.0;
            }
            dot(av, sv, |k| idf.of(k)) / (an * sn)
        };
        (
            cos(&a.terms, a.term_norm, &self.terms, self.term_norm),
            cos(&a.entities, a.entity_norm, &self.entities, self.entity_norm),
        )
    }

    /// The IDF-weighted share of `names` that the story mentions.
    pub fn coverage(&self, names: &[u64], idf: &Idf) -> Option<f32> {
        let (mut hit, mut all) = (0.0, 0.0);
        for k in names {
            let w = idf.of(*k);
            all += w;
            if self.entities.binary_search_by_key(k, |e| e.0).is_ok() {
                hit += w;
            }
        }
        (all > 0.0).then(|| hit / all)
    }

    /// The names the story is indexed under: its heaviest.
    pub fn top_names(&self) -> &[u64] {
        let n = self.entities.len().min(INDEX_ENTITIES).min(self.keys.len());
        &self.keys[self.keys.len() - n..]
    }

    /// Cosine of a headline's words (each weighing its IDF) with the
    /// story's headlines; `None` when either side has none.
    pub fn headline_similarity(&self, headline: &[u64], idf: &Idf) -> Option<f32> {
        if headline.is_empty() || self.headlines.is_empty() || self.headline_norm == 0.0 {
            return None;
        }
        let a: Vec<(u64, f32)> = headline.iter().map(|&k| (k, idf.of(k))).collect();
        let an = norm(&a);
        Some(dot(&a, &self.headlines, |k| idf.of(k)) / (an * self.headline_norm))
    }

    /// Cosine of two stories' centroids.
    pub fn similarity_to(&self, other: &StoryProfile, idf: &Idf) -> (f32, f32) {
        let cos = |a: &[(u64, f32)], an: f32, b: &[(u64, f32)], bn: f32| -> f32 {
            if an == 0.0 || bn == 0.0 {
                return 0.0;
            }
            dot(a, b, |k| idf.of(k).powi(2)) / (an * bn)
        };
        (
            cos(&self.terms, self.term_norm, &other.terms, other.term_norm),
            cos(
                &self.entities,
                self.entity_norm,
                &other.entities,
                other.entity_norm,
            ),
        )
    }

    /// [`StoryProfile::similarity_to`] with each side's weights scaled by
    /// `idf^power` instead of `idf` (norms computed here): a power under 1
    /// lets the names a whole subject shares (a country at war, a
    /// defendant) count beside the rare ones that single out an event.
    pub fn similarity_with_power(&self, other: &StoryProfile, idf: &Idf, power: f32) -> (f32, f32) {
        let w = |k: u64| {
            if power == 0.0 {
                1.0
            } else {
                idf.of(k).powf(power)
            }
        };
        let norm = |v: &[(u64, f32)]| {
            v.iter()
                .map(|&(k, x)| (x * w(k)).powi(2))
                .sum::<f32>()
                .sqrt()
        };
        let cos = |a: &[(u64, f32)], b: &[(u64, f32)]| -> f32 {
            let (an, bn) = (norm(a), norm(b));
            if an == 0.0 || bn == 0.0 {
                return 0.0;
            }
            dot(a, b, |k| w(k).powi(2)) / (an * bn)
        };
        (
            cos(&self.terms, &other.terms),
            cos(&self.entities, &other.entities),
        )
    }

    /// Days between `day` and the story's span (0 inside it), when both
    /// are known.
    pub fn gap_days(&self, day: Option<i32>) -> Option<i32> {
        let (d, first, last) = (day?, self.first_day?, self.last_day?);
        Some((first - d).max(d - last).max(0))
    }

    /// Mean score of the articles that joined by similarity.
    pub fn cohesion(&self) -> Option<f32> {
        (self.joins > 0).then(|| self.score_sum / self.joins as f32)
    }

    /// Mean topic-word similarity of the articles that joined by
    /// similarity.
    pub fn word_cohesion(&self) -> Option<f32> {
        (self.joins > 0).then(|| self.words_sum / self.joins as f32)
    }

    /// The profile as bytes, for the store.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![FORMAT];
        for x in [self.size, self.joins] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for x in [
            self.first_day.unwrap_or(NO_DAY),
            self.last_day.unwrap_or(NO_DAY),
        ] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for x in [
            self.score_sum,
            self.title_score,
            self.term_norm,
            self.entity_norm,
            self.headline_norm,
            self.words_sum,
        ] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for n in [
            self.terms.len(),
            self.entities.len(),
            self.keys.len(),
            self.headlines.len(),
        ] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        out.extend(encode_weights(&self.terms));
        out.extend(encode_weights(&self.entities));
        for k in &self.keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend(encode_weights(&self.headlines));
        out
    }

    /// Reads [`Self::encode`]'s bytes; `None` when they are not a profile.
    pub fn decode(b: &[u8]) -> Option<StoryProfile> {
        let (&format, mut rest) = b.split_first()?;
        if format != FORMAT && format != 1 {
            return None;
        }
        let mut word = || -> Option<[u8; 4]> {
            let (w, r) = rest.split_first_chunk::<4>()?;
            rest = r;
            Some(*w)
        };
        let size = u32::from_le_bytes(word()?);
        let joins = u32::from_le_bytes(word()?);
        let day = |x: i32| (x != NO_DAY).then_some(x);
        let first_day = day(i32::from_le_bytes(word()?));
        let last_day = day(i32::from_le_bytes(word()?));
        let score_sum = f32::from_le_bytes(word()?);
        let title_score = f32::from_le_bytes(word()?);
        let term_norm = f32::from_le_bytes(word()?);
        let entity_norm = f32::from_le_bytes(word()?);
        let (headline_norm, words_sum) = if format == 1 {
            (0.0, 0.0)
        } else {
            (f32::from_le_bytes(word()?), f32::from_le_bytes(word()?))
        };
        let nt = u32::from_le_bytes(word()?) as usize;
        let ne = u32::from_le_bytes(word()?) as usize;
        let nk = u32::from_le_bytes(word()?) as usize;
        let nh = if format == 1 {
            0
        } else {
            u32::from_le_bytes(word()?) as usize
        };
        if rest.len() != (nt + ne + nh) * 12 + nk * 8 {
            return None;
        }
        let (t, rest) = rest.split_at(nt * 12);
        let (e, rest) = rest.split_at(ne * 12);
        let (k, h) = rest.split_at(nk * 8);
        Some(StoryProfile {
            terms: decode_weights(t),
            entities: decode_weights(e),
            term_norm,
            entity_norm,
            size,
            joins,
            score_sum,
            first_day,
            last_day,
            title_score,
            keys: k
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
                .collect(),
            headlines: decode_weights(h),
            headline_norm,
            words_sum,
        })
    }
}

fn norm(v: &[(u64, f32)]) -> f32 {
    v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt()
}

/// Σ a·b·scale(key) over the keys both sorted vectors share.
fn dot(a: &[(u64, f32)], b: &[(u64, f32)], scale: impl Fn(u64) -> f32) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1 * scale(a[i].0);
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// `a + scale·b` over sorted vectors.
fn add_weights(a: &[(u64, f32)], b: &[(u64, f32)], scale: f32) -> Vec<(u64, f32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i == a.len() || b[j].0 < a[i].0 {
            out.push((b[j].0, b[j].1 * scale));
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + b[j].1 * scale));
            i += 1;
            j += 1;
        }
    }
    out
}

/// Adds `b` scaled to unit length, so long articles do not outweigh short ones.
fn add_normalised(a: &[(u64, f32)], b: &[(u64, f32)]) -> Vec<(u64, f32)> {
    let n = norm(b);
    if n == 0.0 {
        return a.to_vec();
    }
    add_weights(a, b, 1.0 / n)
}

fn top_keys(v: &[(u64, f32)], k: usize, idf: &Idf) -> Vec<u64> {
    let mut ranked: Vec<(u64, f32)> = v.iter().map(|&(key, x)| (key, x * idf.of(key))).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(k).map(|e| e.0).collect()
}

/// The `k` keys of `v` that weigh most under `idf`, heaviest first.
pub(crate) fn heaviest(v: &[(u64, f32)], k: usize) -> Vec<(u64, f32)> {
    let mut ranked = v.to_vec();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(k);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(terms: &[(u64, f32)], entities: &[(u64, f32)], day: Option<i32>) -> StoryFeatures {
        StoryFeatures {
            terms: terms.to_vec(),
            entities: entities.to_vec(),
            lead: Vec::new(),
            day,
            has_title: true,
            headline: Vec::new(),
            figures: Vec::new(),
        }
    }

    #[test]
    fn profile_round_trips_and_rejects_garbage() {
        let idf = Idf::default();
        let mut p = StoryProfile::new(
            &features(&[(1, 1.0), (5, 2.0)], &[(9, 1.0)], Some(700)),
            &idf,
        );
        p.add(&features(&[(5, 1.0)], &[], Some(650)), &idf);
        assert_eq!((p.first_day, p.last_day, p.size), (Some(650), Some(700), 2));
        let back = StoryProfile::decode(&p.encode()).unwrap();
        assert_eq!(back, p);
        assert!(StoryProfile::decode(&[]).is_none());
        assert!(StoryProfile::decode(&p.encode()[..20]).is_none());
    }

    #[test]
    fn profiles_stored_before_headlines_still_read() {
        let idf = Idf::default();
        let mut f = features(&[(1, 1.0), (5, 2.0)], &[(9, 1.0)], Some(700));
        f.headline = vec![5];
        let p = StoryProfile::new(&f, &idf);
        assert_eq!(p.headlines.len(), 1);
        // Format 1: no headline norm, no headline count, no headlines.
        let mut old = vec![1u8];
        let b = p.encode();
        old.extend_from_slice(&b[1..33]); // size, joins, days, sums, word and name norms
        old.extend_from_slice(&b[41..53]); // three counts
        let (nt, ne, nk) = (p.terms.len(), p.entities.len(), p.keys.len());
        old.extend_from_slice(&b[57..57 + (nt + ne) * 12 + nk * 8]);
        let back = StoryProfile::decode(&old).expect("a format 1 profile");
        assert_eq!(
            (&back.terms, &back.entities, &back.keys),
            (&p.terms, &p.entities, &p.keys)
        );
        assert!(back.headlines.is_empty());
        assert_eq!(back.headline_similarity(&[5], &idf), None);
        assert!(p.headline_similarity(&[5], &idf).unwrap() > 0.99);
        assert!(p.headline_similarity(&[], &idf).is_none());
    }

    #[test]
    fn similarity_favours_the_story_sharing_rare_words() {
        let mut idf = Idf {
            documents: 100,
            ..Idf::default()
        };
        idf.df.insert(1, 90); // a common word
        idf.df.insert(2, 2); // a rare one
        idf.df.insert(3, 2);
        let common = StoryProfile::new(&features(&[(1, 1.0), (3, 1.0)], &[], None), &idf);
        let rare = StoryProfile::new(&features(&[(2, 1.0), (3, 1.0)], &[], None), &idf);
        let a = Weighted::of(&features(&[(1, 1.0), (2, 1.0)], &[], None), &idf);
        assert!(rare.similarity(&a, &idf).0 > common.similarity(&a, &idf).0);
        let same = Weighted::of(&features(&[(2, 1.0), (3, 1.0)], &[], None), &idf);
        assert!((rare.similarity(&same, &idf).0 - 1.0).abs() < 1e-5);
        assert!((rare.similarity_to(&rare, &idf).0 - 1.0).abs() < 1e-5);
    }

    #[test]
    fn gap_is_zero_inside_the_span() {
        let idf = Idf::default();
        let mut p = StoryProfile::new(&features(&[(1, 1.0)], &[], Some(100)), &idf);
        p.add(&features(&[(1, 1.0)], &[], Some(110)), &idf);
        assert_eq!(p.gap_days(Some(105)), Some(0));
        assert_eq!(p.gap_days(Some(130)), Some(20));
        assert_eq!(p.gap_days(Some(90)), Some(10));
        assert_eq!(p.gap_days(None), None);
    }
}
