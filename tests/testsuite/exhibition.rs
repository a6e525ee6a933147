//! The hall as an exhibition once results exist: the pages name the scores in Chinese, celebrate the typical cases,
//! and the listings show badges in the results' order (what the built HTML says; the browser tests look at it).

use hall_tests::site::{attribute_values, sample};

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
    assert_eq!(method.matches("<table").count(), 2, "the weights and one table for every category");
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
    let home = std::fs::read_to_string(hall_tests::site::sample_during_vote().0.join("index.html")).expect("home");
    let body = home.split("<body").nth(1).expect("a body");
    assert_eq!(body.matches("2020青岛信息化典型案例网上展厅").count(), 1, "the title once, in the h1");
    assert!(body.contains("<a class=\"brand\" href=\"/\">网上展厅</a>"));
    let mosaic = body.split("class=\"hero-mosaic\"").nth(1).and_then(|m| m.split("</div>").next()).expect("mosaic");
    // The second photo of each featured case: not the picture of its card below.
    for photo in ["port-automation-terminal/photo-2-", "medical-insurance-mobile-pay/photo-2-"] {
        assert!(mosaic.contains(photo), "{photo} in the entrance");
    }
    assert_eq!(mosaic.matches("<picture>").count(), 3);
}
