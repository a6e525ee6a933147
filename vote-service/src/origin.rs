//! Which web sites may post votes: the hall's own origin (from the manifest's `base_url`) and the partner sites
//! allowed with `--cors-origin`. A browser tells where a request comes from (`Origin`, else `Sec-Fetch-Site` or
//! `Referer`); a vote that a foreign page made the visitor's browser send (a drive-by form post, CSRF) is refused,
//! because it would spend the visitor's one vote of the day on a case the visitor never chose. A request that names
//! no site at all (an old browser, curl) is allowed: it cannot have been forged by a page.

/// The sites allowed to post votes, each as `scheme://host[:port]`, lowercase, without a trailing slash.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// The hall itself.
    own: Option<String>,
    /// Partner platforms (承办单位互联网平台) that embed the vote button.
    partners: Vec<String>,
}

/// Where a request says it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The hall's own pages.
    Hall,
    /// An allowed partner site, by its origin.
    Partner(String),
    /// No header names a site: a script, an old client, or a browser that withholds it.
    Unknown,
    /// Another site, or a sandboxed page (`Origin: null`): the vote is refused.
    Foreign,
}

/// The request headers that tell where a request comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    pub origin: Option<&'a str>,
    pub sec_fetch_site: Option<&'a str>,
    pub referer: Option<&'a str>,
}

impl Origins {
    /// `own` is the hall's `base_url` (or origin); `partners` are `--cors-origin` values.
    pub fn new(own: Option<&str>, partners: &[String]) -> Self {
        Origins { own: own.and_then(origin_of), partners: partners.iter().filter_map(|p| origin_of(p)).collect() }
    }

    /// The hall's own origin, if the manifest names it.
    pub fn own(&self) -> Option<&str> {
        self.own.as_deref()
    }

    /// Whether `origin` (an `Origin` header) is the hall or a partner: what CORS answers may name.
    pub fn allows(&self, origin: &str) -> bool {
        !matches!(self.source_of(origin), Source::Foreign | Source::Unknown)
    }

    fn source_of(&self, origin: &str) -> Source {
        let Some(origin) = origin_of(origin) else { return Source::Foreign };
        if self.own.as_deref() == Some(origin.as_str()) {
            Source::Hall
        } else if self.partners.contains(&origin) {
            Source::Partner(origin)
        } else {
            Source::Foreign
        }
    }

    /// Where a request comes from, by the first header that says: `Origin`, then `Sec-Fetch-Site`, then `Referer`.
    pub fn classify(&self, headers: Headers<'_>) -> Source {
        if let Some(origin) = headers.origin {
            return self.source_of(origin);
        }
        if let Some(site) = headers.sec_fetch_site
            && site.trim().eq_ignore_ascii_case("cross-site")
        {
            return Source::Foreign;
        }
        match headers.referer {
            Some(referer) => self.source_of(referer),
            None => Source::Unknown,
        }
    }
}

/// `scheme://host[:port]` of a URL or origin, lowercase, with the scheme's default port dropped; `None` for
/// `null`, an empty value or one without a scheme.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // A user name in the URL is not part of its origin.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host).to_ascii_lowercase();
    if authority.is_empty() {
        return None;
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> Origins {
        Origins::new(Some("https://hall.example.org/2020/"), &["https://news.example.com".to_owned()])
    }

    fn from(origin: Option<&str>, fetch_site: Option<&str>, referer: Option<&str>) -> Source {
        origins().classify(Headers { origin, sec_fetch_site: fetch_site, referer })
    }

    #[test]
    fn the_hall_and_its_partners_may_post_votes() {
        assert_eq!(from(Some("https://hall.example.org"), None, None), Source::Hall);
        assert_eq!(from(Some("HTTPS://Hall.Example.org:443"), None, None), Source::Hall);
        assert_eq!(
            from(Some("https://news.example.com"), Some("cross-site"), None),
            Source::Partner("https://news.example.com".to_owned())
        );
        assert_eq!(from(None, Some("same-origin"), Some("https://hall.example.org/cases/a/")), Source::Hall);
    }

    #[test]
    fn a_foreign_site_may_not() {
        assert_eq!(from(Some("https://evil.example"), Some("cross-site"), None), Source::Foreign);
        assert_eq!(from(Some("null"), None, None), Source::Foreign);
        assert_eq!(from(Some("http://hall.example.org"), None, None), Source::Foreign, "another scheme");
        assert_eq!(from(Some("https://hall.example.org.evil.example"), None, None), Source::Foreign);
        assert_eq!(from(None, Some("cross-site"), None), Source::Foreign);
        assert_eq!(from(None, None, Some("https://evil.example/page")), Source::Foreign);
        assert_eq!(from(None, None, Some("https://hall.example.org@evil.example/")), Source::Foreign);
    }

    #[test]
    fn a_request_that_names_no_site_is_allowed() {
        assert_eq!(from(None, None, None), Source::Unknown);
        assert_eq!(from(None, Some("none"), None), Source::Unknown);
        assert!(!origins().allows("https://evil.example"));
        assert!(origins().allows("https://news.example.com"));
    }
}
