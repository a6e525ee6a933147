//! The hall as an exhibition once results exist: the pages name the scores in Chinese, celebrate the typical cases,
//! and the listings show badges in the results' order (what the built HTML says; the browser tests look at it).

use std::time::Duration;

use hall_tests::browser::Browser;
use hall_tests::site::{attribute_values, sample, sample_during_vote};
use hall_tests::static_server::StaticServer;
use hall_tests::vote_service::VoteService;

fn read(path: &str) -> String {
    let file = sample().0.join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The case links of a listing's cards, in order.
fn card_links(html: &str) -> Vec<String> {
    attribute_values(html, "href").into_iter().filter(|h| h.starts_with("/cases/")).fold(Vec::new(), |mut all, h| {
        if all.last() != Some(&h) {
            all.push(h);
        }
        all
    })
}

#[test]
fn results_pages_name_v_m_e_and_s_in_chinese() {
    let category = read("results/applications/index.html");
    for name in ["网上投票得分 V", "媒体评测得分 M", "专家评审得分 E", "综合得分 S"] {
        assert!(category.contains(&format!("<th scope=\"col\" class=\"num\">{name}</th>")), "a column named {name}");
        assert!(category.contains(&format!("data-label=\"{name}\"")), "each figure labelled {name} on a phone");
    }
    assert!(!category.contains("table-scroll"), "no table in a sideways scroll");
}

#[test]
fn the_results_overview_shows_the_typical_cases_then_the_awards_then_the_method() {
    let overview = read("results/index.html");
    let at = |needle: &str| overview.find(needle).unwrap_or_else(|| panic!("the overview has {needle}"));
    assert!(at("id=\"winners-h\"") < at("id=\"awards-h\"") && at("id=\"awards-h\"") < at("id=\"method-h\""));
    // A card for each of the sample's 8 typical cases, with its photo, category and score.
    assert_eq!(overview.matches("class=\"badge card-badge is-winner\"").count(), 8);
    assert!(overview.contains("<span class=\"score\">93.29</span>"), "the score of 城市交通信号智能优化系统");
    assert_eq!(overview.matches("<picture>").count(), 8);
}

#[test]
fn the_method_page_compares_the_two_vote_scores_in_one_table() {
    let method = read("results/method/index.html");
    assert_eq!(
        method.matches("<table").count(),
        3,
        "the weights, one table for every category, the marks each case had"
    );
    assert_eq!(method.matches("scope=\"rowgroup\"").count(), 8, "a group for each category");
}

#[test]
fn after_the_results_listings_are_in_rank_order_with_badges() {
    let listing = read("categories/applications/index.html");
    assert_eq!(
        card_links(&listing),
        [
            "/cases/smart-traffic-signals/",
            "/cases/smart-farming-laixi/",
            "/cases/medical-insurance-mobile-pay/",
            "/cases/haier-smart-factory-5g/"
        ],
        "typical case, the shortlist by rank, then the others"
    );
    assert_eq!(listing.matches(">典型案例</span>").count(), 1);
    assert_eq!(listing.matches(">入围</span>").count(), 2);
    assert!(!listing.contains("data-shuffle-while-voting"), "no order per visitor after the vote");
    let home = read("index.html");
    assert!(home.contains(">典型案例</span>"), "the featured cases show their badges");
}

#[test]
fn the_home_page_names_the_hall_once_and_opens_with_the_featured_cases_photos() {
    let home = std::fs::read_to_string(sample_during_vote().0.join("index.html")).expect("home");
    let body = home.split("<body").nth(1).expect("a body");
    assert_eq!(body.matches("2020青岛信息化典型案例网上展厅").count(), 1, "the title once, in the h1");
    assert!(body.contains("<a class=\"brand\" href=\"/\">网上展厅</a>"));
    let mosaic = body.split("class=\"hero-mosaic\"").nth(1).and_then(|m| m.split("</div>").next()).expect("mosaic");
    let cards = body.split("id=\"featured-h\"").nth(1).and_then(|f| f.split("</ul>").next()).expect("cards");
    let photos = |html: &str| {
        let mut found: Vec<String> = attribute_values(html, "src")
            .into_iter()
            .filter_map(|u| u.split("-480.").next().map(str::to_owned))
            .collect();
        found.dedup();
        found
    };
    // Each featured card shows the photo least like the cards' before it: 城市云脑运行指挥中心's first photo is a
    // dashboard like the first card's, so it shows its fourth; the entrance shows none of the cards' photos.
    assert_eq!(
        photos(cards),
        [
            "/cases/cosmoplat-mass-customisation/photo-1",
            "/cases/medical-insurance-mobile-pay/photo-2",
            "/cases/city-operations-centre/photo-4"
        ]
    );
    assert!(photos(mosaic).iter().all(|p| !photos(cards).contains(p)), "{:?}", photos(mosaic));
    assert_eq!(mosaic.matches("<picture>").count(), 3);
}

/// Waits until `script` returns a string and gives it back.
async fn wait_string(browser: &Browser, script: &str, what: &str) -> String {
    let found = browser.wait_for(script, what, Duration::from_secs(15)).await;
    found.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_vote_the_case_page_keeps_the_receipt_and_says_how_to_check_it() {
    let output = &sample_during_vote().0;
    let dir = tempfile::tempdir().expect("temp");
    let server = StaticServer::start(output);
    let votes = VoteService::start(
        &output.join("api/cases.json"),
        &dir.path().join("votes.redb"),
        &["--now", "2020-08-25T10:00:00+08:00", "--trusted-proxy", "127.0.0.1/32", "--cors-origin", &server.origin()],
    );
    server.pass_api_to(&votes.address);
    let browser = Browser::start(390, 844).await;
    browser.client.goto(&format!("{}cases/medical-insurance-mobile-pay/", server.url)).await.expect("case");
    // The days to go, by the service's clock: 25 to 31 August.
    let status = wait_string(
        &browser,
        "const s = document.querySelector('.vote-status strong'); return s && s.textContent.includes('进行中') ? s.textContent : null;",
        "the voting status",
    )
    .await;
    assert_eq!(status, "投票进行中，8月31日截止，还剩 7 天。");
    // Tags lead to a search for them.
    let tag = browser.eval("return document.querySelector('.tags a').getAttribute('href')").await;
    assert_eq!(tag, "/search/?q=%E5%8C%BB%E4%BF%9D");
    browser
        .wait_for(
            "const b = document.querySelector('.vote-button'); return b && !b.disabled",
            "the button",
            Duration::from_secs(15),
        )
        .await;
    browser.client.find(fantoccini::Locator::Css(".vote-button")).await.expect("button").click().await.expect("click");
    let answer = wait_string(
        &browser,
        "const a = document.querySelector('.vote-answer'); return a && a.querySelector('code') ? a.textContent : null;",
        "the answer with its receipt",
    )
    .await;
    assert!(answer.starts_with("投票成功！感谢您为《医保移动支付“一码通办”》投票。"), "no nested quotes: {answer}");
    assert!(answer.contains("查验回执"), "how to check it later: {answer}");
    let receipt = browser.eval("return document.querySelector('.vote-answer code').textContent").await;
    let receipt = receipt.as_str().expect("a receipt").to_owned();
    browser.screenshot("vote-receipt-phone").await;
    // Later the same day, the page recalls the receipt.
    browser.client.refresh().await.expect("reload");
    let hint = wait_string(
        &browser,
        "const h = document.querySelector('.vote-hint'); return h && !h.hidden && h.textContent.includes('回执') ? h.textContent : null;",
        "the hint with the receipt",
    )
    .await;
    assert!(hint.contains(&format!("回执编号：{receipt}")) && hint.contains("8月26日可再投"), "{hint}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_entrance_shows_the_days_left_two_categories_a_row_and_a_timeline_that_ends_at_its_dot() {
    let output = &sample_during_vote().0;
    let dir = tempfile::tempdir().expect("temp");
    let server = StaticServer::start(output);
    let votes = VoteService::start(
        &output.join("api/cases.json"),
        &dir.path().join("votes.redb"),
        &["--now", "2020-08-30T10:00:00+08:00", "--cors-origin", &server.origin()],
    );
    server.pass_api_to(&votes.address);
    let browser = Browser::start(390, 844).await;
    browser.client.goto(&server.url).await.expect("home");
    let status = wait_string(
        &browser,
        "const s = document.querySelector('.hero .vote-status strong'); return s && s.textContent.includes('还剩') ? s.textContent : null;",
        "the days left",
    )
    .await;
    assert_eq!(status, "投票进行中，8月31日截止，还剩 2 天。");
    let layout = browser
        .eval(
            "const cells = [...document.querySelectorAll('.term-grid > li')].map(li => li.getBoundingClientRect());
             const steps = [...document.querySelectorAll('.timeline > li')];
             const last = steps[steps.length - 1];
             const line = s => getComputedStyle(s, '::after').content;
             return [cells[0].top === cells[1].top && cells[1].left > cells[0].left,
                     steps.slice(0, -1).every(s => line(s) !== 'none'), line(last),
                     document.querySelectorAll('.hero-mosaic img').length];",
        )
        .await;
    assert_eq!(layout, serde_json::json!([true, true, "none", 3]), "two categories a row; no line past the last dot");
    browser.screenshot("home-phone").await;
    browser.close().await;
}
