//! Sharing a case from a phone (分享): each case page carries a QR code of its own absolute URL (扫码分享), published
//! beside it as `cases/<id>/qr.png`; the posters print the same file. The Open Graph tags that chat apps read for a
//! link's card are in the templates (`base.html`, `case.html`).

use rayon::prelude::*;

use super::qr::{self, QrError};
use super::views::{CaseView, SiteView};

/// Where the QR code of case `id`'s page is published, below the site root.
pub fn case_qr_path(id: &str) -> String {
    format!("cases/{id}/qr.png")
}

/// The QR code of every case's page, as files.
pub fn qr_files(site: &SiteView, cases: &[CaseView]) -> Result<Vec<(String, Vec<u8>)>, QrError> {
    cases
        .par_iter()
        .map(|c| Ok((case_qr_path(&c.card.id), qr::png(&format!("{}cases/{}/", site.base_url, c.card.id))?)))
        .collect()
}
