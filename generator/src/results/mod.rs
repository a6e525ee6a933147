//! The results of the selection, once the vote is over: shortlist, scores, typical cases (典型案例) and the
//! organisation award (优秀组织奖).
//!
//! The pipeline follows the data: [`crate::content::result_files`] reads the tally and the panels' marks;
//! [`validate`] checks them against the cases; [`integrity`] checks the decisions on ballot stuffing, the review
//! report and the receipts against the tally, and [`published_hashes`] the closing hashes published during the vote
//! ([`receipts`] makes the receipt check's files, [`redact`] takes the
//! networks out of what is published); [`scoring`] does the arithmetic; [`influence`] measures how much each
//! part moved the ranking; [`publish`] writes `api/results.json` and the CSV; [`explain`] tells one case's story for
//! `generator explain`.
//!
//! Stages: with no input file there are no results; with the tally only, the shortlist (入围名单) is published, so
//! that the panels know what to mark; with the tally and both panels' marks, the final results. Anything in between
//! (marks without a tally, one panel without the other) is an error, never a half result.

pub mod explain;
pub mod influence;
pub mod integrity;
pub mod objections;
pub mod publish;
pub mod published_hashes;
pub mod receipts;
pub mod redact;
pub mod scoring;
pub mod sheets;
pub mod validate;

use std::collections::{BTreeMap, HashMap};

use crate::content::result_files::{InputFile, Panel, ResultFiles};
use crate::diagnostics::{Problem, Report};
use crate::model::site::{Scoring, Site};
use influence::Influence;
use integrity::Integrity;
use scoring::{Entrant, Panels, Standing};

/// How far the selection has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The vote is counted: the shortlist is known, the panels have not marked yet.
    Shortlist,
    /// The panels have marked: composites, typical cases and the organisation award.
    Final,
}

/// The public facts of a case that the results need.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub id: String,
    pub title: String,
    pub category: String,
    pub recommender: String,
}

/// One input file as the results name it.
#[derive(Debug, Clone)]
pub struct InputRef {
    /// Path below `content/`, e.g. `scores/expert.yaml`.
    pub name: String,
    pub sha256: String,
    /// The file itself, published beside the results so that anyone can recompute them.
    pub text: String,
}

/// What the tally says about itself.
#[derive(Debug, Clone)]
pub struct TallySummary {
    pub exported_at: String,
    pub total_votes: u64,
    pub sources: Vec<(String, u64)>,
}

/// One recommender's line in the organisation award table.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationRow {
    pub recommender: String,
    pub approved: usize,
    pub shortlisted: usize,
    pub winners: usize,
    /// Mean composite of its shortlisted cases (final stage, at least one shortlisted).
    pub mean_composite: Option<f64>,
    /// 1-based place; equal lines share a place.
    pub place: usize,
    pub awarded: bool,
}

/// Everything the results pages, files and `explain` show.
#[derive(Debug, Clone)]
pub struct Results {
    pub stage: Stage,
    pub settings: Scoring,
    /// Every approved case: per category (taxonomy order), ranked cases first by rank, then the others by votes, then
    /// the disqualified (vote rank 0).
    pub standings: Vec<Standing>,
    /// The same selection under the other vote normalisation (final stage).
    pub alternative: Option<Vec<Standing>>,
    pub influence: Option<Influence>,
    pub organisations: Vec<OrganisationRow>,
    pub inputs: Vec<InputRef>,
    pub tally: TallySummary,
    /// The integrity statement: decisions, votes before and after, each day's closing hash, the receipts.
    pub integrity: Integrity,
    /// How many members of the media and of the expert panel were recused (回避) from each case, by id; only the
    /// mark sheets record recusals.
    pub recused: BTreeMap<String, [usize; 2]>,
    /// The objections of the publicity period (公示), as checked.
    pub objections: Vec<crate::content::objections_file::Objection>,
}

impl Results {
    pub fn standing(&self, id: &str) -> Option<&Standing> {
        self.standings.iter().find(|s| s.id == id)
    }

    pub fn alternative_of(&self, id: &str) -> Option<&Standing> {
        self.alternative.as_ref()?.iter().find(|s| s.id == id)
    }

    /// Every case's standing under the other vote score, by id (empty before the panels mark).
    pub fn alternatives(&self) -> HashMap<&str, &Standing> {
        self.alternative.iter().flatten().map(|s| (s.id.as_str(), s)).collect()
    }

    /// How many typical cases the results name.
    pub fn winner_count(&self) -> usize {
        self.standings.iter().filter(|s| s.winner).count()
    }
}

/// Reads the stage the input files are at and computes the results, reporting every problem into `report`.
/// `None` when there are no inputs yet or when the report holds any error: call it once the cases are sound, after
/// reading `files`, so that every problem of every input file is reported at once.
pub fn evaluate(site: &Site, cases: &[CaseFacts], files: &ResultFiles, report: &mut Report) -> Option<Results> {
    if files.is_empty() {
        if let Some(objections) = &files.objections {
            let message = "not published yet: there are no results, and objections answer the publicity of the \
                           final results";
            report.push(Problem::warning(&objections.file.path, None, "objections", message));
        }
        return None;
    }
    let marks_present: Vec<Panel> = [Panel::Media, Panel::Expert].into_iter().filter(|p| files.has_panel(*p)).collect();
    if !files.has_tally() {
        for path in &files.present {
            let is_panel =
                [Panel::Media, Panel::Expert].iter().any(|p| *path == ResultFiles::panel_path(&files.root, *p));
            let (field, message) = if is_panel {
                (
                    "scores".to_owned(),
                    "there is no votes/tally.json: the panels mark the shortlist, which the tally decides; \
                     commit the tally exported by `vote-service export` first"
                        .to_owned(),
                )
            } else {
                let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                let message = format!(
                    "there is no votes/tally.json: {name} goes with the tally `vote-service export --decisions` \
                     writes; commit that tally too"
                );
                (name, message)
            };
            report.push(Problem::error(path, None, &field, message));
        }
        return None;
    }
    if marks_present.len() == 1 {
        let (here, missing) = match marks_present[0] {
            Panel::Media => (Panel::Media, Panel::Expert),
            Panel::Expert => (Panel::Expert, Panel::Media),
        };
        report.push(Problem::error(
            &ResultFiles::panel_path(&files.root, missing),
            None,
            missing.file_name(),
            format!(
                "not found, but {} is there: the results need the marks of both panels; \
                 until then remove {} to publish the shortlist",
                here.file_name(),
                here.file_name()
            ),
        ));
        return None;
    }
    let tally_file = files.tally.as_ref()?;
    let tally = &tally_file.tally;
    let by_id: BTreeMap<String, String> = cases.iter().map(|c| (c.id.clone(), c.category.clone())).collect();
    validate::tally(tally_file, site, &by_id, report);
    let integrity = integrity::check(files, tally_file, &by_id, report);

    let category_index = |c: &str| site.taxonomy.categories.iter().position(|t| t.id == c).unwrap_or(usize::MAX);
    // A disqualified case (取消资格) leaves the selection: it is neither shortlisted nor ranked.
    let mut entrants: Vec<Entrant> = cases
        .iter()
        .filter(|c| !integrity.disqualified.contains_key(&c.id))
        .map(|c| Entrant {
            id: c.id.clone(),
            category: c.category.clone(),
            recommender: c.recommender.clone(),
            votes: tally.totals.get(&c.id).copied().unwrap_or(0),
        })
        .collect();
    entrants.sort_by(|a, b| (category_index(&a.category), &a.id).cmp(&(category_index(&b.category), &b.id)));
    let settings = site.scoring.clone();
    let shortlist = scoring::shortlist(&entrants, &settings);

    let mut inputs = vec![input_ref(&tally_file.file)];
    let mut redactor = redact::Redactor::default();
    for file in
        [files.decisions.as_ref().map(|d| &d.file), files.review.as_ref().map(|r| &r.file)].into_iter().flatten()
    {
        inputs.push(redacted_ref(file, &mut redactor));
    }
    let mut recused: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    let panels = if marks_present.len() == 2 {
        let (media, expert) = (files.media.as_ref()?, files.expert.as_ref()?);
        let titles: BTreeMap<String, String> = cases.iter().map(|c| (c.id.clone(), c.title.clone())).collect();
        validate::panel(media, &shortlist, &titles, report);
        validate::panel(expert, &shortlist, &titles, report);
        inputs.push(input_ref(&media.file));
        inputs.push(input_ref(&expert.file));
        for (k, panel) in [media, expert].into_iter().enumerate() {
            for (id, codes) in &panel.recused {
                recused.entry(id.clone()).or_default()[k] = codes.len();
            }
        }
        Some(Panels { media: media.marks.clone(), expert: expert.marks.clone() })
    } else {
        None
    };
    let stage = if panels.is_some() { Stage::Final } else { Stage::Shortlist };
    if let Some(objections) = &files.objections {
        objections::check(objections, site.publicity.as_ref(), stage, cases, &integrity.disqualified, report);
    }
    if report.has_errors() {
        return None;
    }

    let mut standings = scoring::standings(&entrants, panels.as_ref(), &settings);
    add_disqualified(&mut standings, cases, tally, &integrity);
    let alternative = panels.as_ref().map(|p| {
        let other = Scoring { vote_normalisation: settings.vote_normalisation.other(), ..settings.clone() };
        scoring::standings(&entrants, Some(p), &other)
    });
    let influence = panels.as_ref().map(|_| influence::influence(&standings, settings.weights));
    let in_selection: Vec<Standing> =
        standings.iter().filter(|s| !integrity.disqualified.contains_key(&s.id)).cloned().collect();
    let organisations = organisations(&in_selection, stage, settings.organisation_awards);
    Some(Results {
        stage,
        settings,
        standings,
        alternative,
        influence,
        organisations,
        inputs,
        tally: TallySummary {
            exported_at: tally.exported_at.clone(),
            total_votes: tally.total_votes,
            sources: tally.sources.iter().map(|s| (s.name.clone(), s.votes)).collect(),
        },
        integrity,
        recused,
        objections: files.objections.as_ref().map(|o| o.objections.clone()).unwrap_or_default(),
    })
}

fn input_ref(file: &InputFile) -> InputRef {
    InputRef { name: file.name.clone(), sha256: file.sha256.clone(), text: file.text.clone() }
}

/// An input published without the networks it names, with the SHA-256 of the published copy.
fn redacted_ref(file: &InputFile, redactor: &mut redact::Redactor) -> InputRef {
    use sha2::Digest;
    let text = redactor.redact(&file.text);
    let sha256 = crate::text::hex(&sha2::Sha256::digest(text.as_bytes()));
    InputRef { name: file.name.clone(), sha256, text }
}

/// Puts each disqualified case after the other cases of its category: not shortlisted, no vote rank (0).
fn add_disqualified(
    standings: &mut Vec<Standing>,
    cases: &[CaseFacts],
    tally: &vote_service::tally::Tally,
    integrity: &Integrity,
) {
    for case in cases.iter().filter(|c| integrity.disqualified.contains_key(&c.id)) {
        let standing = Standing {
            id: case.id.clone(),
            category: case.category.clone(),
            recommender: case.recommender.clone(),
            votes: tally.totals.get(&case.id).copied().unwrap_or(0),
            vote_rank: 0,
            shortlisted: false,
            vote_score: None,
            media: None,
            expert: None,
            composite: None,
            rank: None,
            winner: false,
        };
        let at = standings.iter().rposition(|s| s.category == case.category).map_or(standings.len(), |i| i + 1);
        standings.insert(at, standing);
    }
}

/// The organisation award table: per recommender, approved, shortlisted and winning cases and the mean composite,
/// ranked by those four in that order (most first), then by name. The first `awards` places (ties included) are
/// awarded, in the final stage only.
pub fn organisations(standings: &[Standing], stage: Stage, awards: usize) -> Vec<OrganisationRow> {
    let mut by_recommender: BTreeMap<&str, Vec<&Standing>> = BTreeMap::new();
    for s in standings {
        by_recommender.entry(&s.recommender).or_default().push(s);
    }
    let mut rows: Vec<OrganisationRow> = by_recommender
        .into_iter()
        .map(|(recommender, cases)| {
            let composites: Vec<f64> = cases.iter().filter_map(|s| s.composite).collect();
            OrganisationRow {
                recommender: recommender.to_owned(),
                approved: cases.len(),
                shortlisted: cases.iter().filter(|s| s.shortlisted).count(),
                winners: cases.iter().filter(|s| s.winner).count(),
                mean_composite: (!composites.is_empty())
                    .then(|| composites.iter().sum::<f64>() / composites.len() as f64),
                place: 0,
                awarded: false,
            }
        })
        .collect();
    let merit = |r: &OrganisationRow| {
        std::cmp::Reverse((r.approved, r.shortlisted, r.winners, r.mean_composite.map_or(i64::MIN, scoring::key)))
    };
    rows.sort_by(|a, b| merit(a).cmp(&merit(b)).then_with(|| a.recommender.cmp(&b.recommender)));
    for i in 0..rows.len() {
        rows[i].place = if i > 0 && merit(&rows[i]) == merit(&rows[i - 1]) { rows[i - 1].place } else { i + 1 };
        rows[i].awarded = stage == Stage::Final && rows[i].place <= awards;
    }
    rows
}
