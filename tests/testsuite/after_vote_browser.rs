//! After the vote in a real headless Chromium: a rule change's banner and the publicity notice (公示) are seen while
//! their day has not passed, give way (the banner goes, the results say 评选结果) once it has, and stay without
//! JavaScript. The build has no clock: the dates are in the pages and the browser's date decides.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use hall_tests::binaries::{scratch_dir, workspace_root};
use hall_tests::browser::Browser;
use hall_tests::site::{build_into, copy_dir, sample};
use hall_tests::static_server::StaticServer;

/// The sample with its rule change shown until 2099-12-31 and its publicity starting 2099-06-01 (a Monday): a hall
/// whose banner and 公示 are still current whatever the machine's date. Built once, photos from the sample's cache.
fn current_hall() -> &'static PathBuf {
    static HALL: OnceLock<PathBuf> = OnceLock::new();
    HALL.get_or_init(|| {
        let (_, sample_cache, _) = sample();
        let dir = scratch_dir().join("after-vote-current");
        let _ = fs::remove_dir_all(&dir);
        let (content, output, cache) = (dir.join("content"), dir.join("output"), dir.join("cache"));
        let root = workspace_root();
        copy_dir(&root.join("content"), &content);
        copy_dir(sample_cache, &cache);
        let news = content.join("news/2020-08-24-one-vote-per-ip.md");
        let text = fs::read_to_string(&news).expect("the sample's rule change");
        fs::write(&news, text.replace("until: 2020-08-31", "until: 2099-12-31")).expect("write");
        let site = fs::read_to_string(content.join("site.yaml")).expect("site.yaml");
        fs::write(content.join("site.yaml"), site.replace("  starts: 2020-09-28", "  starts: 2099-06-01"))
            .expect("site");
        // Objections answer a period; these were received in 2020, outside this one: a warning only.
        let run = build_into(&content, &root.join("themes/default"), &output, &cache);
        assert_eq!(run.code, Some(0), "the current hall builds: {}", run.stderr);
        output
    })
}

/// Whether the first element matching `selector` is displayed, and the page's visible `h1` text.
async fn shown(browser: &Browser, selector: &str) -> bool {
    let script = format!("const e = document.querySelector({selector:?}); return !!(e && e.offsetParent !== null);");
    browser.eval(&script).await.as_bool().unwrap_or(false)
}

async fn heading(browser: &Browser) -> String {
    browser.eval("return document.querySelector('h1').innerText").await.as_str().unwrap_or_default().to_owned()
}

async fn open(browser: &Browser, url: &str) {
    browser.client.goto(url).await.expect("page");
    browser.wait_for("return document.readyState === 'complete'", "the page to load", Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banner_and_the_publicity_notice_are_seen_until_their_day() {
    let current = StaticServer::start(current_hall());
    let browser = Browser::start(1280, 900).await;
    open(&browser, &format!("{}cases/smart-traffic-signals/", current.url)).await;
    assert!(shown(&browser, ".rule-banner").await, "a case page shows the rule change's banner");
    let banner = browser.eval("return document.querySelector('.rule-banner').innerText").await;
    assert!(banner.as_str().unwrap_or_default().contains("关于“每个IP每天限投1票”规则的说明"), "{banner}");
    browser.screenshot("after-vote-banner").await;
    open(&browser, &format!("{}results/", current.url)).await;
    assert_eq!(heading(&browser).await, "拟评选结果公示");
    assert!(shown(&browser, ".publicity-notice").await, "the results page shows the publicity notice");
    assert!(!shown(&browser, ".publicity-done").await);
    let notice = browser.eval("return document.querySelector('.publicity-notice').innerText").await;
    assert!(notice.as_str().unwrap_or_default().contains("2099年6月1日至2099年6月5日（5个工作日）"), "{notice}");
    browser.screenshot("after-vote-publicity").await;

    // The sample's own dates (2020) are past: no banner, and the results are 评选结果 with a link to the outcome.
    let past = StaticServer::start(&sample().0);
    open(&browser, &format!("{}results/", past.url)).await;
    assert!(!shown(&browser, ".rule-banner").await, "the banner is gone after its day");
    assert_eq!(heading(&browser).await, "典型案例评选结果");
    assert!(!shown(&browser, ".publicity-notice").await);
    assert!(shown(&browser, ".publicity-done a[href='/results/objections/']").await, "a link to 公示情况说明");
    // They are hidden before the page is first drawn (dates.js blocks rendering), so nothing in view moves.
    let shift = browser
        .eval(
            "return new Promise(done => {
               new PerformanceObserver(list => done(list.getEntries().reduce((sum, e) => sum + e.value, 0)))
                 .observe({type: 'layout-shift', buffered: true});
               setTimeout(() => done(0), 1000);
             });",
        )
        .await;
    assert_eq!(shift.as_f64(), Some(0.0), "the layout shifted by {shift} when the dated parts were hidden");
    browser.close().await;

    // Without JavaScript the pages keep the dated text, which says until when it applies.
    let browser = Browser::start_with(1280, 900, false).await;
    open(&browser, &format!("{}results/", past.url)).await;
    assert!(shown(&browser, ".rule-banner").await);
    assert!(shown(&browser, ".publicity-notice").await);
    browser.close().await;
}

/// The pages of #14, with the banner and the 公示 notice showing (the current hall).
const PAGES: [&str; 6] =
    ["", "news/", "news/2020-08-24-one-vote-per-ip/", "results/", "results/objections/", "results/notice/"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_after_the_vote_fit_a_phone_and_pass_axe() {
    let axe = workspace_root().join("tests/node_modules/axe-core/axe.min.js");
    let axe = fs::read_to_string(&axe).unwrap_or_else(|_| {
        panic!("{} is missing: run `npm install` in tests/ (bash tests/run.sh does)", axe.display())
    });
    let current = StaticServer::start(current_hall());
    let browser = Browser::start(390, 844).await;
    for path in PAGES {
        open(&browser, &format!("{}{path}", current.url)).await;
        let widths = browser.eval("return [document.documentElement.scrollWidth, window.innerWidth]").await;
        let widths: Vec<u32> = serde_json::from_value(widths).expect("widths");
        assert!(widths[0] <= widths[1], "/{path}: the page is {} px wide in a {} px window", widths[0], widths[1]);
        browser.eval(&axe).await;
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))));";
        let found = browser.client.execute_async(script, vec![]).await.expect("axe runs");
        assert_eq!(found, serde_json::json!([]), "/{path}: axe-core violations");
    }
    browser.screenshot("after-vote-phone-notice").await;
    browser.close().await;
}
