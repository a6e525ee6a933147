//! End-to-end: the built hall in a real headless Chromium, as a citizen uses it.

use std::time::Duration;

use hall_tests::browser::Browser;
use hall_tests::site::{sample, url_encode};
use hall_tests::static_server::StaticServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_a_case_by_a_chinese_word_of_its_title_applicant_or_summary() {
    let (output, _, _) = sample();
    let server = StaticServer::start(output);
    let browser = Browser::start(1280, 900).await;
    for (query, expected) in [
        ("海尔", &["/cases/cosmoplat-mass-customisation/", "/cases/haier-smart-factory-5g/"][..]),
        ("医保", &["/cases/medical-insurance-mobile-pay/"][..]),
        ("八大关街道", &["/cases/elderly-digital-classroom/"][..]),
        ("绿波", &["/cases/smart-traffic-signals/"][..]),
    ] {
        browser.client.goto(&format!("{}search/?q={}", server.url, url_encode(query))).await.expect("open search");
        let found = browser
            .wait_for(
                "const a = [...document.querySelectorAll('.search-results a')].map(a => a.getAttribute('href'));
                 return a.length ? a : null;",
                &format!("results for {query}"),
                Duration::from_secs(20),
            )
            .await;
        let found: Vec<String> = serde_json::from_value(found).expect("hrefs");
        for url in expected {
            assert!(found.iter().any(|f| f == url), "searching {query} finds {url}; found {found:?}");
        }
    }
    browser.screenshot("search-results").await;
    browser.close().await;
}
