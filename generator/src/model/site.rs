//! [`Site`]: `content/site.yaml`, the settings of the whole selection: the site, the election, the notice's rules with
//! their parameters, the scoring settings and the taxonomy of categories and domains.
//!
//! Nothing of the notice is hard-coded: a new year's selection is a new `site.yaml`.
//!
//! Unknown keys are not refused by serde here but by [`crate::content::site_keys`], which reports every one with a
//! suggestion and lets the rest of the file be checked.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The whole of `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Site {
    /// The hall's title, e.g. 2020青岛信息化典型案例网上展厅.
    pub title: String,
    /// Absolute URL the site is published at, used in the sitemap and the feed.
    pub base_url: String,
    /// BCP 47 language tag of the pages.
    #[serde(default = "default_language")]
    pub language: String,
    /// One or two sentences shown on the home page and in search results.
    #[serde(default)]
    pub description: String,
    /// Who runs the selection (主办单位), shown in the footer.
    #[serde(default)]
    pub organisers: Vec<String>,
    pub election: Election,
    pub rules: Rules,
    #[serde(default)]
    pub scoring: Scoring,
    pub taxonomy: Taxonomy,
    /// Ids of cases shown first on the home page.
    #[serde(default)]
    pub featured: Vec<String>,
    /// Cases on one page of a category or domain listing.
    #[serde(default = "default_listing_page_size")]
    pub listing_page_size: usize,
    /// How `generator import` reads the submission system's export.
    #[serde(default)]
    pub import: ImportSettings,
    /// The publicity period (公示) of the proposed results, with the year's holiday calendar.
    #[serde(default)]
    pub publicity: Option<super::publicity::Publicity>,
    /// What the certificates (证书) say beyond the results.
    #[serde(default)]
    pub certificates: Certificates,
    /// Which cases get a poster for the exhibition (案例展).
    #[serde(default)]
    pub posters: Posters,
    /// Partner platforms (承办单位互联网平台) allowed to frame the hall's embed pages.
    #[serde(default)]
    pub partners: Vec<Partner>,
}

/// The certificates' settings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Certificates {
    /// The date printed on every certificate (颁发日期); without it, the day the tally was exported.
    #[serde(default)]
    pub date: Option<Date>,
}

/// The posters' settings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Posters {
    /// Which cases get a poster.
    #[serde(default)]
    pub cases: PosterCases,
}

/// Which cases get a poster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PosterCases {
    /// Every case of the hall.
    #[default]
    All,
    /// Only the typical cases once the results are final (every case before that).
    Typical,
}

/// A partner platform that embeds the hall's vote buttons.
#[derive(Debug, Clone, Deserialize)]
pub struct Partner {
    /// The platform's name, e.g. 青岛新闻网.
    pub name: String,
    /// Its origin, `scheme://host[:port]`, e.g. `https://www.example.com`.
    pub origin: String,
}

fn default_listing_page_size() -> usize {
    24
}

fn default_language() -> String {
    "zh-CN".to_owned()
}

/// The online vote (网上投票): its id, window, time zone and the scope of "one vote per client per day".
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Election {
    /// A slug that names this election in the manifest, the vote database and the tally.
    pub id: String,
    /// First local day of voting (8月22日).
    pub opens: Date,
    /// Last local day of voting, inclusive (8月31日).
    pub closes: Date,
    /// IANA time zone whose calendar days count, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// What "1 vote per day" is counted over.
    #[serde(default)]
    pub scope: VoteScope,
    /// When the public may see the running counts.
    #[serde(default)]
    pub tally_visibility: TallyVisibility,
    /// URL the vote button posts to: a path on the same origin (behind the proxy) or an absolute URL.
    #[serde(default = "default_vote_endpoint")]
    pub vote_endpoint: String,
}

fn default_vote_endpoint() -> String {
    "/api/votes".to_owned()
}

/// What one client's one vote a day is counted over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteScope {
    /// One vote a day in the whole election (每个IP每天限投1票), the notice's rule.
    #[default]
    Election,
    /// One vote a day in each category.
    Category,
    /// One vote a day for each case.
    Case,
}

/// When `GET /api/tally` shows counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TallyVisibility {
    #[default]
    AfterClose,
    Live,
    Never,
}

/// The notice's admission rules, with their parameters.
#[derive(Debug, Clone, Deserialize)]
pub struct Rules {
    /// A case must be in operation on or before this day (2020年5月31日前投入运营).
    pub launched_by: Date,
    /// Applications are accepted from this day (7月8日) ...
    pub submissions_open: Date,
    /// ... to this day, inclusive (8月21日).
    pub submissions_close: Date,
    /// 同一申报主体，每个领域限申报2个案例; a group and its branches count as one applicant.
    pub max_cases_per_applicant_per_domain: usize,
    /// 同时上传4张案例图片.
    pub photos_per_case: usize,
    /// The largest photo file accepted, in bytes.
    pub max_photo_bytes: u64,
    /// The largest photo accepted, in pixels (guards against decompression bombs).
    #[serde(default = "default_max_photo_pixels")]
    pub max_photo_pixels: u64,
    /// Narrower photos are accepted with a warning: the larger view would be blurry.
    #[serde(default = "default_min_photo_width")]
    pub min_photo_width: u32,
    /// Longest accepted title, in characters.
    #[serde(default = "default_title_max_chars")]
    pub title_max_chars: usize,
    /// Longest accepted summary (简介), in characters.
    #[serde(default = "default_summary_max_chars")]
    pub summary_max_chars: usize,
}

fn default_max_photo_pixels() -> u64 {
    40_000_000
}
fn default_min_photo_width() -> u32 {
    1200
}
fn default_title_max_chars() -> usize {
    40
}
fn default_summary_max_chars() -> usize {
    300
}

/// How the composite score is computed (网上投票55%、媒体评测15%、专家评审30%).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Scoring {
    pub weights: Weights,
    /// How votes become a 0..100 vote score.
    pub vote_normalisation: VoteNormalisation,
    /// Panels of at least this many members drop their single highest and lowest mark.
    pub trim_panel_from: usize,
    /// How many cases of each category are shortlisted by votes (ties at the cut all pass).
    pub shortlist_per_category: usize,
    /// How many typical cases each category names.
    pub winners_per_category: usize,
    /// How many recommenders receive the organisation award (优秀组织奖); ties at the cut all receive it.
    #[serde(default = "default_organisation_awards")]
    pub organisation_awards: usize,
    /// How many members each panel has: the member columns of the mark sheets `generator sheets` writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panels: Option<PanelSizes>,
}

/// The number of members of each panel (媒体评测组, 专家评审组); members are named by code only (M1.., E1..).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct PanelSizes {
    pub media: usize,
    pub expert: usize,
}

fn default_organisation_awards() -> usize {
    3
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            weights: Weights { votes: 0.55, media: 0.15, expert: 0.30 },
            vote_normalisation: VoteNormalisation::ShareOfTop,
            trim_panel_from: 5,
            shortlist_per_category: 6,
            winners_per_category: 3,
            organisation_awards: default_organisation_awards(),
            panels: None,
        }
    }
}

/// The nominal weights of the three parts; they sum to 1.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
pub struct Weights {
    pub votes: f64,
    pub media: f64,
    pub expert: f64,
}

/// How a case's votes become its vote score V.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteNormalisation {
    /// V = 100 x votes / most votes in the category.
    ShareOfTop,
    /// V = 100 x (n - rank) / (n - 1) over the category's shortlisted cases.
    RankPoints,
}

impl VoteNormalisation {
    /// The other normalisation, which the method page compares against.
    pub fn other(self) -> Self {
        match self {
            VoteNormalisation::ShareOfTop => VoteNormalisation::RankPoints,
            VoteNormalisation::RankPoints => VoteNormalisation::ShareOfTop,
        }
    }

    /// The rule in words, for the method page and `generator explain`.
    pub fn describe(self) -> &'static str {
        match self {
            VoteNormalisation::ShareOfTop => "V = 100 × 票数 ÷ 本类别最高票数",
            VoteNormalisation::RankPoints => "V = 100 × (n − 票数名次) ÷ (n − 1)，n 为本类别入围案例数",
        }
    }
}

/// The categories (类别) and domains (领域) cases are sorted into.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Taxonomy {
    pub categories: Vec<Term>,
    pub domains: Vec<Term>,
}

/// One category or domain: a slug used in URLs and front matter, and its Chinese name.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Term {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl Taxonomy {
    pub fn category(&self, id: &str) -> Option<&Term> {
        self.categories.iter().find(|t| t.id == id)
    }

    pub fn domain(&self, id: &str) -> Option<&Term> {
        self.domains.iter().find(|t| t.id == id)
    }
}

/// `import:` in `site.yaml`: how `generator import` reads the submission system's export.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImportSettings {
    /// The form's column name (案例名称) to the header the export gives it (项目名称), for systems that name
    /// columns differently. Columns not listed go by the form's own names.
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, String>,
}
