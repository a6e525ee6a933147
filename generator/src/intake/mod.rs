//! Editors' intake (`generator import`): the submission system's export, one row per application, becomes one case
//! folder per application that passes every rule, and the 审核 report says of every application 通过 or 不通过 and
//! why, in Chinese.
//!
//! The steps follow the data: [`sheet`] reads the export (XLSX or CSV in UTF-8 or GBK), [`columns`] finds the
//! form's columns by their Chinese headers, [`application`] reads each row with [`cells`], [`verify`] writes the
//! would-be cases into a staging folder and runs every rule of `generator check` on them, [`existing`] compares a
//! row with a case already there, and [`review_report`] writes the 审核 report. Nothing of the user's is deleted,
//! and an existing case changes only with `--update`.

pub mod application;
pub mod cells;
pub mod columns;
pub mod existing;
pub mod review_report;
pub mod row_problem;
pub mod sheet;
pub mod summary;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::content;
use crate::diagnostics::{Problem, Report};
use application::Application;
use columns::{Columns, ColumnsError};
use existing::ExistingCase;
use review_report::Verdict;
use row_problem::{Kind, RowProblem};
use sheet::{Format, SheetError};
use verify::Staging;

/// What `generator import` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub sheet: PathBuf,
    pub photos: PathBuf,
    pub content: PathBuf,
    /// Write only the 审核 report.
    pub dry_run: bool,
    /// Apply the changed fields of rows whose case folder exists.
    pub update: bool,
    /// Where the 审核 report goes; by default beside the sheet (see [`default_report_path`]).
    pub report: Option<PathBuf>,
}

/// Why nothing could be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Content(String),
    #[error("{path}: {error}", path = .0.display(), error = .1)]
    Sheet(PathBuf, SheetError),
    #[error("{path}: {error}", path = .0.display(), error = .1)]
    Columns(PathBuf, ColumnsError),
    #[error("{path}: {error}", path = .0.display(), error = .1)]
    Io(PathBuf, std::io::Error),
    #[error("--photos {}: not a folder; name the folder that holds the uploaded photos", .0.display())]
    NoPhotos(PathBuf),
    #[error("the 审核 report {} would be written inside the cases folder; name another place with --report", .0.display())]
    ReportAmongCases(PathBuf),
}

/// What happened to one row's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Not written: the row has problems.
    Refused,
    Written,
    WouldWrite,
    /// The case exists and the row changes nothing.
    Unchanged,
    Updated(Vec<String>),
    WouldUpdate(Vec<String>),
    /// The case exists, the row would change these fields, and `--update` was not given.
    Differs(Vec<String>),
}

/// Everything `generator import` found and did.
#[derive(Debug)]
pub struct Outcome {
    pub format: Format,
    pub columns: Columns,
    /// Every row's problems, sorted by row and column.
    pub problems: Vec<RowProblem>,
    /// Errors in the content's own cases, found while checking the rows with them.
    pub content_errors: Vec<Problem>,
    pub verdicts: Vec<Verdict>,
    /// Each row's case folder (when its id is one) and its fate.
    pub fates: Vec<(usize, Option<PathBuf>, Fate)>,
    pub report_path: PathBuf,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(RowProblem::is_error)
    }
}

/// `SHEET.审核.csv` beside the sheet: the report belongs with the export it reviews, outside the content.
pub fn default_report_path(sheet: &Path) -> PathBuf {
    let stem = sheet.file_stem().map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    sheet.with_file_name(format!("{stem}.审核.csv"))
}

/// Imports the export named by `options`.
pub fn import(options: &Options) -> Result<Outcome, ImportError> {
    let mut report = Report::default();
    let content = content::read(&options.content, &mut report);
    let Some(site_file) = &content.site else {
        let lines: Vec<String> = report.sorted().iter().map(ToString::to_string).collect();
        return Err(ImportError::Content(format!("{}\nfix site.yaml first: the rules come from it", lines.join("\n"))));
    };
    let site = site_file.site.clone();
    if let Err(ColumnsError::UnknownMapping(key, message)) = columns::check_mapping(&site.import.columns) {
        return Err(ImportError::Content(site_file.error(&format!("import.columns.{key}"), message).to_string()));
    }
    if !options.photos.is_dir() {
        return Err(ImportError::NoPhotos(options.photos.clone()));
    }
    let report_path = options.report.clone().unwrap_or_else(|| default_report_path(&options.sheet));
    refuse_report_among_cases(&report_path, &options.content)?;
    let id_header = site.import.columns.get(columns::ID).map_or(columns::ID, String::as_str);
    let sheet = sheet::read(&options.sheet, id_header).map_err(|e| ImportError::Sheet(options.sheet.clone(), e))?;
    let columns = Columns::find(&sheet.headers, &site.import.columns, sheet.header_row)
        .map_err(|e| ImportError::Columns(options.sheet.clone(), e))?;
    let mut problems = Vec::new();
    let applications: Vec<Application> =
        sheet.rows.iter().map(|row| application::read(row, &columns, &site, &options.photos, &mut problems)).collect();
    refuse_repeated_ids(&applications, &mut problems);
    let io = |e| ImportError::Io(options.content.clone(), e);
    let mut staging = Staging::new(&options.content).map_err(io)?;
    let existing = stage(&applications, options, &mut staging, &mut problems).map_err(io)?;
    let replaced: Vec<String> = applications.iter().filter_map(|a| a.id.as_ref().map(ToString::to_string)).collect();
    let (checked, content_errors) = staging.check(content, &replaced);
    add_check_problems(&mut problems, checked);
    let verdicts: Vec<Verdict> = applications.iter().map(|a| verdict(a, &problems, &site.rules)).collect();
    review_report::write(&report_path, &verdicts).map_err(|e| ImportError::Io(report_path.clone(), e))?;
    let mut fates = Vec::new();
    for (application, existing) in applications.iter().zip(&existing) {
        let refused = problems.iter().any(|p| p.row == application.row && p.is_error());
        let target = application.id.as_ref().map(|id| options.content.join("cases").join(id.as_str()));
        let fate = match &target {
            Some(target) if !refused => apply(application, existing.as_ref(), target, &staging, options)
                .map_err(|e| ImportError::Io(target.clone(), e))?,
            _ => Fate::Refused,
        };
        fates.push((application.row, target, fate));
    }
    Ok(Outcome { format: sheet.format, columns, problems, content_errors, verdicts, fates, report_path })
}

fn refuse_report_among_cases(report: &Path, content: &Path) -> Result<(), ImportError> {
    let folder = report.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let cases = content.join("cases");
    match (folder.canonicalize(), cases.canonicalize()) {
        (Ok(folder), Ok(cases)) if folder.starts_with(&cases) => Err(ImportError::ReportAmongCases(report.into())),
        _ => Ok(()),
    }
}

/// A second row with an id already used by an earlier row is a problem of the later row.
fn refuse_repeated_ids(applications: &[Application], problems: &mut Vec<RowProblem>) {
    for (i, application) in applications.iter().enumerate() {
        let Some(id) = &application.id else { continue };
        if let Some(first) = applications[..i].iter().find(|a| a.id.as_ref() == Some(id)) {
            let message = format!("'{id}' is also the id of row {}; each case needs an id of its own", first.row);
            problems.push(RowProblem::error(application.row, columns::ID, Kind::Invalid, message));
        }
    }
}

/// Stages each row's would-be case; returns the existing case of each row's id, if any.
fn stage(
    applications: &[Application],
    options: &Options,
    staging: &mut Staging,
    problems: &mut Vec<RowProblem>,
) -> std::io::Result<Vec<Option<ExistingCase>>> {
    let mut existing_cases = Vec::new();
    for (i, application) in applications.iter().enumerate() {
        let repeated = applications[..i].iter().any(|a| a.id.is_some() && a.id == application.id);
        let folder_name = match &application.id {
            Some(id) if !repeated => id.to_string(),
            _ => format!("row-{}", application.row),
        };
        let existing = match &application.id {
            Some(id) => existing::read(&options.content.join("cases").join(id.as_str())).unwrap_or_else(|message| {
                problems.push(RowProblem::error(application.row, columns::ID, Kind::Invalid, message));
                None
            }),
            None => None,
        };
        let update_of = existing.as_ref().filter(|_| options.update);
        staging.write(application, &folder_name, update_of, problems)?;
        existing_cases.push(existing);
    }
    Ok(existing_cases)
}

/// Adds the problems `generator check` found, but not one about a column the sheet alone already found wrong.
fn add_check_problems(problems: &mut Vec<RowProblem>, checked: Vec<RowProblem>) {
    let known: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.column)).collect();
    let new: Vec<RowProblem> = checked.into_iter().filter(|p| !known.contains(&(p.row, p.column))).collect();
    problems.extend(new);
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    problems.dedup();
}

fn verdict(application: &Application, problems: &[RowProblem], rules: &crate::model::site::Rules) -> Verdict {
    let of_row: Vec<&RowProblem> = problems.iter().filter(|p| p.row == application.row).collect();
    Verdict {
        row: application.row,
        id: application.id_text.clone(),
        title: application.title.clone(),
        applicant: application.applicant.clone(),
        reasons: review_report::reasons(&of_row, rules),
    }
}

/// Writes (or, in a dry run, only plans) a passing row's case: a new folder moved into place, or the changed
/// fields and photos of an existing one with `--update`.
fn apply(
    application: &Application,
    existing: Option<&ExistingCase>,
    target: &Path,
    staging: &Staging,
    options: &Options,
) -> std::io::Result<Fate> {
    let Some(existing) = existing else {
        if options.dry_run {
            return Ok(Fate::WouldWrite);
        }
        staging.move_to(application.row, target)?;
        return Ok(Fate::Written);
    };
    let staged = staging.folder(application.row).ok_or_else(|| std::io::Error::other("not staged"))?;
    let changed_fields = existing.changed_fields(application);
    let mut changed: Vec<String> =
        changed_fields.iter().map(|key| format!("{key} ({})", application::column_of(key))).collect();
    let changed_photos: Vec<&application::Photo> = application
        .photos
        .iter()
        .filter(|p| std::fs::read(staged.join(&p.name)).ok() != std::fs::read(target.join(&p.name)).ok())
        .collect();
    changed.extend(changed_photos.iter().map(|p| format!("photo {} ({})", p.name, p.column)));
    if changed.is_empty() {
        return Ok(Fate::Unchanged);
    }
    if !options.update {
        return Ok(Fate::Differs(changed));
    }
    if options.dry_run {
        return Ok(Fate::WouldUpdate(changed));
    }
    for photo in changed_photos {
        std::fs::rename(staged.join(&photo.name), target.join(&photo.name))?;
    }
    if !changed_fields.is_empty() {
        std::fs::rename(staged.join("index.md"), target.join("index.md"))?;
    }
    Ok(Fate::Updated(changed))
}
