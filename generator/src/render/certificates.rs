//! Certificates (证书), once the results are final: one for each typical case (to its applicant) and one for each
//! recipient of the organisation award (to the recommending unit), each with a number, a printable page and a QR
//! code of that page, which is also its verification page: anyone holding a paper certificate can scan it and see
//! what was awarded to whom.
//!
//! | page | path |
//! | --- | --- |
//! | every certificate | `certificates/index.html` |
//! | one certificate: what was awarded to whom, printable as the certificate (A4 landscape) | `certificates/<number>/index.html` |
//! | its QR code | `certificates/<number>/qr.png` |
//!
//! The number is derived from the election, the award and the place, so a rebuild gives every certificate the same
//! number: `<election id>-dx-<category id>-<rank, 2 digits>` for a typical case (典型, e.g.
//! `qingdao-2020-dx-applications-01`), `<election id>-zz-<place, 2 digits>` for the organisation award (组织, e.g.
//! `qingdao-2020-zz-01`), with `a`, `b`, ... after the place when several recipients share it (in the order of the
//! published table: `qingdao-2020-zz-03a`, `qingdao-2020-zz-03b`).

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::page::{Page, page};
use super::qr::{self, QrError};
use super::results::ResultsView;
use super::views::SiteView;
use super::zh_date;

/// One certificate, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateView {
    pub number: String,
    /// 典型案例 or 优秀组织奖.
    pub award: &'static str,
    /// What the certificate says was awarded, e.g. 推进信息技术应用类典型案例.
    pub citation: String,
    /// Who receives it: the applicant (申报主体) or the recommending unit (推荐单位).
    pub recipient: String,
    /// The typical case, for a case's certificate.
    pub case: Option<CertifiedCase>,
    /// The organisation's figures, for the organisation award.
    pub organisation: Option<CertifiedOrganisation>,
    /// The results page that states the award.
    pub results_url: String,
    /// The certificate's page, below the site's root path (`/certificates/<number>/`).
    pub url: String,
    /// The same page as an absolute URL: what the QR code holds.
    pub absolute_url: String,
    pub qr_src: String,
    /// 颁发日期, e.g. 2020年9月30日.
    pub date_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertifiedCase {
    pub id: String,
    pub title: String,
    pub url: String,
    pub applicant: String,
    pub recommender: String,
    pub category: String,
    pub rank: usize,
    pub composite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertifiedOrganisation {
    pub place: usize,
    pub approved: usize,
    pub shortlisted: usize,
    pub winners: usize,
}

/// Every certificate of final results, typical cases first (by category, then rank), then the organisation award.
/// `date` is `certificates.date` from `site.yaml`; without it, the local day the tally was exported.
pub fn certificates(site: &SiteView, results: &ResultsView, date: Option<Date>) -> Vec<CertificateView> {
    if !results.is_final {
        return Vec::new();
    }
    let date_text = date.or_else(|| export_day(&results.exported_at, &site.election.time_zone)).map(zh_date);
    let date_text = date_text.unwrap_or_default();
    let election = &site.election.id;
    let make = |number: String| {
        let path = format!("certificates/{number}/");
        (format!("{}{path}", site.root), format!("{}{path}", site.base_url), format!("{}{path}qr.png", site.root))
    };
    let mut all = Vec::new();
    for category in &results.categories {
        for winner in &category.winners {
            let rank = winner.rank.unwrap_or(0);
            let number = format!("{election}-dx-{}-{rank:02}", category.term.id);
            let (url, absolute_url, qr_src) = make(number.clone());
            all.push(CertificateView {
                number,
                award: "典型案例",
                citation: format!("{}类典型案例", category.term.name),
                recipient: winner.applicant.clone(),
                case: Some(CertifiedCase {
                    id: winner.id.clone(),
                    title: winner.title.clone(),
                    url: winner.url.clone(),
                    applicant: winner.applicant.clone(),
                    recommender: winner.recommender.clone(),
                    category: category.term.name.clone(),
                    rank,
                    composite: winner.s.clone(),
                }),
                organisation: None,
                results_url: category.url.clone(),
                url,
                absolute_url,
                qr_src,
                date_text: date_text.clone(),
            });
        }
    }
    let awarded: Vec<_> = results.organisations.iter().filter(|o| o.awarded).collect();
    for (i, o) in awarded.iter().enumerate() {
        let sharing: Vec<usize> = (0..awarded.len()).filter(|j| awarded[*j].place == o.place).collect();
        let suffix = match sharing.iter().position(|j| *j == i) {
            Some(k) if sharing.len() > 1 => char::from(b'a' + (k % 26) as u8).to_string(),
            _ => String::new(),
        };
        let number = format!("{election}-zz-{:02}{suffix}", o.place);
        let (url, absolute_url, qr_src) = make(number.clone());
        all.push(CertificateView {
            number,
            award: "优秀组织奖",
            citation: "优秀组织奖".to_owned(),
            recipient: o.recommender.clone(),
            case: None,
            organisation: Some(CertifiedOrganisation {
                place: o.place,
                approved: o.approved,
                shortlisted: o.shortlisted,
                winners: o.winners,
            }),
            results_url: format!("{}results/organisations/", site.root),
            url,
            absolute_url,
            qr_src,
            date_text: date_text.clone(),
        });
    }
    all
}

/// The local day of the tally's export (`exported_at`, RFC 3339) in the election's time zone.
fn export_day(exported_at: &str, time_zone: &str) -> Option<Date> {
    let instant: jiff::Timestamp = exported_at.parse().ok()?;
    let tz = jiff::tz::TimeZone::get(time_zone).ok()?;
    Some(instant.to_zoned_datetime(tz).date())
}

/// The list of certificates and each certificate's page.
pub fn pages(site: &SiteView, all: &[CertificateView]) -> Vec<Page> {
    if all.is_empty() {
        return Vec::new();
    }
    let mut pages = Vec::with_capacity(all.len() + 1);
    let mut list = Context::new();
    list.insert("certificates", all);
    pages.push(page(site, "certificates/", "certificates.html", "证书查验", list));
    for certificate in all {
        let mut context = Context::new();
        context.insert("certificate", certificate);
        let title = format!("证书 {}", certificate.number);
        pages.push(page(site, &format!("certificates/{}/", certificate.number), "certificate.html", &title, context));
    }
    pages
}

/// The QR code of every certificate's page, as files.
pub fn qr_files(all: &[CertificateView]) -> Result<Vec<(String, Vec<u8>)>, QrError> {
    all.iter().map(|c| Ok((format!("certificates/{}/qr.png", c.number), qr::png(&c.absolute_url)?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_day_is_local() {
        assert_eq!(export_day("2020-08-31T16:30:00Z", "Asia/Shanghai"), Some(jiff::civil::date(2020, 9, 1)));
        assert_eq!(export_day("not a time", "Asia/Shanghai"), None);
    }
}
