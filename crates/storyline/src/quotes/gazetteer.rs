//! The places Storyline knows by name (`places.tsv`, shipped in the
//! crate): countries with their other names, demonyms and capitals,
//! regions, states and large cities.

use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;

/// What kind of place an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A sovereign country.
    Country,
    /// A region, continent or part of a country.
    Region,
    /// A state or province.
    State,
    /// A city.
    City,
}

/// One place.
#[derive(Debug)]
pub struct Place {
    /// Its usual name.
    pub name: String,
    /// What it is.
    pub kind: PlaceKind,
    /// For a capital city: the country it is the capital of.
    pub capital_of: Option<usize>,
}

/// The place list with lookups by name.
pub struct Gazetteer {
    /// Every place.
    pub places: Vec<Place>,
    by_name: HashMap<String, usize>,
    by_demonym: HashMap<String, usize>,
}

/// The lookup key of a name: lower case, without dots or a leading "the".
pub fn key(name: &str) -> String {
    let lower = name
        .to_lowercase()
        .replace(['.', '’'], "")
        .replace('\'', "");
    let trimmed = lower.strip_prefix("the ").unwrap_or(&lower);
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Gazetteer {
    fn load() -> Gazetteer {
        let mut g = Gazetteer {
            places: Vec::new(),
            by_name: HashMap::default(),
            by_demonym: HashMap::default(),
        };
        let data = include_str!("places.tsv");
        let mut capitals: Vec<(String, usize)> = Vec::new();
        for line in data.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let kind = match cols.get(1).copied() {
                Some("country") => PlaceKind::Country,
                Some("region") => PlaceKind::Region,
                Some("state") => PlaceKind::State,
                _ => PlaceKind::City,
            };
            let id = g.places.len();
            g.places.push(Place {
                name: cols[0].to_string(),
                kind,
                capital_of: None,
            });
            g.by_name.entry(key(cols[0])).or_insert(id);
            for alias in cols
                .get(2)
                .unwrap_or(&"")
                .split('|')
                .filter(|a| !a.is_empty())
            {
                g.by_name.entry(key(alias)).or_insert(id);
            }
            for d in cols
                .get(3)
                .unwrap_or(&"")
                .split('|')
                .filter(|a| !a.is_empty())
            {
                g.by_demonym.entry(key(d)).or_insert(id);
            }
            for c in cols
                .get(4)
                .unwrap_or(&"")
                .split('|')
                .filter(|a| !a.is_empty())
            {
                capitals.push((c.to_string(), id));
            }
        }
        for (name, country) in capitals {
            let k = key(&name);
            match g.by_name.get(&k) {
                Some(&city) if g.places[city].kind == PlaceKind::City => {
                    g.places[city].capital_of = Some(country);
                }
                Some(_) => {}
                None => {
                    let id = g.places.len();
                    g.places.push(Place {
                        name,
                        kind: PlaceKind::City,
                        capital_of: Some(country),
                    });
                    g.by_name.insert(k, id);
                }
            }
        }
        g
    }

    /// The place a name (or alias) names.
    pub fn place(&self, name: &str) -> Option<usize> {
        self.by_name.get(&key(name)).copied()
    }

    /// The country or region a demonym ("Russian") belongs to.
    pub fn demonym(&self, word: &str) -> Option<usize> {
        self.by_demonym.get(&key(word)).copied()
    }
}

/// The shipped gazetteer, loaded once.
pub fn gazetteer() -> &'static Gazetteer {
    static G: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::load);
    &G
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_demonyms_and_capitals_resolve() {
        let g = gazetteer();
        let russia = g.place("Russia").unwrap();
        assert_eq!(g.place("Russian Federation"), Some(russia));
        assert_eq!(g.demonym("Russian"), Some(russia));
        let moscow = g.place("Moscow").unwrap();
        assert_eq!(g.places[moscow].capital_of, Some(russia));
        assert_eq!(g.place("U.S."), g.place("United States"));
        assert_eq!(g.place("the United States"), g.place("USA"));
        assert!(g.place("Tillerson").is_none());
    }
}
