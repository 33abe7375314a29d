//! Joining a story's names into entities, resolving speakers to them, and
//! merging the quotes several sources carry.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::gazetteer::gazetteer;
use super::lexicon::is_person_pronoun;
use super::{
    EntityArticle, EntityKind, Mention, Quote, QuoteSource, StoryAttributions, StoryEntity,
    StoryInput, StoryQuote,
};

/// The comparison form of a name: lower case, no dots, no possessive, and
/// no Arabic article ("al-Assad" and "Assad" are one name).
fn name_tokens(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(|w| {
            let w = w.to_lowercase().replace(['.', '’', '\''], "");

            let w = w
                .strip_prefix("al-")
                .or_else(|| w.strip_prefix("el-"))
                .unwrap_or(&w);
            // "Mt Cook" is "Mount Cook".
            if w == "mt" {
                "mount".to_string()
            } else {
                w.to_string()
            }
        })
        .filter(|w| {
            !w.is_empty() && !matches!(w.as_str(), "al" | "el" | "sr" | "jr" | "ii" | "iii")
        })
        .collect()
}

fn initials(tokens: &[String]) -> String {
    tokens
        .iter()
        .filter(|t| !matches!(t.as_str(), "of" | "the" | "and" | "for" | "de"))
        .filter_map(|t| t.chars().next())
        .collect()
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let next = self.0[y];
            self.0[y] = r;
            y = next;
        }
        r
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[rb.max(ra)] = rb.min(ra);
        }
    }
}

/// A distinct name of the story, before joining.
#[derive(Default)]
struct Name {
    tokens: Vec<String>,
    count: usize,
    kinds: HashMap<EntityKind, usize>,
    place: bool,
}

/// The entity of every name mention, per article and mention index.
struct Entities {
    list: Vec<StoryEntity>,
    /// (article index, mention index) → entity index in `list`.
    of_mention: HashMap<(usize, usize), usize>,
    /// Role key → entity index.
    by_role: HashMap<String, usize>,
}

fn build_entities(articles: &[StoryInput<'_>]) -> Entities {
    let g = gazetteer();
    // Names that speak are people's: (article, mention start) of every
    // speaker of a speech quote.
    let speakers: HashSet<(usize, usize)> = articles
        .iter()
        .enumerate()
        .flat_map(|(ai, a)| {
            a.attributions
                .quotes
                .iter()
                .filter(|q| q.speech)
                .filter_map(move |q| q.speaker_span.map(|s| (ai, s.start)))
        })
        .collect();
    // Distinct names: places by their gazetteer name (a capital standing
    // for its government joins its country), others by their tokens.
    let mut names: Vec<Name> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::default();
    let mut mention_name: HashMap<(usize, usize), usize> = HashMap::default();
    for (ai, a) in articles.iter().enumerate() {
        for (mi, m) in a.attributions.mentions.iter().enumerate() {
            if m.role {
                continue;
            }
            let (key, tokens, place) = match g.place(&m.name) {
                Some(p) => {
                    let p = if m.metonym {
                        g.places[p].capital_of.unwrap_or(p)
                    } else {
                        p
                    };
                    let name = &g.places[p].name;
                    (format!("place:{name}"), name_tokens(name), true)
                }
                None => {
                    let t = name_tokens(&m.name);
                    if t.is_empty() {
                        continue;
                    }
                    (t.join(" "), t, false)
                }
            };
            let id = *index.entry(key).or_insert_with(|| {
                names.push(Name {
                    tokens,
                    place,
                    ..Name::default()
                });
                names.len() - 1
            });
            names[id].count += 1;
            if let Some(k) = m.kind {
                *names[id].kinds.entry(k).or_default() += 1;
            }
            mention_name.insert((ai, mi), id);
        }
    }
    let kind_of = |n: &Name| -> Option<EntityKind> {
        if n.place {
            return Some(EntityKind::Place);
        }
        n.kinds
            .iter()
            .max_by_key(|(k, c)| (**c, **k == EntityKind::Person))
            .map(|(k, _)| *k)
    };
    let mut uf = UnionFind((0..names.len()).collect());
    // Full names that share a surname and a first name: "Bashar al-Assad",
    // "Bashar Assad".
    let mut by_last: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, n) in names.iter().enumerate() {
        if !n.place && n.tokens.len() >= 2 && kind_of(n) != Some(EntityKind::Organization) {
            by_last.entry(n.tokens.last().unwrap()).or_default().push(i);
        }
    }
    for group in by_last.values() {
        for (x, &i) in group.iter().enumerate() {
            for &j in &group[x + 1..] {
                let (a, b) = (&names[i].tokens, &names[j].tokens);
                let first_match = a[0] == b[0]
                    || (a[0].len() == 1 && b[0].starts_with(&a[0]))
                    || (b[0].len() == 1 && a[0].starts_with(&b[0]));
                if first_match {
                    uf.union(i, j);
                }
            }
        }
    }
    // A surname alone joins the full name it ends (the most mentioned one
    // when several do); a first name alone joins the one full name it opens.
    let cluster_count = |uf: &mut UnionFind, names: &[Name], i: usize| -> usize {
        let r = uf.find(i);
        (0..names.len())
            .filter(|&j| uf.find(j) == r)
            .map(|j| names[j].count)
            .sum()
    };
    for i in 0..names.len() {
        if names[i].place
            || names[i].tokens.len() != 1
            || kind_of(&names[i]) == Some(EntityKind::Organization) && names[i].tokens[0].len() <= 4
        {
            continue;
        }
        let t = names[i].tokens[0].clone();
        let mut best: Option<(usize, usize)> = None;
        if let Some(group) = by_last.get(t.as_str()) {
            for &j in group {
                let c = cluster_count(&mut uf, &names, j);
                if best.is_none_or(|b| c > b.1) {
                    best = Some((j, c));
                }
            }
        }
        if best.is_none() {
            let firsts: Vec<usize> = (0..names.len())
                .filter(|&j| {
                    !names[j].place
                        && names[j].tokens.len() >= 2
                        && names[j].tokens[0] == t
                        && matches!(kind_of(&names[j]), Some(EntityKind::Person) | None)
                })
                .collect();
            let roots: HashSet<usize> = firsts.iter().map(|&j| uf.find(j)).collect();
            if roots.len() == 1 {
                best = Some((firsts[0], 0));
            }
        }
        if let Some((j, _)) = best {
            uf.union(i, j);
        }
    }
    // A short form of an organisation or place joins the one longer name
    // it ends: "the Times" and "The New York Times", "Navy" and "Indian
    // Navy". (Not the one it begins: "Timaru" is not the "Timaru Herald".)
    for i in 0..names.len() {
        // Only names known to be organisations or places: a bare surname
        // is handled above.
        if names[i].place
            || !matches!(
                kind_of(&names[i]),
                Some(EntityKind::Organization | EntityKind::Place)
            )
        {
            continue;
        }
        let short = &names[i].tokens;
        let longer: Vec<usize> = (0..names.len())
            .filter(|&j| {
                let long = &names[j].tokens;
                j != i
                    && !names[j].place
                    && long.len() > short.len()
                    && kind_of(&names[j]) == kind_of(&names[i])
                    && long.ends_with(short)
            })
            .collect();
        let roots: HashSet<usize> = longer.iter().map(|&j| uf.find(j)).collect();
        if roots.len() == 1 {
            uf.union(i, longer[0]);
        }
    }
    // Acronyms join the name they abbreviate: "NATO", "North Atlantic
    // Treaty Organisation".
    for i in 0..names.len() {
        if names[i].tokens.len() == 1 && !names[i].place {
            let a = &names[i].tokens[0];
            if a.len() < 2 {
                continue;
            }
            if let Some(j) = (0..names.len())
                .find(|&j| j != i && names[j].tokens.len() >= 2 && initials(&names[j].tokens) == *a)
            {
                uf.union(i, j);
            }
        }
    }

    // Entities: clusters of names, with every mention's surface form.
    let mut cluster_of: HashMap<usize, usize> = HashMap::default();
    struct Draft {
        names: Vec<usize>,
        forms: HashMap<String, usize>,
        name_texts: HashMap<String, usize>,
        per_article: HashMap<usize, usize>,
        kinds: HashMap<EntityKind, usize>,
        mentions: usize,
        place: bool,
    }
    let mut drafts: Vec<Draft> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let r = uf.find(i);
        let d = *cluster_of.entry(r).or_insert_with(|| {
            drafts.push(Draft {
                names: Vec::new(),
                forms: HashMap::default(),
                name_texts: HashMap::default(),
                per_article: HashMap::default(),
                kinds: HashMap::default(),
                mentions: 0,
                place: false,
            });
            drafts.len() - 1
        });
        drafts[d].names.push(i);
        drafts[d].place |= name.place;
        for (k, c) in &name.kinds {
            *drafts[d].kinds.entry(*k).or_default() += c;
        }
    }
    let mut of_mention_draft: HashMap<(usize, usize), usize> = HashMap::default();
    let mut role_votes: HashMap<String, HashMap<usize, usize>> = HashMap::default();
    for (&(ai, mi), &n) in &mention_name {
        let d = cluster_of[&uf.find(n)];
        let m: &Mention = &articles[ai].attributions.mentions[mi];
        *drafts[d].forms.entry(m.text.clone()).or_default() += 1;
        *drafts[d].name_texts.entry(m.name.clone()).or_default() += 1;
        *drafts[d].per_article.entry(ai).or_default() += 1;
        drafts[d].mentions += 1;
        of_mention_draft.insert((ai, mi), d);
        // A one-word name that speaks is a person's surname ("Lavrov
        // said"); a longer one may be a company's ("Trend Micro said").
        if m.kind.is_none() && !m.name.contains(' ') && speakers.contains(&(ai, m.span.start)) {
            *drafts[d].kinds.entry(EntityKind::Person).or_default() += 1;
        }
        for t in &m.titles {
            *role_votes
                .entry(t.clone())
                .or_default()
                .entry(d)
                .or_default() += 1;
        }
    }
    // Role phrases resolve to the entity the story gives that role.
    let mut by_role_draft: HashMap<String, usize> = HashMap::default();
    for (role, votes) in &role_votes {
        if let Some((&d, _)) = votes
            .iter()
            .max_by_key(|(d, c)| (**c, drafts[**d].mentions))
        {
            by_role_draft.insert(role.clone(), d);
        }
    }
    for (ai, a) in articles.iter().enumerate() {
        for (mi, m) in a.attributions.mentions.iter().enumerate() {
            if !m.role {
                continue;
            }
            if let Some(d) = resolve_role(&by_role_draft, &m.name) {
                *drafts[d].forms.entry(m.text.clone()).or_default() += 1;
                *drafts[d].per_article.entry(ai).or_default() += 1;
                drafts[d].mentions += 1;
                of_mention_draft.insert((ai, mi), d);
            }
        }
    }

    // Entities, most mentioned first.
    let mut order: Vec<usize> = (0..drafts.len())
        .filter(|&d| drafts[d].mentions > 0)
        .collect();
    order.sort_by_key(|&d| std::cmp::Reverse(drafts[d].mentions));
    let mut list = Vec::new();
    let mut new_index: HashMap<usize, usize> = HashMap::default();
    for &d in &order {
        let dr = &drafts[d];
        let kind = if dr.place {
            EntityKind::Place
        } else if let Some((k, _)) = dr
            .kinds
            .iter()
            .max_by_key(|(k, c)| (**c, **k == EntityKind::Person))
        {
            *k
        } else {
            // Nothing says: a person's name would have shown a title, a
            // given name or a quote by now.
            EntityKind::Organization
        };
        let mut forms: Vec<(&String, &usize)> = dr.forms.iter().collect();
        forms.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        // The fullest name: for a place its gazetteer name, else the
        // name (titles left out) with the most words, then the most used.
        let name = if dr.place {
            let n = dr
                .names
                .iter()
                .find(|&&n| names[n].place)
                .copied()
                .unwrap_or(dr.names[0]);
            let key = names[n].tokens.join(" ");
            g.place(&key)
                .map(|p| g.places[p].name.clone())
                .unwrap_or_else(|| forms[0].0.clone())
        } else {
            dr.name_texts
                .iter()
                .max_by_key(|(f, c)| {
                    (
                        f.split_whitespace().count().min(4),
                        **c,
                        std::cmp::Reverse((*f).clone()),
                    )
                })
                .map(|(f, _)| f.clone())
                .unwrap_or_else(|| forms[0].0.clone())
        };
        let aliases: Vec<String> = forms
            .iter()
            .map(|(f, _)| (*f).clone())
            .filter(|f| *f != name)
            .collect();
        let mut per: Vec<(usize, usize)> = dr.per_article.iter().map(|(a, c)| (*a, *c)).collect();
        per.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        new_index.insert(d, list.len());
        list.push(StoryEntity {
            id: list.len() + 1,
            name,
            kind,
            aliases,
            mentions: dr.mentions,
            articles: per
                .into_iter()
                .map(|(a, c)| EntityArticle {
                    article: articles[a].id,
                    ref_id: articles[a].ref_id.map(str::to_string),
                    mentions: c,
                })
                .collect(),
        });
    }
    Entities {
        of_mention: of_mention_draft
            .into_iter()
            .filter_map(|(k, d)| new_index.get(&d).map(|&e| (k, e)))
            .collect(),
        by_role: by_role_draft
            .into_iter()
            .filter_map(|(k, d)| new_index.get(&d).map(|&e| (k, e)))
            .collect(),
        list,
    }
}

/// The entity a role ("secretary of state") stands for: the exact role,
/// or a role with the same head noun ("secretary").
fn resolve_role(by_role: &HashMap<String, usize>, role: &str) -> Option<usize> {
    if let Some(&d) = by_role.get(role) {
        return Some(d);
    }
    let head = role.split(" of ").next().unwrap_or(role);
    let mut hits: Vec<(&String, &usize)> = by_role
        .iter()
        .filter(|(r, _)| r.split(" of ").next() == Some(head))
        .collect();
    hits.sort();
    hits.dedup_by_key(|h| *h.1);
    (hits.len() == 1).then(|| *hits[0].1)
}

/// The entity a quote's speaker stands for in article `ai`.
fn resolve_speaker(
    entities: &Entities,
    ai: usize,
    input: &StoryInput<'_>,
    quote: &Quote,
) -> Option<usize> {
    let span = quote.speaker_span?;
    let speaker = quote.speaker.as_deref()?.to_lowercase();
    let mentions = &input.attributions.mentions;
    // A name or role phrase the mention finder saw at the speaker.
    // The last one: a speaker phrase ends with its name ("Britain's U.N.
    // Ambassador Matthew Rycroft").
    if let Some(mi) = mentions.iter().rposition(|m| {
        m.span.start < span.end && span.start < m.span.end && m.span.end + 2 >= span.end
    }) && let Some(&e) = entities.of_mention.get(&(ai, mi))
    {
        return Some(e);
    }
    if is_person_pronoun(&speaker) && speaker != "i" {
        // The nearest person named before, outside any quotation.
        let quoted: Vec<(usize, usize)> = input
            .attributions
            .quotes
            .iter()
            .filter(|q| q.kind == super::QuoteKind::Direct)
            .map(|q| (q.span.start, q.span.end))
            .collect();
        return mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.span.end <= span.start)
            .filter(|(_, m)| {
                !quoted
                    .iter()
                    .any(|&(a, b)| a <= m.span.start && m.span.end <= b)
            })
            .filter_map(|(mi, _)| entities.of_mention.get(&(ai, mi)).copied())
            .rfind(|&e| entities.list[e].kind == EntityKind::Person);
    }
    // A role phrase: "the secretary of state", "a Kremlin spokesman".
    let words: Vec<&str> = speaker.split_whitespace().collect();
    let role = super::names::role_key(&words)?;
    if words.first().is_some_and(|w| *w == "the") {
        return resolve_role(&entities.by_role, &role);
    }
    None
}

/// The words a quote is compared by.
fn quote_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect()
}

/// Joins a story's entities and quotes across its articles, given in
/// story order (oldest first).
pub fn join_story(articles: &[StoryInput<'_>]) -> StoryAttributions {
    let entities = build_entities(articles);
    // Every quote of every article, with its speaker resolved.
    struct Item {
        ai: usize,
        qi: usize,
        entity: Option<usize>,
        words: Vec<String>,
        set: HashSet<String>,
    }
    let mut items: Vec<Item> = Vec::new();
    for (ai, a) in articles.iter().enumerate() {
        for (qi, q) in a.attributions.quotes.iter().enumerate() {
            // Beliefs and findings ("believes", "shows") are attributions,
            // not things said.
            if !q.speech {
                continue;
            }
            let words = quote_words(&q.text);
            items.push(Item {
                ai,
                qi,
                entity: resolve_speaker(&entities, ai, a, q),
                set: words.iter().cloned().collect(),
                words,
            });
        }
    }
    // The same quote in several sources: one quote's words mostly inside
    // the other's ("very bad for mankind" inside the longer version).
    let mut uf = UnionFind((0..items.len()).collect());
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, it) in items.iter().enumerate() {
        for w in &it.set {
            if w.len() > 3 {
                by_word.entry(w.as_str()).or_default().push(i);
            }
        }
    }
    for i in 0..items.len() {
        let mut shared: HashMap<usize, usize> = HashMap::default();
        for w in &items[i].set {
            if let Some(list) = by_word.get(w.as_str()) {
                if list.len() > 50 {
                    continue;
                }
                for &j in list {
                    if j > i {
                        *shared.entry(j).or_default() += 1;
                    }
                }
            }
        }
        for (j, _) in shared {
            let (a, b) = (&items[i].set, &items[j].set);
            let small = a.len().min(b.len());
            if small < 4 {
                continue;
            }
            let common = a.intersection(b).count();
            // Quoted words are one quote when most of the shorter version
            // is in the longer; reported speech only when nearly all of it
            // is (facts many sources report alike are not one quote).
            let quoted = |it: &Item| {
                articles[it.ai].attributions.quotes[it.qi].kind != super::QuoteKind::Indirect
            };
            let need = if quoted(&items[i]) && quoted(&items[j]) {
                0.75
            } else {
                0.9
            };
            if common as f64 >= need * small as f64 {
                uf.union(i, j);
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::default();
    for i in 0..items.len() {
        groups.entry(uf.find(i)).or_default().push(i);
    }
    let mut quotes: Vec<(usize, StoryQuote)> = Vec::new();
    for (_, members) in groups {
        let first = members[0];
        let sources: Vec<QuoteSource> = members
            .iter()
            .map(|&m| {
                let it = &items[m];
                let a = &articles[it.ai];
                let q = &a.attributions.quotes[it.qi];
                QuoteSource {
                    article: a.id,
                    ref_id: a.ref_id.map(str::to_string),
                    source: a.source.map(str::to_string),
                    kind: q.kind,
                    text: q.text.clone(),
                    cue: q.cue.clone(),
                    speaker: q.speaker.clone(),
                    speaker_resolved: it.entity.map(|e| entities.list[e].name.clone()),
                    entity: it.entity.map(|e| e + 1),
                    span: q.span,
                }
            })
            .collect();
        let wording_differs = members
            .iter()
            .any(|&m| items[m].words != items[first].words);
        let speakers: HashSet<String> = members
            .iter()
            .filter_map(|&m| {
                let it = &items[m];
                match it.entity {
                    Some(e) => Some(format!("#{e}")),
                    None => {
                        let q = &articles[it.ai].attributions.quotes[it.qi];
                        q.speaker
                            .as_deref()
                            .map(str::to_lowercase)
                            .filter(|s| !super::lexicon::is_pronoun(s))
                    }
                }
            })
            .collect();
        let head = &sources[0];
        let first_q = &articles[items[first].ai].attributions.quotes[items[first].qi];
        quotes.push((
            first,
            StoryQuote {
                article: head.article,
                ref_id: head.ref_id.clone(),
                kind: head.kind,
                text: head.text.clone(),
                cue: head.cue.clone(),
                speaker: head.speaker.clone(),
                speaker_resolved: head.speaker_resolved.clone(),
                entity: head.entity,
                span: first_q.span,
                wording_differs,
                speakers_differ: speakers.len() > 1,
                sources,
            },
        ));
    }
    quotes.sort_by(|a, b| {
        b.1.sources
            .len()
            .cmp(&a.1.sources.len())
            .then(a.0.cmp(&b.0))
    });
    // The story's support is the most any of its articles has.
    let support = if articles.is_empty()
        || articles
            .iter()
            .any(|a| a.attributions.support == super::Support::Full)
    {
        super::Support::Full
    } else if articles
        .iter()
        .any(|a| a.attributions.support == super::Support::Names)
    {
        super::Support::Names
    } else {
        super::Support::None
    };
    StoryAttributions {
        quotes: quotes.into_iter().map(|(_, q)| q).collect(),
        entities: entities.list,
        support,
    }
}
