//! Search as a citizen means it, in a real browser: cases that hold the query's parts anywhere, exact matches first.

use std::path::Path;
use std::time::Duration;

use hall_tests::binaries::workspace_root;
use hall_tests::browser::Browser;
use hall_tests::site::{build, copy_dir, sample, url_encode};
use hall_tests::static_server::StaticServer;

/// Adds a case `id` to `content` with the photos of the sample's port case and the given public texts.
fn add_case(content: &Path, id: &str, title: &str, applicant: &str, summary: &str) {
    let folder = content.join("cases").join(id);
    copy_dir(&content.join("cases/port-automation-terminal"), &folder);
    let index = std::fs::read_to_string(folder.join("index.md")).expect("read");
    let (front, _) = index.trim_start_matches("---\n").split_once("\n---\n").expect("front matter");
    let mut lines: Vec<String> = Vec::new();
    let mut in_summary = false;
    for line in front.lines() {
        if in_summary && line.starts_with("  ") {
            continue;
        }
        in_summary = false;
        if line.starts_with("title:") {
            lines.push(format!("title: {title}"));
        } else if line.starts_with("applicant:") {
            lines.push(format!("applicant: {applicant}"));
        } else if line.starts_with("summary:") {
            lines.push(format!("summary: {summary}"));
            in_summary = true;
        } else if line.starts_with("tags:") {
            lines.push("tags: [示例]".to_owned());
        } else {
            lines.push(line.to_owned());
        }
    }
    std::fs::write(folder.join("index.md"), format!("---\n{}\n---\n\n案例介绍。\n", lines.join("\n"))).expect("write");
}

/// The texts of the first results' links for `query`.
async fn results_for(browser: &Browser, url: &str, query: &str) -> Vec<String> {
    browser.client.goto(&format!("{url}search/?q={}", url_encode(query))).await.expect("open search");
    let found = browser
        .wait_for(
            "const s = document.querySelector('.search-status').textContent;
             if (!s || s.startsWith('正在')) return null;
             return [...document.querySelectorAll('.search-results .result-link')].map(a => a.getAttribute('href'));",
            &format!("results for {query}"),
            Duration::from_secs(20),
        )
        .await;
    serde_json::from_value(found).expect("hrefs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_cases_holding_the_query_parts_exact_matches_first() {
    let (_, sample_cache, _) = sample();
    let work = tempfile::tempdir().expect("temp");
    let content = work.path().join("content");
    copy_dir(&workspace_root().join("content"), &content);
    // The hall during the vote: the added cases have no votes or marks.
    std::fs::remove_dir_all(content.join("votes")).expect("the sample has votes/");
    std::fs::remove_dir_all(content.join("scores")).expect("the sample has scores/");
    add_case(
        &content,
        "port-dispatch-platform",
        "港口码头调度协同平台",
        "青岛港口物流协同中心",
        "港区车辆预约与堆场信息一网协同。",
    );
    add_case(
        &content,
        "logistics-park-platform",
        "智慧物流园区管理平台",
        "青岛物流园区运营有限公司",
        "园区车辆与码头数据互通，统一调度集疏运车辆。",
    );
    add_case(
        &content,
        "community-health-services",
        "社区卫生服务信息平台",
        "青岛社区卫生服务中心",
        "居民就诊后在手机上完成医保支付，免去排队。",
    );
    add_case(&content, "smart-parking", "城市停车服务平台", "青岛城市停车有限公司", "车辆离场时无感支付。");
    let cache = work.path().join("cache");
    copy_dir(sample_cache, &cache);
    let built = build(&content, Some(&cache));
    assert_eq!(built.run.code, Some(0), "the content with the added cases builds: {}", built.run.stderr);
    let server = StaticServer::start(&built.output());
    let browser = Browser::start(390, 844).await;

    // 医保支付: the case that says exactly that (in its summary) first, then the one holding 医保 and 支付 apart
    // (医保移动支付); not the one that holds only 支付.
    let found = results_for(&browser, &server.url, "医保支付").await;
    assert_eq!(found, ["/cases/community-health-services/", "/cases/medical-insurance-mobile-pay/"]);
    // 码头调度: exact in a title first; then 码头 and 调度 apart in a title (全自动化集装箱码头智能调度系统), before the
    // same two in a summary.
    let found = results_for(&browser, &server.url, "码头调度").await;
    assert_eq!(
        found,
        ["/cases/port-dispatch-platform/", "/cases/port-automation-terminal/", "/cases/logistics-park-platform/"]
    );
    // The header's box is the only search box and holds the query; each result has its thumbnail; the query's
    // parts are marked.
    let page = browser
        .eval(
            "return [document.querySelectorAll('input[type=search]').length, document.getElementById('header-q').value,
                     [...document.querySelectorAll('.search-results li')].every(li => li.querySelector('img[width][height]')),
                     [...document.querySelectorAll('.search-results li:nth-child(2) .result-link mark')].map(m => m.textContent)]",
        )
        .await;
    assert_eq!(page, serde_json::json!([1, "码头调度", true, ["码头", "调度"]]));
    browser.screenshot("search-phone").await;

    // With no query the page suggests categories, domains and the most used tags.
    browser.client.goto(&format!("{}search/", server.url)).await.expect("empty search");
    let suggested = browser
        .wait_for(
            "const s = document.querySelector('.search-suggestions');
             return s && !s.hidden ? [...s.querySelectorAll('h3')].map(h => h.textContent) : null;",
            "the suggestions",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(suggested, serde_json::json!(["案例类别", "应用领域", "热门关键词"]));
    let tag = browser
        .eval("return document.querySelector('.search-suggestions ul:last-of-type a').getAttribute('href')")
        .await;
    assert!(tag.as_str().is_some_and(|h| h.starts_with("/search/?q=")), "{tag}");
    browser.close().await;
}
