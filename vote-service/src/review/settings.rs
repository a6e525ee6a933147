//! The rules' thresholds (`--rules rules.yaml`): every setting has a documented default, and an unknown key is
//! refused so that a misspelt threshold never passes silently.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReviewError;

/// All thresholds. Each section may be left out (its defaults apply), and so may each key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The election's time zone (local days and the night's hours). Default `Asia/Shanghai`.
    pub time_zone: String,
    pub burst: Burst,
    pub concentration: Concentration,
    pub lockstep: Lockstep,
    pub night: Night,
    pub no_visit: NoVisit,
}

/// A case's votes per minute far above what its own share of the election predicts for that moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Burst {
    /// The sliding window, in minutes.
    pub window_minutes: u32,
    /// At least this many votes above the expected count in a window.
    pub min_excess: f64,
    /// Observed at least this many times the expected count.
    pub min_ratio: f64,
    /// And that many standard deviations (Poisson) above it.
    pub min_z: f64,
    /// A network is part of the burst when it gave the case at least this many votes in the burst ...
    pub min_network_votes: u32,
    /// ... and at least this share of all its votes in that time (a carrier's shared network votes for every case).
    pub network_share: f64,
    /// The burst's networks must carry at least this share of the excess; a surge spread over many networks (a case
    /// shared widely) is not a burst.
    pub min_excess_share: f64,
}

/// A large share of a case's votes from few networks, or from one User-Agent across many networks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Concentration {
    /// A network is over-represented when it gave the case at least this many votes ...
    pub min_network_votes: u32,
    /// ... and at least this many times what its votes for the other cases predict.
    pub network_ratio: f64,
    /// The over-represented networks of a case must hold at least this many votes together to be reported.
    pub min_votes: u32,
    /// A User-Agent is over-represented when it gave the case at least this many votes ...
    pub ua_min_votes: u32,
    /// ... its share of the case's votes is at least this many times its share of the other cases' votes ...
    pub ua_ratio: f64,
    /// ... and it voted from at least this many networks.
    pub ua_min_networks: u32,
}

/// The same networks voting for the same case day after day at the same minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lockstep {
    /// A network repeats a minute when it voted for the case at that minute of the day on at least this many days.
    pub min_days: u32,
    /// At least this many networks repeat the same minute.
    pub min_networks: u32,
    /// The chance that honest traffic repeats as much, over all cases and minutes of the day, is below this.
    pub max_chance: f64,
}

/// Votes at night that the city's daily rhythm does not explain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Night {
    /// The night, in local hours: from `from_hour`:00 to `to_hour`:00.
    pub from_hour: u8,
    pub to_hour: u8,
    /// At least this many night votes above the expected count in one night.
    pub min_excess: f64,
    pub min_ratio: f64,
    pub min_z: f64,
    /// When one User-Agent sent at least this share of the night's votes, the finding covers only its votes.
    pub dominant_ua_share: f64,
}

/// A case's votes jump with no page visited: votes that name no site (neither the hall's script nor its form,
/// which both send their origin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoVisit {
    /// At least this many votes without a site above the expected count in one local day.
    pub min_excess: f64,
    pub min_ratio: f64,
    pub min_z: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_zone: "Asia/Shanghai".to_owned(),
            burst: Burst::default(),
            concentration: Concentration::default(),
            lockstep: Lockstep::default(),
            night: Night::default(),
            no_visit: NoVisit::default(),
        }
    }
}

impl Default for Burst {
    fn default() -> Self {
        Burst {
            window_minutes: 10,
            min_excess: 100.0,
            min_ratio: 4.0,
            min_z: 8.0,
            min_network_votes: 10,
            network_share: 0.8,
            min_excess_share: 0.5,
        }
    }
}

impl Default for Concentration {
    fn default() -> Self {
        Concentration {
            min_network_votes: 30,
            network_ratio: 5.0,
            min_votes: 200,
            ua_min_votes: 200,
            ua_ratio: 10.0,
            ua_min_networks: 50,
        }
    }
}

impl Default for Lockstep {
    fn default() -> Self {
        Lockstep { min_days: 3, min_networks: 5, max_chance: 0.001 }
    }
}

impl Default for Night {
    fn default() -> Self {
        Night { from_hour: 1, to_hour: 5, min_excess: 100.0, min_ratio: 4.0, min_z: 8.0, dominant_ua_share: 0.8 }
    }
}

impl Default for NoVisit {
    fn default() -> Self {
        NoVisit { min_excess: 100.0, min_ratio: 4.0, min_z: 8.0 }
    }
}

impl Settings {
    /// Reads a rules file; a file that is not valid YAML, has an unknown key or an impossible value is an error
    /// naming the file (and the line, when the YAML parser knows it).
    pub fn load(path: &Path) -> Result<Self, ReviewError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ReviewError::Io { path: name.clone(), message: e.to_string() })?;
        let settings: Settings = if text.trim().is_empty() {
            Settings::default()
        } else {
            serde_yaml::from_str(&text).map_err(|e| {
                let line = e.location().map_or_else(String::new, |l| format!(":{}", l.line()));
                ReviewError::Settings { at: format!("{name}{line}"), message: e.to_string() }
            })?
        };
        settings.check().map_err(|message| ReviewError::Settings { at: name, message })?;
        Ok(settings)
    }

    /// Values that would make a rule meaningless.
    pub fn check(&self) -> Result<(), String> {
        self.time_zone()?;
        let night = &self.night;
        if night.from_hour >= night.to_hour || night.to_hour > 24 {
            return Err(format!(
                "night: from_hour ({}) must be before to_hour ({}), both within 0..=24",
                night.from_hour, night.to_hour
            ));
        }
        if self.burst.window_minutes == 0 || self.burst.window_minutes > 1440 {
            return Err("burst: window_minutes must be between 1 and 1440".to_owned());
        }
        if self.lockstep.min_days < 2 {
            return Err("lockstep: min_days must be at least 2 (a repeat needs two days)".to_owned());
        }
        Ok(())
    }

    /// The election's time zone.
    pub fn time_zone(&self) -> Result<jiff::tz::TimeZone, String> {
        jiff::tz::TimeZone::get(&self.time_zone)
            .map_err(|e| format!("time_zone: '{}' is not a known time zone ({e})", self.time_zone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Settings, String> {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("rules.yaml");
        std::fs::write(&path, text).expect("write");
        Settings::load(&path).map_err(|e| e.to_string())
    }

    #[test]
    fn a_rules_file_overrides_only_what_it_names() {
        let settings = load("burst:\n  min_excess: 50\n").expect("valid");
        assert_eq!(settings.burst.min_excess, 50.0);
        assert_eq!(settings.burst.window_minutes, 10);
        assert_eq!(settings.night, Night::default());
        assert_eq!(load("").expect("empty is the defaults"), Settings::default());
    }

    #[test]
    fn an_unknown_key_is_refused_with_the_file_and_line() {
        let error = load("burst:\n  min_excess: 50\n  min_exces: 3\n").expect_err("misspelt");
        assert!(error.contains("rules.yaml:3") && error.contains("unknown field `min_exces`"), "{error}");
        let error = load("nigth: {}\n").expect_err("misspelt section");
        assert!(error.contains("unknown field `nigth`"), "{error}");
        let error = load("night:\n  from_hour: 5\n  to_hour: 1\n").expect_err("impossible");
        assert!(error.contains("from_hour (5) must be before to_hour (1)"), "{error}");
        let error = load("time_zone: Mars/Olympus\n").expect_err("unknown zone");
        assert!(error.contains("Mars/Olympus"), "{error}");
    }
}
