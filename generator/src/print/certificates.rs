//! `generator certificates`: every certificate (证书) of the final results as a PDF, one A4 landscape page each, and
//! all of them in one file for the print shop. They are the certificates of the hall's verification pages, made by
//! the same code ([`crate::render::certificates`]): the same numbers, recipients and awards, and a QR code of the
//! same verification page. The layout is the theme's `book/certificate.typ`.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::Path;

use serde::Serialize;
use typst::foundations::Bytes;
use typst::layout::PagedDocument;

use super::world::{PrintFile, PrintWorld, pdf, typeset};
use super::{PrintError, final_results, fonts, template};
use crate::model::case::PublicCase;
use crate::render::certificates::{CertificateView, certificates};
use crate::render::views::{CaseView, ViewBuilder};
use crate::render::{qr, results};

/// The template's data.
#[derive(Debug, Serialize)]
struct CertificateData<'a> {
    font: &'a str,
    /// The selection's name, e.g. 2020年青岛市“新型智慧城市”建设优秀案例征集评选活动.
    selection: &'a str,
    organisers: &'a [String],
    certificates: Vec<Sheet<'a>>,
}

/// One certificate as it is printed.
#[derive(Debug, Serialize)]
struct Sheet<'a> {
    number: &'a str,
    recipient: &'a str,
    /// The case's title, for a typical case's certificate.
    case_title: Option<&'a str>,
    citation: &'a str,
    date: &'a str,
    /// The virtual path of its QR code's PNG.
    qr: String,
    /// What the QR code opens: the certificate's verification page.
    url: &'a str,
}

/// What was made: each certificate's number and PDF, in the order of the certificates list, and all of them in one.
#[derive(Debug)]
pub struct Certificates {
    pub each: Vec<(String, Vec<u8>)>,
    pub all: Vec<u8>,
    /// The font they are set in.
    pub font: String,
}

/// Typesets every certificate of the final results of `content_dir` with the theme's template.
pub fn make(content_dir: &Path, theme_dir: &Path) -> Result<Certificates, PrintError> {
    let ready = final_results(content_dir, "the certificates go to the typical cases and the organisation award")?;
    let cases: Vec<PublicCase> = ready.content.forms.iter().filter_map(|f| f.clone().into_public()).collect();
    let views = ViewBuilder::new(&ready.site);
    let site_view = views.site(&cases, BTreeMap::new());
    let case_views: Vec<CaseView> = cases.iter().map(|c| views.case(c, Vec::new())).collect();
    let results_view = results::view(&site_view, &ready.results, &case_views);
    let all = certificates(&site_view, &results_view, ready.site.certificates.date);
    let (template_path, template) = template(theme_dir, "certificate.typ")?;
    let failed = |message: String| PrintError::Typeset { template: template_path.display().to_string(), message };

    let font = fonts::find()?;
    let set = |certificates: &[CertificateView]| -> Result<PagedDocument, PrintError> {
        let mut files = BTreeMap::new();
        for certificate in certificates {
            let png = qr::png(&certificate.absolute_url).map_err(|e| failed(e.to_string()))?;
            files.insert(qr_path(certificate), PrintFile::Bytes(Bytes::new(png)));
        }
        let data = CertificateData {
            font: &font.family,
            selection: &ready.site.title,
            organisers: &ready.site.organisers,
            certificates: certificates.iter().map(sheet).collect(),
        };
        let json = serde_json::to_vec(&data).expect("the certificates' data is plain strings and lists");
        let world = PrintWorld::new("certificate.typ", template.clone(), json, files, font.fonts.clone());
        typeset(&world).map_err(failed)
    };
    let document = set(&all)?;
    if document.pages.len() != all.len() {
        // Which ones: each set alone.
        let mut too_long = Vec::new();
        for certificate in &all {
            if set(std::slice::from_ref(certificate))?.pages.len() > 1 {
                too_long.push(format!("{} (to {})", certificate.number, certificate.recipient));
            }
        }
        let message = format!(
            "a certificate must fit one page, and these do not: {}; the recipient's name or the case's title is too long for the layout",
            too_long.join(", ")
        );
        return Err(failed(message));
    }
    let mut each = Vec::with_capacity(all.len());
    for (i, certificate) in all.iter().enumerate() {
        let page = NonZeroUsize::new(i + 1);
        each.push((certificate.number.clone(), pdf(&document, &certificate.number, page).map_err(failed)?));
    }
    let bytes = pdf(&document, &format!("{} 证书", ready.site.election.id), None).map_err(failed)?;
    Ok(Certificates { each, all: bytes, font: font.family })
}

fn qr_path(certificate: &CertificateView) -> String {
    format!("qr/{}.png", certificate.number)
}

fn sheet(certificate: &CertificateView) -> Sheet<'_> {
    Sheet {
        number: &certificate.number,
        recipient: &certificate.recipient,
        case_title: certificate.case.as_ref().map(|c| c.title.as_str()),
        citation: &certificate.citation,
        date: &certificate.date_text,
        qr: qr_path(certificate),
        url: &certificate.absolute_url,
    }
}
