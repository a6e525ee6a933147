//! Every rule of `generator check` applied to the cases the rows would write: each would-be case folder (its
//! `index.md` and its photos) is written into a hidden staging folder inside the cases folder (which `check`,
//! `build` and the preview pass over), read back as `check` reads cases, and checked together with the content's other cases by the rules of [`crate::rules`]. Each problem
//! found in a staged case is led back to its row and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::content::{Content, case_folder};
use crate::diagnostics::{Problem, Report};
use crate::intake::application::Application;
use crate::intake::existing::ExistingCase;
use crate::intake::row_problem::RowProblem;
use crate::rules::{self, photos::Inspection};

/// The would-be case folders, in a hidden folder of `cases/` (so that moving one into place is a rename), removed
/// when dropped.
pub struct Staging {
    dir: tempfile::TempDir,
    /// Staged folder name -> row.
    rows: BTreeMap<String, usize>,
}

impl Staging {
    pub fn new(content_root: &Path) -> std::io::Result<Staging> {
        let cases = content_root.join("cases");
        std::fs::create_dir_all(&cases)?;
        let dir = tempfile::Builder::new().prefix(".import-").tempdir_in(cases)?;
        std::fs::create_dir(dir.path().join("cases"))?;
        Ok(Staging { dir, rows: BTreeMap::new() })
    }

    /// Where the case of `row` is staged.
    pub fn folder(&self, row: usize) -> Option<PathBuf> {
        let name = self.rows.iter().find(|(_, r)| **r == row).map(|(name, _)| name)?;
        Some(self.dir.path().join("cases").join(name))
    }

    /// Writes the case `application` would become (`existing` updated, when an update is asked for) under
    /// `folder_name`, with its photos copied in.
    pub fn write(
        &mut self,
        application: &Application,
        folder_name: &str,
        update_of: Option<&ExistingCase>,
        problems: &mut Vec<RowProblem>,
    ) -> std::io::Result<()> {
        let folder = self.dir.path().join("cases").join(folder_name);
        std::fs::create_dir(&folder)?;
        self.rows.insert(folder_name.to_owned(), application.row);
        let text = match update_of {
            Some(existing) => {
                let changed = existing.changed_fields(application);
                let (front_matter, body) = existing.updated(application, &changed);
                crate::intake::existing::case_file(&front_matter, &body)
            }
            None => crate::intake::existing::case_file(&application.front_matter(), &application.body),
        };
        std::fs::write(folder.join("index.md"), text)?;
        for photo in &application.photos {
            if let Err(e) = std::fs::copy(&photo.source, folder.join(&photo.name)) {
                let kind = crate::intake::row_problem::Kind::Upload(format!("{}无法读取", photo.column));
                let message = format!("{}: {e}", photo.source.display());
                problems.push(RowProblem::error(application.row, photo.column, kind, message));
            }
        }
        Ok(())
    }

    /// Checks the staged cases with `content`'s other cases (those not replaced by a staged one), every rule of
    /// `generator check`, the staged photos decoded fully. Returns the staged cases' problems by row, and the errors
    /// found in the content's own cases.
    pub fn check(&self, content: Content, replaced: &[String]) -> (Vec<RowProblem>, Vec<Problem>) {
        let mut staged_problems = Vec::new();
        let mut staged_forms = Vec::new();
        for name in self.rows.keys() {
            let (form, problems) = case_folder::read_one(&self.dir.path().join("cases").join(name));
            staged_problems.extend(problems);
            staged_forms.extend(form);
        }
        let mut forms: Vec<_> =
            content.forms.into_iter().filter(|f| !replaced.iter().any(|id| id == f.id.as_str())).collect();
        forms.extend(staged_forms.iter().cloned());
        forms.sort_by(|a, b| a.id.cmp(&b.id));
        let all = Content { forms, ..content };
        let mut report = Report::default();
        report.extend(staged_problems);
        rules::check_all_but_photos(&all, &mut report);
        if let Some(site_file) = &all.site {
            rules::photos::check(&staged_forms, &site_file.site.rules, Inspection::FullDecode, &mut report);
        }
        let cases = self.dir.path().join("cases");
        let mut by_row = Vec::new();
        let mut content_errors = Vec::new();
        for problem in report.sorted() {
            let staged_row = problem
                .path
                .strip_prefix(&cases)
                .ok()
                .and_then(|rest| rest.components().next())
                .and_then(|name| self.rows.get(&*name.as_os_str().to_string_lossy()));
            match staged_row {
                Some(row) => {
                    by_row.push(RowProblem::from_check(*row, &problem.field, &problem.message, problem.severity))
                }
                None if problem.is_error() => content_errors.push(problem.clone()),
                None => {}
            }
        }
        (by_row, content_errors)
    }

    /// Moves the staged case of `row` to `target` (which must not exist).
    pub fn move_to(&self, row: usize, target: &Path) -> std::io::Result<()> {
        let folder = self.folder(row).ok_or_else(|| std::io::Error::other("the row was not staged"))?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(folder, target)
    }
}
