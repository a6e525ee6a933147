//! End-to-end: the built hall in a real headless Chromium, as a citizen uses it.

use std::time::Duration;

use fantoccini::Locator;
use hall_tests::binaries::workspace_root;
use hall_tests::browser::Browser;
use hall_tests::http::get;
use hall_tests::preview::Preview;
use hall_tests::site::{copy_dir, sample, sample_during_vote, url_encode};
use hall_tests::static_server::StaticServer;
use hall_tests::vote_service::VoteService;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_in_view_moves_when_search_results_appear() {
    let (output, _, _) = sample();
    let server = StaticServer::start(output);
    let browser = Browser::start(390, 844).await;
    browser.client.goto(&format!("{}search/?q={}", server.url, url_encode("青岛"))).await.expect("open search");
    browser
        .wait_for(
            "return document.querySelectorAll('.search-results li').length > 3",
            "results",
            Duration::from_secs(20),
        )
        .await;
    // The layout shifts Chromium recorded since the page began to load (what Lighthouse sums as CLS).
    let shift = browser
        .eval(
            "return new Promise(done => {
               new PerformanceObserver(list => done(list.getEntries().reduce((sum, e) => sum + e.value, 0)))
                 .observe({type: 'layout-shift', buffered: true});
               setTimeout(() => done(0), 1000);
             });",
        )
        .await;
    assert_eq!(shift.as_f64(), Some(0.0), "the layout shifted by {shift} when the results appeared");
    browser.close().await;
}

/// The sample site as it is during the vote, behind a proxy that passes `/api/` to a real vote service inside the
/// voting window.
struct Site {
    server: StaticServer,
    votes: VoteService,
    _dir: tempfile::TempDir,
}

const TOKEN: &str = "browser-test-admin-token";

impl Site {
    fn start() -> Site {
        let (output, _, _) = sample_during_vote();
        let dir = tempfile::tempdir().expect("temp");
        let token = dir.path().join("token");
        std::fs::write(&token, TOKEN).expect("token");
        // The test's site is not at the manifest's base_url, so its origin is allowed as a partner's would be.
        let server = StaticServer::start(output);
        let votes = VoteService::start(
            &output.join("api/cases.json"),
            &dir.path().join("votes.redb"),
            &[
                "--now",
                "2020-08-25T10:00:00+08:00",
                "--trusted-proxy",
                "127.0.0.1/32",
                "--admin-token-file",
                &token.to_string_lossy(),
                "--cors-origin",
                &server.origin(),
            ],
        );
        server.pass_api_to(&votes.address);
        Site { server, votes, _dir: dir }
    }

    fn totals(&self) -> serde_json::Value {
        let bearer = format!("Bearer {TOKEN}");
        get(&self.votes.address, "/api/export", &[("Authorization", &bearer)]).json()["totals"].clone()
    }
}

async fn text_of(browser: &Browser, selector: &str) -> String {
    let script = format!("const e = document.querySelector({selector:?}); return e ? e.textContent : '';");
    browser.eval(&script).await.as_str().unwrap_or_default().to_owned()
}

async fn wait_text(browser: &Browser, selector: &str, needle: &str) -> String {
    let script = format!(
        "const e = document.querySelector({selector:?}); return e && e.textContent.includes({needle:?}) ? e.textContent : null;"
    );
    let found = browser.wait_for(&script, &format!("{selector} to say {needle}"), Duration::from_secs(15)).await;
    found.as_str().unwrap_or_default().to_owned()
}

/// Clicks the first element matching `selector`, waiting for it to appear (a page may be reloading).
/// Waits until the vote button reads exactly `text` and is `disabled` or not.
async fn wait_button(browser: &Browser, text: &str, disabled: bool) {
    let script = format!(
        "const b = document.querySelector('.vote-button'); return b && b.textContent === {text:?} && b.disabled === {disabled} ? true : null;"
    );
    browser.wait_for(&script, &format!("the vote button to read {text}"), Duration::from_secs(15)).await;
}

async fn click(browser: &Browser, selector: &str) {
    let started = std::time::Instant::now();
    loop {
        let clicked = match browser.client.find(Locator::Css(selector)).await {
            Ok(element) => element.click().await,
            Err(e) => Err(e),
        };
        match clicked {
            Ok(()) => return,
            Err(e) if started.elapsed() > Duration::from_secs(10) => panic!("cannot click {selector}: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_goes_from_the_hall_to_a_case_and_looks_at_a_photo() {
    let (output, _, _) = sample();
    let server = StaticServer::start(output);
    let browser = Browser::start(1280, 900).await;
    browser.client.goto(&server.url).await.expect("home");
    click(&browser, "#categories .term-grid a").await;
    browser
        .wait_for("return location.pathname.startsWith('/categories/')", "a category page", Duration::from_secs(10))
        .await;
    click(&browser, ".card-link").await;
    browser.wait_for("return location.pathname.startsWith('/cases/')", "a case page", Duration::from_secs(10)).await;
    browser.screenshot("case-desktop").await;
    click(&browser, "a.photo-link").await;
    browser
        .wait_for("return document.querySelector('dialog.lightbox')?.open", "the larger view", Duration::from_secs(5))
        .await;
    browser
        .wait_for(
            "return document.querySelector('dialog.lightbox img').naturalWidth >= 1200",
            "the large photo",
            Duration::from_secs(10),
        )
        .await;
    browser.screenshot("photo-larger-view").await;
    browser.client.active_element().await.expect("focus").send_keys("\u{E00C}").await.expect("Escape");
    browser
        .wait_for("return !document.querySelector('dialog.lightbox').open", "Escape closes it", Duration::from_secs(5))
        .await;
    let focus = browser.eval("return document.activeElement.classList.contains('photo-link')").await;
    assert_eq!(focus, true, "focus returns to the photo that was opened");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_is_counted_and_a_second_one_the_same_day_says_when_the_next_is_possible() {
    let site = Site::start();
    let browser = Browser::start(1280, 900).await;
    browser.client.goto(&format!("{}cases/medical-insurance-mobile-pay/", site.server.url)).await.expect("case");
    // The service runs at 2020-08-25 (a rehearsal): the page says what the service's clock says, not the browser's.
    wait_text(&browser, ".vote-status", "投票进行中，8月31日截止").await;
    wait_button(&browser, "投票", false).await;
    click(&browser, ".vote-button").await;
    let answer = wait_text(&browser, ".vote-answer", "投票成功").await;
    assert!(answer.contains("回执编号"), "{answer}");
    // The button follows: this browser voted today, in the whole election (the sample's scope).
    wait_text(&browser, ".vote-button", "今日已投").await;
    assert_eq!(browser.eval("return document.querySelector('.vote-button').disabled").await, true);
    assert!(text_of(&browser, ".vote-hint").await.contains("8月26日可再投"));
    browser.screenshot("vote-counted").await;
    browser.client.goto(&format!("{}cases/smart-traffic-signals/", site.server.url)).await.expect("case");
    wait_text(&browser, ".vote-button", "今日已投").await;
    // Another browser on the same network (no memory of the vote) is told by the service.
    browser.eval("localStorage.clear(); return true").await;
    browser.client.refresh().await.expect("reload");
    wait_text(&browser, ".vote-status", "投票进行中").await;
    wait_button(&browser, "投票", false).await;
    click(&browser, ".vote-button").await;
    let refused = wait_text(&browser, ".vote-answer", "已经投过票").await;
    assert!(refused.contains("下次可投票时间：8月26日 00:00（北京时间）"), "{refused}");
    wait_text(&browser, ".vote-button", "今日已投").await;
    browser.screenshot("vote-refused").await;
    assert_eq!(site.totals(), serde_json::json!({"medical-insurance-mobile-pay": 1}));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vote_button_cannot_be_pressed_after_the_vote_or_without_the_service() {
    let (output, _, _) = sample_during_vote();
    let dir = tempfile::tempdir().expect("temp");
    let server = StaticServer::start(output);
    let votes = VoteService::start(
        &output.join("api/cases.json"),
        &dir.path().join("votes.redb"),
        &["--now", "2020-09-02T10:00:00+08:00", "--cors-origin", &server.origin()],
    );
    let browser = Browser::start(390, 844).await;
    // No vote service behind the site yet: the page says so, and the button cannot be pressed.
    browser.client.goto(&format!("{}cases/smart-traffic-signals/", server.url)).await.expect("case");
    wait_text(&browser, ".vote-button", "暂时无法投票").await;
    assert!(text_of(&browser, ".vote-hint").await.contains("暂时无法连接投票服务"));
    assert_eq!(browser.eval("return document.querySelector('.vote-button').disabled").await, true);
    browser.screenshot("vote-unreachable").await;
    // After the last day, by the service's clock.
    server.pass_api_to(&votes.address);
    browser.client.refresh().await.expect("reload");
    wait_text(&browser, ".vote-button", "投票已结束").await;
    assert!(text_of(&browser, ".vote-hint").await.contains("投票已于8月31日结束"));
    assert_eq!(browser.eval("return document.querySelector('.vote-button').disabled").await, true);
    browser.screenshot("vote-closed-phone").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_vote_form_still_records_a_vote() {
    let site = Site::start();
    let browser = Browser::start_with(1280, 900, false).await;
    browser.client.goto(&format!("{}cases/port-automation-terminal/", site.server.url)).await.expect("case");
    click(&browser, ".vote-button").await;
    browser.wait_for("return document.title === '投票成功'", "the answer page", Duration::from_secs(10)).await;
    assert!(text_of(&browser, "main").await.contains("回执编号"));
    browser.screenshot("vote-without-javascript").await;
    assert_eq!(site.totals(), serde_json::json!({"port-automation-terminal": 1}));
    browser.close().await;
}

/// Which state of the sample hall a page is looked at in.
#[derive(Clone, Copy, PartialEq)]
enum Hall {
    /// Without `votes/` and `scores/`: the vote button on case pages.
    DuringVote,
    /// With the sample's tally and marks: results pages, and the outcome on case pages.
    WithResults,
}

const PAGE_KINDS: [(&str, Hall, &str); 20] = [
    ("home", Hall::DuringVote, ""),
    ("category", Hall::DuringVote, "categories/applications/"),
    ("domain", Hall::DuringVote, "domains/industrial-internet/"),
    ("case", Hall::DuringVote, "cases/cosmoplat-mass-customisation/"),
    ("search", Hall::DuringVote, "search/?q=%E5%8C%BB%E4%BF%9D"),
    ("not-found", Hall::DuringVote, "no/such/page/"),
    ("home-with-results", Hall::WithResults, ""),
    ("case-with-results", Hall::WithResults, "cases/cosmoplat-mass-customisation/"),
    ("results", Hall::WithResults, "results/"),
    ("results-category", Hall::WithResults, "results/applications/"),
    ("results-method", Hall::WithResults, "results/method/"),
    ("results-integrity", Hall::WithResults, "results/integrity/"),
    ("organisation-award", Hall::WithResults, "results/organisations/"),
    ("collection", Hall::WithResults, "collection/"),
    ("closing-hashes", Hall::WithResults, "hashes/"),
    ("embed", Hall::DuringVote, "embed/cosmoplat-mass-customisation/"),
    ("partners", Hall::DuringVote, "partners/"),
    ("posters", Hall::DuringVote, "posters/applications/"),
    ("certificates", Hall::WithResults, "certificates/"),
    ("certificate", Hall::WithResults, "certificates/qingdao-2020-dx-applications-01/"),
];

/// A static server for each state of the hall.
fn servers() -> (StaticServer, StaticServer) {
    (StaticServer::start(&sample_during_vote().0), StaticServer::start(&sample().0))
}

fn url_of(servers: &(StaticServer, StaticServer), hall: Hall, path: &str) -> String {
    let server = if hall == Hall::DuringVote { &servers.0 } else { &servers.1 };
    format!("{}{path}", server.url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sized_window_never_scrolls_sideways() {
    let servers = servers();
    let browser = Browser::start(390, 844).await;
    for (kind, hall, path) in PAGE_KINDS {
        browser.client.goto(&url_of(&servers, hall, path)).await.expect("page");
        browser
            .wait_for("return document.readyState === 'complete'", "the page to load", Duration::from_secs(10))
            .await;
        let widths = browser.eval("return [document.documentElement.scrollWidth, window.innerWidth]").await;
        let widths: Vec<u32> = serde_json::from_value(widths).expect("widths");
        assert!(widths[0] <= widths[1], "{kind}: the page is {} px wide in a {} px window", widths[0], widths[1]);
        browser.screenshot(&format!("phone-{kind}")).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_serious_or_critical_violation_on_any_page_kind() {
    let axe = workspace_root().join("tests/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe).unwrap_or_else(|_| {
        panic!("{} is missing: run `npm install` in tests/ (bash tests/run.sh does)", axe.display())
    });
    let servers = servers();
    let browser = Browser::start(1280, 900).await;
    for (kind, hall, path) in PAGE_KINDS {
        browser.client.goto(&url_of(&servers, hall, path)).await.expect("page");
        browser
            .wait_for("return document.readyState === 'complete'", "the page to load", Duration::from_secs(10))
            .await;
        browser.eval(&axe).await;
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))));";
        let found = browser.client.execute_async(script, vec![]).await.expect("axe runs");
        assert_eq!(found, serde_json::json!([]), "{kind}: axe-core violations");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_rebuilds_reloads_and_shows_a_broken_edit_over_the_page() {
    let work = tempfile::tempdir().expect("temp");
    let content = work.path().join("content");
    copy_dir(&workspace_root().join("tests/fixtures/check/valid"), &content);
    let preview = Preview::start(&content, work.path());
    let browser = Browser::start(1280, 900).await;
    browser.client.goto(&format!("{}cases/submitted-on-last-day/", preview.url)).await.expect("case");
    browser.eval("window.beforeTheEdit = true; return true").await;
    let index = content.join("cases/submitted-on-last-day/index.md");
    let text = std::fs::read_to_string(&index).expect("read");
    std::fs::write(&index, text.replace("title: submitted-on-last-day 案例", "title: 编辑后的标题")).expect("edit");
    browser
        .wait_for(
            "return !window.beforeTheEdit && document.querySelector('h1')?.textContent === '编辑后的标题'",
            "the page to reload with the new title",
            Duration::from_secs(20),
        )
        .await;
    std::fs::write(&index, text.replace("launched: 2020-01-01", "launched: 2021-01-01")).expect("break");
    let problem = wait_text(&browser, "#hall-preview-problem", "launched").await;
    assert!(problem.contains("submitted-on-last-day/index.md:7: launched"), "{problem}");
    browser.screenshot("preview-problem").await;
    assert_eq!(text_of(&browser, "h1").await, "编辑后的标题", "the last good page stays under the overlay");
    std::fs::write(&index, &text).expect("fix");
    browser
        .wait_for(
            "return !document.getElementById('hall-preview-problem') && document.querySelector('h1')?.textContent === 'submitted-on-last-day 案例'",
            "the fixed page",
            Duration::from_secs(20),
        )
        .await;
    click(&browser, ".vote-button").await;
    wait_text(&browser, ".vote-answer", "投票成功").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_voting_each_visitor_sees_the_cards_in_an_order_of_their_own() {
    let site = Site::start();
    let browser = Browser::start(1280, 900).await;
    let order = "const b = document.querySelector('.vote-status strong'); \
                 return b ? [...document.querySelectorAll('.card-grid > li a')].map(a => a.getAttribute('href')) : null;";
    let mut orders = Vec::new();
    for seed in ["1", "2", "3"] {
        browser.client.goto(&format!("{}categories/applications/", site.server.url)).await.expect("listing");
        browser.eval(&format!("localStorage.setItem('hall-order-seed', '{seed}'); return true")).await;
        browser.client.refresh().await.expect("reload");
        wait_text(&browser, ".vote-status", "投票进行中").await;
        let seen = browser.wait_for(order, "the cards", Duration::from_secs(15)).await;
        orders.push(serde_json::from_value::<Vec<String>>(seen).expect("hrefs"));
    }
    let mut sorted: Vec<Vec<String>> = orders
        .iter()
        .map(|o| {
            let mut o = o.clone();
            o.sort();
            o
        })
        .collect();
    sorted.dedup();
    assert_eq!(sorted.len(), 1, "the same cards: {orders:?}");
    assert!(orders.iter().any(|o| o != &orders[0]), "different visitors, different orders: {orders:?}");
    // The same visitor sees the same order again.
    browser.eval("localStorage.setItem('hall-order-seed', '1'); return true").await;
    browser.client.refresh().await.expect("reload");
    wait_text(&browser, ".vote-status", "投票进行中").await;
    let again: Vec<String> =
        serde_json::from_value(browser.wait_for(order, "the cards", Duration::from_secs(15)).await).expect("hrefs");
    assert_eq!(again, orders[0]);
    browser.close().await;
}
