//! End-to-end, as the issue asks: vote through the real vote service, export with a decision and the receipts into
//! the content, build, and check receipts on `verify/` in Chromium: counted, voided by the decision, not found. The
//! integrity statement and the receipt check are looked at on a desktop and a phone-sized window.

use std::fs;
use std::time::Duration;

use fantoccini::Locator;
use hall_tests::binaries::workspace_root;
use hall_tests::browser::Browser;
use hall_tests::http::post_json;
use hall_tests::site::{build_into, copy_dir};
use hall_tests::static_server::StaticServer;
use hall_tests::vote_service::{VoteService, run};

const CASES: [&str; 3] = ["smart-traffic-signals", "medical-insurance-mobile-pay", "gigabit-city-network"];

/// The sample's site.yaml and three of its cases, without results: the hall during the vote.
fn hall(root: &std::path::Path) {
    let sample = workspace_root().join("content");
    let site = fs::read_to_string(sample.join("site.yaml")).expect("sample site.yaml");
    let site = site.split("\nfeatured:").next().expect("text before featured").to_owned() + "\n";
    fs::create_dir_all(root).expect("content");
    fs::write(root.join("site.yaml"), site).expect("site.yaml");
    for case in CASES {
        copy_dir(&sample.join("cases").join(case), &root.join("cases").join(case));
    }
}

/// Writes the receipt into the page's field and asks; returns the verdict once it is shown.
async fn check(browser: &Browser, receipt: &str) -> String {
    browser.eval("document.getElementById('verify-result').textContent = ''; return true").await;
    let field = browser.client.find(Locator::Id("receipt")).await.expect("the receipt field");
    field.clear().await.expect("clear");
    field.send_keys(receipt).await.expect("type");
    browser.client.find(Locator::Css(".verify-row button")).await.expect("button").click().await.expect("click");
    let verdict = browser
        .wait_for(
            "const v = document.querySelector('#verify-result .verify-verdict');
             return v && !v.textContent.startsWith('正在查验') ? document.getElementById('verify-result').textContent : null;",
            &format!("a verdict on {receipt}"),
            Duration::from_secs(15),
        )
        .await;
    verdict.as_str().unwrap_or_default().to_owned()
}

async fn page_fits(browser: &Browser, what: &str) {
    browser.wait_for("return document.readyState === 'complete'", "the page to load", Duration::from_secs(10)).await;
    let widths: Vec<u32> =
        serde_json::from_value(browser.eval("return [document.documentElement.scrollWidth, window.innerWidth]").await)
            .expect("widths");
    assert!(widths[0] <= widths[1], "{what}: the page is {} px wide in a {} px window", widths[0], widths[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voter_checks_a_counted_a_voided_and_a_made_up_receipt() {
    let work = tempfile::tempdir().expect("temp");
    let (content, output, cache) = (work.path().join("content"), work.path().join("output"), work.path().join("cache"));
    let theme = workspace_root().join("themes/default");
    hall(&content);
    let during = build_into(&content, &theme, &output, &cache);
    assert_eq!(during.code, Some(0), "{}", during.stderr);

    // Three citizens vote on 25 August; the third from a network the organisers later find stuffing from.
    let db = work.path().join("votes.redb");
    let service = VoteService::start(
        &output.join("api/cases.json"),
        &db,
        &["--now", "2020-08-25T10:00:00+08:00", "--trusted-proxy", "127.0.0.1/32"],
    );
    let mut receipts = Vec::new();
    for (client, case) in [("10.0.1.1", CASES[0]), ("10.0.2.1", CASES[1]), ("10.0.3.1", CASES[1])] {
        let reply = post_json(
            &service.address,
            "/api/votes",
            &format!(r#"{{"case": "{case}"}}"#),
            &[("X-Forwarded-For", client)],
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        receipts.push(reply.json()["receipt"].as_str().expect("receipt").to_owned());
    }
    service.stop();
    let votes = content.join("votes");
    fs::create_dir_all(&votes).expect("votes/");
    fs::write(
        votes.join("decisions.yaml"),
        "- id: D1\n  action: void\n  case: medical-insurance-mobile-pay\n  networks: [10.0.3.0/24]\n  \
         decided_by: 评选工作组\n  decided_on: 2020-09-02\n  reason: 同一网段集中投票，经核查为刷票\n",
    )
    .expect("decisions");
    let (code, tally, err) = run(&[
        "export",
        "--db",
        &db.to_string_lossy(),
        "--decisions",
        &votes.join("decisions.yaml").to_string_lossy(),
        "--receipts",
        &votes.join("receipts.jsonl").to_string_lossy(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    fs::write(votes.join("tally.json"), tally).expect("tally");
    let after = build_into(&content, &theme, &output, &cache);
    assert_eq!(after.code, Some(0), "{}", after.stderr);
    assert!(after.stdout.contains("results: the shortlist"), "{}", after.stdout);

    let vnu = workspace_root().join("tests/node_modules/vnu-jar/build/dist/vnu.jar");
    let valid = std::process::Command::new("java")
        .args(["-jar", &vnu.to_string_lossy(), "--errors-only", "--skip-non-html"])
        .args([output.join("verify/index.html"), output.join("results/integrity/index.html")])
        .output()
        .expect("java runs (bash tests/run.sh installs it and the Nu HTML checker)");
    let report = String::from_utf8_lossy(&valid.stderr);
    assert!(valid.status.success() && report.trim().is_empty(), "the Nu HTML checker found errors:\n{report}");

    let server = StaticServer::start(&output);
    let browser = Browser::start(1280, 800).await;
    browser.client.goto(&format!("{}verify/", server.url)).await.expect("verify page");
    let counted = check(&browser, &receipts[0]).await;
    assert!(counted.starts_with("已计入"), "{counted}");
    browser.screenshot("verify-counted-desktop").await;
    // As a voter may type it: lower case, without the dashes.
    let typed = receipts[1].to_lowercase().replace('-', " ");
    assert!(check(&browser, &typed).await.starts_with("已计入"), "{typed}");
    let voided = check(&browser, &receipts[2]).await;
    assert!(voided.starts_with("已作废（决定 D1：同一网段集中投票，经核查为刷票）"), "{voided}");
    browser.screenshot("verify-voided-desktop").await;
    let missing = check(&browser, "ZZZZ-ZZZZ-ZZZZ").await;
    assert!(missing.starts_with("未找到"), "{missing}");
    assert!(check(&browser, "12345").await.starts_with("回执编号格式不对"));
    browser.client.goto(&format!("{}results/integrity/", server.url)).await.expect("statement");
    page_fits(&browser, "the statement at 1280 px").await;
    browser.screenshot("integrity-desktop").await;

    browser.set_viewport(390, 844).await;
    for (name, path) in [("integrity", "results/integrity/"), ("results", "results/"), ("verify", "verify/")] {
        browser.client.goto(&format!("{}{path}", server.url)).await.expect("page");
        page_fits(&browser, name).await;
        browser.screenshot(&format!("phone-{name}")).await;
        if name == "integrity" {
            browser.eval("document.getElementById('decisions-h').scrollIntoView(); return true").await;
            browser.screenshot("phone-integrity-decisions").await;
            browser.eval("document.getElementById('days-h').scrollIntoView(); return true").await;
            browser.screenshot("phone-integrity-days").await;
        }
    }
    let voided = check(&browser, &receipts[2]).await;
    assert!(voided.starts_with("已作废"), "{voided}");
    page_fits(&browser, "verify with a verdict").await;
    browser.screenshot("phone-verify-voided").await;
    browser.close().await;
}
