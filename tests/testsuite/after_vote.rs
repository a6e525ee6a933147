//! After the vote (#14), through the real binary: announcements (公告) in the feed, the sitemap and on the home
//! page, checked like cases; the panels' mark sheets written, filled, read back with a recusal (回避); the publicity
//! period (公示) with its end date in working days; objections published; the printable 通报.
//!
//! The sheets' selection: 3 cases of 推进信息技术应用, 2 shortlist places, panels of 3 media members and 5 experts
//! (`trim_panel_from: 5`). Votes: smart-traffic-signals 400 (V 100), medical-insurance-mobile-pay 300 (V 75),
//! smart-farming-laixi 200 (not shortlisted).
//! - traffic: M = mean(70, 72, 68) = 70; E: 60, 58, 62, 59, 61, five marks, drop 58 and 62, mean 60.
//!   S = 55 + 10.5 + 18 = 83.5.
//! - medical: M2 recused: M = mean(80, 90) = 85; E2 recused: E: 90, 70, 80, 64, four marks, so nothing is dropped
//!   (trimmed it would be 75): E = 304 / 4 = 76. S = 0.55 x 75 + 0.15 x 85 + 0.30 x 76 = 41.25 + 12.75 + 22.8 = 76.8.

use std::fs;
use std::path::Path;

use hall_tests::binaries::workspace_root;
use hall_tests::run::generator;
use hall_tests::site::{build, copy_dir, sample};
use serde_json::{Value, json};

const CASES: [&str; 3] = ["smart-traffic-signals", "medical-insurance-mobile-pay", "smart-farming-laixi"];

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    fs::write(file, text).expect("write");
}

/// The sample's site.yaml (2 shortlist places, panels of 3 and 5, no featured cases, `extra` appended) with `cases`.
fn selection(cases: &[&str], extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = workspace_root().join("content");
    let site = fs::read_to_string(sample.join("site.yaml")).expect("sample site.yaml");
    let site = site
        .replace("shortlist_per_category: 3", "shortlist_per_category: 2")
        .replace("    media: 5\n    expert: 7\n", "    media: 3\n    expert: 5\n");
    let site = site.split("\nfeatured:").next().expect("text before featured").to_owned() + "\n" + extra;
    assert!(site.contains("    media: 3\n    expert: 5\n"), "the sample names its panels' sizes");
    write(dir.path(), "site.yaml", &site);
    for case in cases {
        copy_dir(&sample.join("cases").join(case), &dir.path().join("cases").join(case));
    }
    dir
}

/// A tally as `vote-service export` writes it, all on the first day.
fn write_tally(root: &Path, totals: &[(&str, u64)]) {
    let total: u64 = totals.iter().map(|(_, n)| n).sum();
    let counts: serde_json::Map<String, Value> = totals.iter().map(|(c, n)| ((*c).to_owned(), json!(n))).collect();
    let tally = json!({
        "format": 1, "election": "qingdao-2020", "exported_at": "2020-09-01T00:00:00+08:00", "total_votes": total,
        "totals": counts, "daily": {"2020-08-22": counts}, "sources": [{"name": "votes.redb", "votes": total}],
    });
    write(root, "votes/tally.json", &(serde_json::to_string_pretty(&tally).expect("json") + "\n"));
}

fn title_of(case: &str) -> String {
    let index = fs::read_to_string(workspace_root().join("content/cases").join(case).join("index.md")).expect("case");
    let line = index.lines().find_map(|l| l.strip_prefix("title: ")).expect("a title line");
    line.split(" #").next().expect("title").trim().trim_matches('"').to_owned()
}

// ---- announcements (公告) ----

#[test]
fn announcements_are_in_the_feed_the_sitemap_and_on_the_home_page() {
    let (output, _, _) = sample();
    let read = |path: &str| fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let atom = read("atom.xml");
    for (id, title) in [
        ("2020-09-02-shortlist-published", "网上投票结束，各类别入围名单公布"),
        ("2020-08-24-one-vote-per-ip", "关于“每个IP每天限投1票”规则的说明"),
        ("2020-08-20-voting-opens", "2020青岛信息化典型案例网上投票将于8月22日开始"),
    ] {
        let entry = format!(
            "<title>{title}</title>\n    <link href=\"https://hall.example.org/news/{id}/\" rel=\"alternate\" type=\"text/html\"/>"
        );
        assert!(atom.contains(&entry), "atom.xml lists {id}");
        assert!(read("sitemap.xml").contains(&format!("<loc>https://hall.example.org/news/{id}/</loc>")), "{id}");
        assert!(read(&format!("news/{id}/index.html")).contains(&format!("<h1>{title}</h1>")), "{id}");
    }
    assert!(atom.contains("<updated>2020-09-02T00:00:00+08:00</updated>\n  <author>"), "the feed's date: the newest");
    assert!(read("sitemap.xml").contains("<loc>https://hall.example.org/news/</loc>"));
    // The home page: the latest three, the pinned rule change first.
    let home = read("index.html");
    let at = |id: &str| home.find(&format!("href=\"/news/{id}/\"")).unwrap_or_else(|| panic!("home links {id}"));
    assert!(at("2020-08-24-one-vote-per-ip") < at("2020-09-02-shortlist-published"));
    assert!(at("2020-09-02-shortlist-published") < at("2020-08-20-voting-opens"));
    // The rule change's banner is on every page, with its last day for the script.
    let banner = "<div class=\"rule-banner\" role=\"note\" data-until=\"2020-08-31\">";
    for page in ["index.html", "cases/smart-traffic-signals/index.html", "results/index.html", "news/index.html"] {
        assert!(read(page).contains(banner), "{page} shows the banner");
    }
}

#[test]
fn bad_announcements_are_reported_like_cases() {
    let content = selection(&["smart-traffic-signals"], "");
    write(content.path(), "news/2020-08-24-ok.md", "---\ntitle: 投票规则说明\ndate: 2020-08-24\n---\n正文\n");
    write(content.path(), "news/2020-08-25-again.md", "---\ntitle: 投票规则说明\ndate: 2020-08-26\n---\n");
    write(content.path(), "news/vote-rules.md", "---\ntitle: 无日期\ndate: 2020-08-24\n---\n");
    write(
        content.path(),
        "news/2020-08-27-change.md",
        "---\ntitle: 变更\ndate: 2020-08-27\nkind: rule-change\npined: true\n---\n",
    );
    write(content.path(), "news/notes.txt", "x");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "./news/2020-08-25-again.md:3: date: 2020-08-26 is not the date in the file name (2020-08-25); make them agree\n\
         ./news/2020-08-27-change.md:4: until: is missing: a rule change is shown as a banner on every page until \
         this day (YYYY-MM-DD)\n\
         ./news/2020-08-27-change.md:5: pined: unknown field; did you mean `pinned`?\n\
         ./news/notes.txt: news: warning: not an announcement; news/ holds only <date>-<slug>.md files, so this is \
         ignored\n\
         ./news/vote-rules.md: file: 'vote-rules.md' is not named <date>-<slug>.md (a date, then lowercase ASCII \
         letters and digits joined by hyphens), e.g. 2020-08-24-vote-rules.md\n\
         error: 4 problems in 3 files (1 warning)\n"
    );
    // The date fixed, the same title twice is the error left.
    write(content.path(), "news/2020-08-25-again.md", "---\ntitle: 投票规则说明\ndate: 2020-08-25\n---\n");
    fs::remove_file(content.path().join("news/vote-rules.md")).expect("rm");
    fs::remove_file(content.path().join("news/2020-08-27-change.md")).expect("rm");
    let out = generator(&["check", "--content", "."], content.path());
    assert!(
        out.stderr.contains(
            "./news/2020-08-25-again.md:2: title: '投票规则说明' is already the title of 2020-08-24-ok.md; give each \
             announcement its own title\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn the_preview_shows_a_new_or_edited_announcement() {
    let content = selection(&["smart-traffic-signals"], "");
    let work = tempfile::tempdir().expect("work dir");
    let preview = hall_tests::preview::Preview::start(content.path(), work.path());
    let output = work.path().join("output");
    let write_news = |title: &str| {
        let after = preview.printed();
        write(
            content.path(),
            "news/2020-08-24-vote-rules.md",
            &format!("---\ntitle: {title}\ndate: 2020-08-24\n---\n正文\n"),
        );
        preview.wait_for_line("rebuilt ", after)
    };
    let line = write_news("投票规则说明");
    assert!(line.starts_with("rebuilt "), "{line}");
    let page = fs::read_to_string(output.join("news/2020-08-24-vote-rules/index.html")).expect("the new page");
    assert!(page.contains("<h1>投票规则说明</h1>"));
    write_news("投票规则的说明（更新）");
    assert!(fs::read_to_string(output.join("index.html")).expect("home").contains(">投票规则的说明（更新）</a>"));
}

// ---- the panels' mark sheets ----

#[test]
fn a_sheet_written_filled_and_read_back_with_a_recusal_gives_the_hand_computed_means() {
    let content = selection(&CASES, "");
    let root = content.path();
    write_tally(root, &[(CASES[0], 400), (CASES[1], 300), (CASES[2], 200)]);
    let out = generator(&["sheets", "--content", ".", "--out", "sheets"], root);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let media = fs::read_to_string(root.join("sheets/media.csv")).expect("media.csv");
    let row = |case: &str, blanks: &str| format!("{case},{},推进信息技术应用{blanks}\r\n", title_of(case));
    assert_eq!(
        media,
        format!("\u{feff}案例编号,案例名称,类别,M1,M2,M3\r\n{}{}", row(CASES[0], ",,,"), row(CASES[1], ",,,"))
    );
    let expert = fs::read_to_string(root.join("sheets/expert.csv")).expect("expert.csv");
    assert!(expert.starts_with("\u{feff}案例编号,案例名称,类别,E1,E2,E3,E4,E5\r\n"), "{expert}");
    // Writing again never overwrites a sheet that may hold marks.
    let again = generator(&["sheets", "--content", ".", "--out", "sheets"], root);
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("sheets/media.csv already exists and may hold marks"), "{}", again.stderr);

    // The panels fill them in, as a spreadsheet saves them, and the editors commit them.
    let fill = |sheet: &str, marks: &[&str]| {
        let mut lines = sheet.split_inclusive("\r\n");
        let mut filled = lines.next().expect("header").to_owned();
        for (line, marks) in lines.zip(marks) {
            let blanks = line.trim_end_matches("\r\n").trim_end_matches(',');
            filled.push_str(&format!("{blanks},{marks}\r\n"));
        }
        filled
    };
    write(root, "scores/media.csv", &fill(&media, &["70,72,68", "80,回避,90"]));
    write(root, "scores/expert.csv", &fill(&expert, &["60,58,62,59,61", "90,回避,70,80,64"]));
    let built = build(root, None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let results: Value = serde_json::from_str(&built.read("api/results.json")).expect("results.json");
    let case = |id: &str| results["cases"].as_array().expect("cases").iter().find(|c| c["id"] == id).expect("case");
    let scores = |id: &str| {
        let c = case(id);
        (c["media_score"].clone(), c["expert_score"].clone(), c["composite"].clone(), c["rank"].clone())
    };
    assert_eq!(scores(CASES[0]), (json!(70.0), json!(60.0), json!(83.5), json!(1)));
    assert_eq!(scores(CASES[1]), (json!(85.0), json!(76.0), json!(76.8), json!(2)));
    assert_eq!(case(CASES[1])["expert_marks"], json!([90.0, 70.0, 80.0, 64.0]));
    // The method page says how many marked each case and how many were recused; members only by code.
    let method = built.read("results/method/index.html");
    let medical = format!(
        "<tr><th scope=\"row\">{}</th><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">4</td><td class=\"num\">1</td></tr>",
        title_of(CASES[1])
    );
    assert!(method.contains(&medical), "the method page counts the marks");
    assert!(built.read("results/inputs/scores/expert.csv").contains("90,回避,70,80,64"));
}

#[test]
fn a_bad_cell_is_an_error_with_its_row_and_column() {
    let content = selection(&CASES, "");
    let root = content.path();
    write_tally(root, &[(CASES[0], 400), (CASES[1], 300), (CASES[2], 200)]);
    let header = "案例编号,案例名称,类别";
    write(
        root,
        "scores/media.csv",
        &format!("{header},M1,M2,M3\r\n{},a,b,70,72,68\r\n{},a,b,80,,x\r\n", CASES[0], CASES[1]),
    );
    write(root, "scores/expert.csv", &format!("{header},E1\r\n{},a,b,60\r\n{},a,b,回避\r\n", CASES[0], CASES[1]));
    write(root, "scores/expert.yaml", "smart-traffic-signals: [60]\n");
    let out = generator(&["check", "--content", "."], root);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "./scores/expert.csv: expert.csv: both expert.csv and expert.yaml hold the 专家评审's marks; keep one of \
         them (the filled sheet or the YAML), so that they cannot disagree\n\
         ./scores/expert.csv:3: 案例编号: every member is recused from 'medical-insurance-mobile-pay' (回避): the \
         case has no mark\n\
         ./scores/media.csv:3: M2: the cell is empty: write M2's mark (0..100), or 回避 if M2 was recused from this \
         case\n\
         ./scores/media.csv:3: M3: 'x' is not a mark: write a number from 0 to 100, or 回避\n\
         error: 4 problems in 2 files\n"
    );
}

// ---- the publicity period (公示), objections, the 通报 ----

/// The sample's publicity block, with `working_days`.
fn publicity(working_days: u32) -> String {
    let site = fs::read_to_string(workspace_root().join("content/site.yaml")).expect("sample site.yaml");
    let block = site.split("\npublicity:\n").nth(1).expect("the sample has a publicity period");
    let block = block.replace("working_days: 5", &format!("working_days: {working_days}"));
    format!("publicity:\n{block}")
}

/// The three cases voted and marked (YAML marks), with the sample's publicity lasting `working_days`.
fn final_selection(working_days: u32) -> tempfile::TempDir {
    let content = selection(&CASES, &publicity(working_days));
    let root = content.path();
    write_tally(root, &[(CASES[0], 400), (CASES[1], 300), (CASES[2], 200)]);
    write(root, "scores/media.yaml", &format!("{}: [70, 72, 68]\n{}: [80, 90, 85]\n", CASES[0], CASES[1]));
    write(
        root,
        "scores/expert.yaml",
        &format!("{}: [60, 58, 62, 59, 61]\n{}: [90, 70, 80, 64, 66]\n", CASES[0], CASES[1]),
    );
    content
}

#[test]
fn the_publicity_period_counts_working_days_across_the_national_day_holiday() {
    // The sample: 5 working days from Monday 28 September 2020: 28, 29, 30 September, then 1-8 October off, then
    // Friday 9 October and the adjusted working Saturday 10 October.
    let (output, _, _) = sample();
    let results = fs::read_to_string(output.join("results/index.html")).expect("results page");
    assert!(results.contains("<h1><span data-until=\"2020-10-10\">拟评选结果公示</span>"));
    assert!(results.contains("公示期：<strong>2020年9月28日至2020年10月10日（5个工作日）</strong>"));
    assert!(results.contains("以真实姓名（单位加盖公章）提出，并提供必要的证据或线索和联系方式"));
    assert!(results.contains("异议受理：青岛市信息化典型案例评选办公室，电话 0532-80000000"));
    let category = fs::read_to_string(output.join("results/applications/index.html")).expect("category page");
    assert!(category.contains("公示期：<strong>2020年9月28日至2020年10月10日（5个工作日）</strong>"));
    // 7 working days: Sunday 11 October is a weekend day again, so Monday 12 and Tuesday 13 October.
    let built = build(final_selection(7).path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    assert!(
        built
            .read("results/index.html")
            .contains("公示期：<strong>2020年9月28日至2020年10月13日（7个工作日）</strong>")
    );
}

#[test]
fn objections_are_published_as_the_account_of_the_publicity() {
    let (output, _, _) = sample();
    let page = fs::read_to_string(output.join("results/objections/index.html")).expect("公示情况说明");
    assert!(page.contains("<h1>公示情况说明</h1>"));
    assert!(page.contains("公示期间共收到异议2件"));
    assert!(page.contains(
        "<tr><td class=\"num\" data-label=\"编号\">1</td><td data-label=\"收到日期\">2020年9月29日</td><td data-label=\"涉及案例\"><a href=\"/cases/smart-farming-laixi/\">智慧农业大田物联网服务平台</a></td>"
    ));
    assert!(page.contains(
        "<td data-label=\"处理结果\">经核查，反映的问题不属实，维持拟评选结果</td><td data-label=\"办结日期\">2020年10月9日</td></tr>"
    ));
    assert!(page.contains("<td data-label=\"处理结果\">经核查，反映的问题属实，已予纠正</td>"));
}

#[test]
fn an_objection_that_removes_a_case_needs_a_disqualify_decision() {
    let content = final_selection(5);
    let objection = |case: &str, outcome: &str| {
        format!(
            "- number: 1\n  received: 2020-09-29\n  case: {case}\n  summary: 反映申报材料不实。\n  handling: 核实。\n  \
             outcome: {outcome}\n  outcome_date: 2020-10-09\n"
        )
    };
    write(content.path(), "objections.yaml", &objection(CASES[1], "removed"));
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "./objections.yaml:6: [0].outcome: removes 'medical-insurance-mobile-pay', but no `disqualify` decision in \
         votes/decisions.yaml covers it: a case leaves the results only through a decision; add one (action: \
         disqualify, case: medical-insurance-mobile-pay) and export the tally again with it\n\
         error: 1 problem in 1 file\n"
    );
    write(content.path(), "objections.yaml", &objection("medical-insurance", "upheld"));
    let out = generator(&["check", "--content", "."], content.path());
    assert!(
        out.stderr.contains(
            "./objections.yaml:3: [0].case: no case has the id 'medical-insurance' (did you mean \
             'medical-insurance-mobile-pay'?)\n"
        ),
        "{}",
        out.stderr
    );
    write(content.path(), "objections.yaml", &objection(CASES[1], "upheld"));
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
}

#[test]
fn the_notice_names_the_organisers_and_annexes_the_typical_cases_and_the_awards() {
    let (output, _, _) = sample();
    let notice = fs::read_to_string(output.join("results/notice/index.html")).expect("通报");
    assert!(notice.contains(
        "<p class=\"notice-issuers\">中共青岛市委宣传部 中共青岛市委网信办 青岛市工业和信息化局 青岛市大数据发展管理局</p>"
    ));
    assert!(notice.contains("<h1>关于公布2020年信息化典型案例评选结果的通报</h1>"));
    assert!(notice.contains("并经2020年9月28日至2020年10月10日公示，确定典型案例8个，3个单位获得优秀组织奖。"));
    assert!(notice.contains(
        "<tr><td class=\"num\">2</td><td>推进信息技术应用</td><td>城市交通信号智能优化系统</td><td>青岛市公安局交通警察支队</td><td>青岛市公安局</td></tr>"
    ));
    let results: Value =
        serde_json::from_str(&fs::read_to_string(output.join("api/results.json")).expect("json")).expect("results");
    let awarded: Vec<&str> = results["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .filter(|o| o["award"] == true)
        .filter_map(|o| o["recommender"].as_str())
        .collect();
    assert_eq!(awarded.len(), 3);
    for (i, name) in awarded.iter().enumerate() {
        assert!(notice.contains(&format!("<tr><td class=\"num\">{}</td><td>{name}</td></tr>", i + 1)), "{name}");
    }
}
