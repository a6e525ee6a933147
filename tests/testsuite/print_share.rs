//! Print and share (#15), through the real binaries: certificates with their numbers, verification pages and QR
//! codes; Open Graph tags and the share QR code of case pages; the embed pages and the partners page (with nginx
//! framing them for the partners only, and a vote from an embed in Chromium); the exhibition's posters, printed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use expect_test::expect;
use hall_tests::binaries::workspace_root;
use hall_tests::browser::Browser;
use hall_tests::http::get;
use hall_tests::nginx::{Nginx, Upstream};
use hall_tests::pdf::{images as pdf_images, page_count, page_size, page_text};
use hall_tests::run::generator;
use hall_tests::site::{attribute_values, build_into, copy_dir, files_of, sample, sample_during_vote};
use hall_tests::static_server::StaticServer;
use hall_tests::vote_service::{VoteService, run};

/// `base_url` of the sample's `site.yaml`.
const BASE_URL: &str = "https://hall.example.org/";
/// The partner platforms of the sample's `site.yaml`.
const PARTNERS: [(&str, &str); 2] =
    [("青岛新闻网（示例）", "https://news.example.com"), ("青岛政务网（示例）", "https://www.example.gov.cn")];

/// The text a QR code in a PNG holds.
fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let (width, height) = (image.width() as usize, image.height() as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| image.get_pixel(x as u32, y as u32).0[0]);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes").1
}

/// The output file a URL of the hall is served from: `https://hall.example.org/a/b/` is `a/b/index.html`.
fn file_of_url(output: &Path, url: &str) -> PathBuf {
    let path = url.strip_prefix(BASE_URL).unwrap_or_else(|| panic!("{url} is not on the hall"));
    output.join(path).join("index.html")
}

fn certificate_numbers(output: &Path) -> Vec<String> {
    let mut numbers: Vec<String> = fs::read_dir(output.join("certificates"))
        .expect("certificates/")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    numbers.sort();
    numbers
}

/// The sample content, copied, with `edit` applied to its `site.yaml`, built with the sample's photo cache.
fn sample_with(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let (_, sample_cache, _) = sample();
    let dir = tempfile::tempdir().expect("temp");
    let (content, output, cache) = (dir.path().join("content"), dir.path().join("output"), dir.path().join("cache"));
    copy_dir(&workspace_root().join("content"), &content);
    copy_dir(sample_cache, &cache);
    let site = fs::read_to_string(content.join("site.yaml")).expect("site.yaml");
    fs::write(content.join("site.yaml"), edit(&site)).expect("write site.yaml");
    let run = build_into(&content, &workspace_root().join("themes/default"), &output, &cache);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    (dir, output)
}

#[test]
fn each_typical_case_and_organisation_award_has_a_certificate_whose_number_every_build_repeats() {
    let (output, cache, _) = sample();
    let numbers = certificate_numbers(output);
    assert_eq!(
        numbers,
        [
            "qingdao-2020-dx-applications-01",
            "qingdao-2020-dx-cybersecurity-01",
            "qingdao-2020-dx-data-resources-01",
            "qingdao-2020-dx-digital-literacy-01",
            "qingdao-2020-dx-infrastructure-01",
            "qingdao-2020-dx-it-industry-01",
            "qingdao-2020-dx-mechanisms-01",
            "qingdao-2020-dx-talent-01",
            "qingdao-2020-zz-01",
            "qingdao-2020-zz-02",
            "qingdao-2020-zz-03",
        ]
    );
    let again = tempfile::tempdir().expect("temp");
    let root = workspace_root();
    let run = build_into(&root.join("content"), &root.join("themes/default"), &again.path().join("output"), cache);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let certificates = |dir: &Path| {
        files_of(dir).into_iter().filter(|(path, _)| path.starts_with("certificates/")).collect::<Vec<_>>()
    };
    assert_eq!(certificates(&again.path().join("output")), certificates(output), "the same files, byte for byte");
}

#[test]
fn a_certificate_s_page_says_what_was_awarded_to_whom_and_prints_on_a4_landscape() {
    let (output, _, _) = sample();
    let html =
        fs::read_to_string(output.join("certificates/qingdao-2020-dx-applications-01/index.html")).expect("page");
    for needle in [
        "编号为 <code>qingdao-2020-dx-applications-01</code> 的证书授予<strong>青岛市公安局交通警察支队</strong>，奖项为<strong>推进信息技术应用类典型案例</strong>",
        "<dt>案例</dt><dd><a href=\"/cases/smart-traffic-signals/\">城市交通信号智能优化系统</a></dd>",
        "<dt>推荐单位</dt><dd>青岛市公安局</dd>",
        "<dt>类别名次</dt><dd>推进信息技术应用第1名，综合得分 93.29</dd>",
        "<dt>颁发日期</dt><dd>2020年9月30日</dd>",
        "<a href=\"/results/applications/\">推进信息技术应用的评选结果</a>",
        "<p class=\"certificate-award\">推进信息技术应用类典型案例</p>",
        "<p>中共青岛市委宣传部</p>",
        "<p>青岛市大数据发展管理局</p>",
        "<img src=\"/certificates/qingdao-2020-dx-applications-01/qr.png\"",
    ] {
        assert!(html.contains(needle), "the certificate's page lacks {needle}");
    }
    let organisation = fs::read_to_string(output.join("certificates/qingdao-2020-zz-01/index.html")).expect("page");
    assert!(organisation.contains("<p class=\"certificate-award\">优秀组织奖</p>"));
    assert!(organisation.contains("<a href=\"/results/organisations/\">优秀组织奖名单</a>"));
    let css = attribute_values(&html, "href").into_iter().find(|h| h.contains("/certificate.")).expect("its CSS");
    let css = fs::read_to_string(output.join(css.trim_start_matches('/'))).expect("CSS");
    assert!(css.contains("@page{size:A4 landscape;margin:0;}"), "{css}");
    let list = fs::read_to_string(output.join("certificates/index.html")).expect("list");
    assert_eq!(list.matches("<th scope=\"row\"><a href=\"/certificates/").count(), 11);
}

#[test]
fn every_certificate_s_qr_code_opens_its_own_verification_page() {
    let (output, _, _) = sample();
    for number in certificate_numbers(output) {
        let url = decode_qr(&fs::read(output.join(format!("certificates/{number}/qr.png"))).expect("qr.png"));
        assert_eq!(url, format!("{BASE_URL}certificates/{number}/"));
        let page = fs::read_to_string(file_of_url(output, &url)).expect("the page the QR code opens");
        assert!(page.contains("<h1 id=\"verify-h\">证书查验</h1>"), "{number}");
        assert!(page.contains(&format!("编号为 <code>{number}</code> 的证书授予")), "{number}");
    }
}

/// Runs `generator certificates` on the sample content into `out`; its stdout.
fn print_certificates(dir: &Path, out: &Path) -> String {
    let root = workspace_root();
    let (content, theme) = (root.join("content"), root.join("themes/default"));
    let args = ["certificates", "--content", &content.to_string_lossy(), "--theme", &theme.to_string_lossy()];
    let run = generator(&[&args[..], &["--out", &out.to_string_lossy()]].concat(), dir);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
}

#[test]
fn every_certificate_is_a_one_page_a4_landscape_pdf_whose_qr_code_opens_its_verification_page() {
    let (output, _, _) = sample();
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("certificates");
    let stdout = print_certificates(dir.path(), &out);
    let numbers = certificate_numbers(output);
    assert_eq!(numbers.len(), 11);
    assert!(stdout.starts_with(&format!("wrote 11 certificates to {}", out.display())), "{stdout}");
    let mut expected: Vec<String> = numbers.iter().map(|n| format!("{n}.pdf")).collect();
    expected.push("all.pdf".to_owned());
    expected.sort();
    assert_eq!(files_of(&out).into_keys().collect::<Vec<_>>(), expected, "a PDF per certificate, and all of them");
    for number in &numbers {
        let pdf = out.join(format!("{number}.pdf"));
        assert_eq!(page_count(&pdf), 1, "{number}");
        let (width, height) = page_size(&pdf);
        assert!((width - 841.89).abs() < 0.5 && (height - 595.28).abs() < 0.5, "A4 landscape: {width} x {height}");
        // The words of the verification page's certificate.
        let page = fs::read_to_string(output.join(format!("certificates/{number}/index.html"))).expect("page");
        let between = |from: &str, to: &str| -> String {
            let start = page.find(from).map(|i| i + from.len()).expect(from);
            page[start..].split(to).next().expect(to).to_owned()
        };
        let recipient = between("<p class=\"certificate-to\">", "：</p>");
        let citation = between("<p class=\"certificate-award\">", "</p>");
        let text: String = page_text(&pdf, 1).chars().filter(|c| !c.is_whitespace()).collect();
        for needle in
            ["荣誉证书", number.as_str(), &recipient, &citation, "特发此证。", "中共青岛市委宣传部", "2020年9月30日"]
        {
            assert!(text.contains(needle), "{number}.pdf lacks {needle}: {text}");
        }
        // The printed QR code opens the certificate's own verification page.
        let images = pdf_images(&pdf, &dir.path().join("images").join(number));
        assert_eq!(images.len(), 1, "{number}: one image, the QR code");
        let url = decode_qr(&fs::read(&images[0]).expect("png"));
        assert_eq!(url, format!("{BASE_URL}certificates/{number}/"));
        assert!(file_of_url(output, &url).is_file());
    }
    let all = out.join("all.pdf");
    assert_eq!(page_count(&all), numbers.len());
    for (i, number) in numbers.iter().enumerate() {
        let shown = (1..=numbers.len()).filter(|p| page_text(&all, *p).contains(number.as_str())).collect::<Vec<_>>();
        assert_eq!(shown.len(), 1, "{number} is on one page of all.pdf: {shown:?} ({i})");
    }
}

#[test]
fn certificates_pdf_bytes_repeat_and_a_stale_pdf_is_kept_but_named() {
    let dir = tempfile::tempdir().expect("temp");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    print_certificates(dir.path(), &first);
    fs::create_dir(&second).expect("mkdir");
    fs::write(second.join("qingdao-2019-dx-applications-01.pdf"), b"%PDF of last year").expect("write");
    let run = generator(
        &[
            "certificates",
            "--content",
            &workspace_root().join("content").to_string_lossy(),
            "--theme",
            &workspace_root().join("themes/default").to_string_lossy(),
            "--out",
            &second.to_string_lossy(),
        ],
        dir.path(),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let stale = second.join("qingdao-2019-dx-applications-01.pdf");
    assert!(
        run.stderr.contains(&format!("warning: {}: not a certificate of the current results", stale.display())),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read(&stale).expect("kept"), b"%PDF of last year");
    let mut again = files_of(&second);
    again.remove("qingdao-2019-dx-applications-01.pdf");
    assert!(files_of(&first) == again, "two runs gave different files or bytes");
}

/// Runs `generator certificates` in `dir` on its `content/` (a changed copy of the sample), writing `certificates/`.
fn certificates_of_copy(dir: &Path) -> hall_tests::run::Output {
    let theme = workspace_root().join("themes/default");
    generator(&["certificates", "--content", "content", "--theme", &theme.to_string_lossy()], dir)
}

#[test]
fn a_certificate_too_long_for_its_page_is_refused_by_number_not_printed_on_two_sheets() {
    let dir = tempfile::tempdir().expect("temp");
    let content = dir.path().join("content");
    copy_dir(&workspace_root().join("content"), &content);
    let case = content.join("cases/smart-traffic-signals/index.md");
    let long = "青岛市公安局交通警察支队".repeat(25);
    let text = fs::read_to_string(&case).expect("case");
    fs::write(&case, text.replace("applicant: 青岛市公安局交通警察支队", &format!("applicant: {long}")))
        .expect("write");
    let run = certificates_of_copy(dir.path());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let why =
        format!("a certificate must fit one page, and these do not: qingdao-2020-dx-applications-01 (to {long});");
    assert!(run.stderr.contains(&why), "{}", run.stderr);
    assert!(!dir.path().join("certificates").exists(), "nothing written");
}

#[test]
fn without_final_results_there_are_no_certificate_pdfs_and_the_command_says_why() {
    let dir = tempfile::tempdir().expect("temp");
    let content = dir.path().join("content");
    copy_dir(&workspace_root().join("content"), &content);
    fs::remove_dir_all(content.join("scores")).expect("rm scores");
    let run = certificates_of_copy(dir.path());
    assert_eq!(run.code, Some(1));
    let why = "error: content has no final results yet: the certificates go to the typical cases and the organisation award, known once";
    assert!(run.stderr.starts_with(why), "{}", run.stderr);
    assert!(!dir.path().join("certificates").exists(), "nothing written");
}

#[test]
fn there_are_no_certificates_before_the_results_are_final() {
    let (output, _, _) = sample_during_vote();
    assert!(!output.join("certificates").exists());
    let footer = "<p><a href=\"/posters/\">案例展海报</a> · <a href=\"/partners/\">合作平台嵌入</a>";
    let home = fs::read_to_string(output.join("index.html")).expect("home");
    assert!(home.contains(&format!("{footer}</p>")), "the footer links posters and partners, no certificates yet");
    let (final_output, _, _) = sample();
    let home = fs::read_to_string(final_output.join("index.html")).expect("home");
    let hashes = " · <a href=\"/hashes/\">计票存证</a>";
    assert!(home.contains(&format!("{footer} · <a href=\"/certificates/\">证书查验</a>{hashes}</p>")));
}

#[test]
fn a_case_page_has_open_graph_tags_and_a_qr_code_of_its_own_url() {
    let (output, _, _) = sample();
    let html = fs::read_to_string(output.join("cases/smart-traffic-signals/index.html")).expect("page");
    let tags: Vec<&str> = html.lines().filter(|l| l.starts_with("<meta property=\"og:")).collect();
    let photo = attribute_values(&html, "srcset")
        .into_iter()
        .find(|u| u.contains("photo-1-1200.") && u.ends_with(".jpg"))
        .expect("the first photo at 1200 px");
    expect![[r#"
        <meta property="og:type" content="article">
        <meta property="og:title" content="城市交通信号智能优化系统">
        <meta property="og:description" content="青岛市公安局交通警察支队：利用路口视频和网约车轨迹数据实时计算交通流量，对主城区 1,100 个路口信号灯进行自适应配时和干线绿波协调，高峰时段主干道平均车速提高 12%。">
        <meta property="og:url" content="https://hall.example.org/cases/smart-traffic-signals/">
        <meta property="og:site_name" content="2020青岛信息化典型案例网上展厅">
        <meta property="og:locale" content="zh_CN">
        <meta property="og:image" content="https://hall.example.org/cases/smart-traffic-signals/PHOTO">
        <meta property="og:image:width" content="1200">
        <meta property="og:image:height" content="900">
        <meta property="og:image:alt" content="香港中路晚高峰车流">"#]]
    .assert_eq(&tags.join("\n").replace(photo.trim_start_matches("/cases/smart-traffic-signals/"), "PHOTO"));
    assert!(output.join(photo.trim_start_matches('/')).is_file(), "og:image is published");
    assert!(html.contains(
        "<img class=\"share-qr\" src=\"/cases/smart-traffic-signals/qr.png\" width=\"128\" height=\"128\" \
         alt=\"本页的二维码：用手机扫描即可打开“城市交通信号智能优化系统”案例页面\">"
    ));
    assert!(html.contains("<h2 id=\"share-h\">扫码分享</h2>"));
    let url = decode_qr(&fs::read(output.join("cases/smart-traffic-signals/qr.png")).expect("qr.png"));
    assert_eq!(url, format!("{BASE_URL}cases/smart-traffic-signals/"));
    assert!(fs::read_to_string(file_of_url(output, &url)).expect("page").contains("<h1>城市交通信号智能优化系统</h1>"));
}

#[test]
fn results_pages_have_open_graph_tags_too() {
    let (output, _, _) = sample();
    for (path, title) in [("results/", "评选结果"), ("results/applications/", "推进信息技术应用：评选结果")]
    {
        let html = fs::read_to_string(output.join(path).join("index.html")).expect("page");
        assert!(html.contains(&format!("<meta property=\"og:title\" content=\"{title}\">")), "{path}");
        assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{BASE_URL}{path}\">")), "{path}");
        assert!(html.contains("<meta property=\"og:type\" content=\"website\">"), "{path}");
        assert!(html.contains("<meta property=\"og:locale\" content=\"zh_CN\">"), "{path}");
    }
}

#[test]
fn an_embed_page_with_its_css_and_js_weighs_under_10_kb_and_posts_to_the_hall() {
    let (output, _, _) = sample_during_vote();
    let ids = fs::read_dir(output.join("embed")).expect("embed/").count();
    assert_eq!(ids, 18, "one embed page per case");
    for entry in fs::read_dir(output.join("embed")).expect("embed/") {
        let id = entry.expect("entry").file_name().to_string_lossy().into_owned();
        let html = fs::read_to_string(output.join(format!("embed/{id}/index.html"))).expect("page");
        let mut total = html.len();
        for url in attribute_values(&html, "href").into_iter().chain(attribute_values(&html, "src")) {
            if url.ends_with(".css") || url.ends_with(".js") {
                total += fs::metadata(output.join(url.trim_start_matches('/'))).expect("asset").len() as usize;
            }
        }
        assert!(total < 10 * 1024, "embed/{id}/: {total} bytes with its CSS and JS");
        assert!(html.contains("<form class=\"vote-form\" method=\"post\" action=\"/api/votes\" target=\"_blank\""));
        assert!(html.contains(&format!("<input type=\"hidden\" name=\"case\" value=\"{id}\">")));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    }
    let sitemap = fs::read_to_string(output.join("sitemap.xml")).expect("sitemap");
    assert!(!sitemap.contains("/embed/"), "embed pages are for frames, not for search engines");
}

#[test]
fn the_partners_page_lists_the_configured_origins_and_a_snippet_for_every_case() {
    let (output, _, _) = sample_during_vote();
    let html = fs::read_to_string(output.join("partners/index.html")).expect("partners page");
    for (name, origin) in PARTNERS {
        assert!(html.contains(&format!("<tr><th scope=\"row\">{name}</th><td><code>{origin}</code></td></tr>")));
    }
    assert_eq!(html.matches("<pre><code>&lt;iframe src=&quot;https://hall.example.org/embed/").count(), 18);
    assert!(html.contains(
        "<pre><code>&lt;iframe src=&quot;https://hall.example.org/embed/smart-traffic-signals/&quot; \
         title=&quot;城市交通信号智能优化系统（投票）&quot; width=&quot;360&quot; height=&quot;480&quot; \
         loading=&quot;lazy&quot; style=&quot;border:0;max-width:100%&quot;&gt;&lt;/iframe&gt;</code></pre>"
    ));
}

#[test]
fn a_partner_origin_that_is_not_scheme_and_host_is_refused_on_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = fs::read_to_string(workspace_root().join("tests/fixtures/check/valid/site.yaml")).expect("site.yaml");
    let partners = "\npartners:\n  - name: 合作网站\n    origin: https://news.example.com/vote\n  - name: ''\n    origin: https://b.example\n";
    fs::write(dir.path().join("site.yaml"), format!("{site}{partners}")).expect("write");
    fs::create_dir(dir.path().join("cases")).expect("cases/");
    let out = generator(&["check", "--content", "."], dir.path());
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines = site.lines().count();
    assert_eq!(
        out.stderr,
        format!(
            "./site.yaml:{}: partners[0].origin: 'https://news.example.com/vote' is not an origin; write scheme and \
             host only, e.g. https://www.example.com\n./site.yaml:{}: partners[1].name: is empty; give the \
             platform's name\nerror: 2 problems in 1 file\n",
            lines + 4,
            lines + 5
        )
    );
}

#[test]
fn nginx_lets_only_the_partners_frame_the_embed_pages() {
    let (output, _, _) = sample_during_vote();
    let origins = PARTNERS.map(|(_, origin)| origin).join(" ");
    let nginx = Nginx::start_with(output, Upstream::One("127.0.0.1:1"), "", &[("PARTNER_ORIGINS", origins.clone())]);
    let embed = get(&nginx.address, "/embed/smart-traffic-signals/", &[]);
    assert_eq!(embed.status, 200);
    assert_eq!(
        embed.header("content-security-policy"),
        Some(
            format!(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
                 form-action 'self'; base-uri 'none'; frame-ancestors 'self' {origins}"
            )
            .as_str()
        )
    );
    assert_eq!(embed.header("x-frame-options"), None, "the policy's frame-ancestors decides");
    for page in ["/cases/smart-traffic-signals/", "/partners/", "/"] {
        let reply = get(&nginx.address, page, &[]);
        assert_eq!(reply.status, 200, "{page}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{page}");
        assert!(reply.header("content-security-policy").is_some_and(|p| p.ends_with("frame-ancestors 'none'")));
    }
}

#[test]
fn posters_one_per_case_by_category_show_the_voting_dates_during_the_vote() {
    let (output, _, _) = sample_during_vote();
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(output.join("api/cases.json")).expect("manifest")).expect("JSON");
    let cases = manifest["cases"].as_array().expect("cases");
    let mut total = 0;
    for category in ["applications", "infrastructure", "data-resources", "talent"] {
        let html = fs::read_to_string(output.join(format!("posters/{category}/index.html"))).expect("posters page");
        let expected = cases.iter().filter(|c| c["category"] == category).count();
        assert_eq!(html.matches("<article class=\"poster\"").count(), expected, "{category}");
        assert_eq!(html.matches("<p>网上投票：8月22日至8月31日（北京时间），每个IP每天限投1票</p>").count(), expected);
        assert_eq!(html.matches("class=\"poster-qr\"").count(), expected);
        total += expected;
    }
    assert!(total > 8);
    let index = fs::read_to_string(output.join("posters/index.html")).expect("index");
    assert!(index.contains("<a href=\"/posters/applications/\">推进信息技术应用</a>（4 张）"), "{index}");
}

#[test]
fn with_posters_for_typical_cases_only_the_typical_cases_get_one_once_the_results_are_final() {
    let (_dir, output) = sample_with(|site| site.replace("posters:\n  cases: all", "posters:\n  cases: typical"));
    let mut posters = 0;
    for entry in fs::read_dir(output.join("posters")).expect("posters/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            let html = fs::read_to_string(path.join("index.html")).expect("page");
            assert_eq!(html.matches("<article class=\"poster\"").count(), 1, "{}", path.display());
            assert_eq!(html.matches("<p class=\"poster-badge\">典型案例</p>").count(), 1);
            assert!(!html.contains("扫码为本案例投票"), "no call to vote after the vote");
            posters += 1;
        }
    }
    assert_eq!(posters, 8, "one typical case in each of the 8 categories");
}

/// `tool` on the PATH, or a failure that says how to install it.
fn tool(tool: &str, package: &str) -> String {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().expect("sh");
    assert!(found.status.success(), "{tool} is needed: `apt-get install {package}` (or run `bash tests/run.sh`)");
    tool.to_owned()
}

#[test]
fn a_category_s_posters_print_one_to_an_a4_portrait_sheet() {
    let (output, _, _) = sample_during_vote();
    let server = StaticServer::start(output);
    let pdf_dir = tempfile::tempdir().expect("temp");
    let pdf = pdf_dir.path().join("posters.pdf");
    let printed = Command::new(tool("chromium", "chromium"))
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", pdf_dir.path().join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("{}posters/applications/", server.url))
        .output()
        .expect("chromium runs");
    assert!(pdf.is_file(), "chromium printed nothing: {}", String::from_utf8_lossy(&printed.stderr));
    let info = Command::new(tool("pdfinfo", "poppler-utils")).arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 4")), "4 posters, 4 pages: {info}");
    assert!(info.contains("594.96 x 841.92 pts (A4)"), "A4 portrait: {info}");
    let html = fs::read_to_string(output.join("posters/applications/index.html")).expect("page");
    // Each poster prints its case page's address (text extraction may reorder a title's Latin and Chinese parts).
    let titles: Vec<&str> =
        html.split("<p class=\"poster-url\">").skip(1).map(|s| s.split('<').next().expect("address")).collect();
    assert_eq!(titles.len(), 4);
    for page in 0..titles.len() {
        let n = (page + 1).to_string();
        let text = Command::new(tool("pdftotext", "poppler-utils"))
            .args(["-f", &n, "-l", &n])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout).replace('\n', "");
        for (other, other_title) in titles.iter().enumerate() {
            assert_eq!(text.contains(other_title), other == page, "page {n} and the poster of {other_title}");
        }
        assert!(text.contains("扫码为本案例投票"), "page {n}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_of_a_partner_site_votes_from_the_embedded_card() {
    let (output, _, _) = sample_during_vote();
    let dir = tempfile::tempdir().expect("temp");
    let hall = StaticServer::start(output);
    // The hall's test server is not at the manifest's base_url: its origin is allowed as the hall's own would be.
    let votes = VoteService::start(
        &output.join("api/cases.json"),
        &dir.path().join("votes.redb"),
        &["--now", "2020-08-25T10:00:00+08:00", "--cors-origin", &hall.origin()],
    );
    hall.pass_api_to(&votes.address);
    // A partner's page on another origin, with the snippet of the partners page.
    let partner_root = dir.path().join("partner");
    fs::create_dir(&partner_root).expect("mkdir");
    let snippet = format!(
        "<iframe src=\"{}embed/smart-traffic-signals/\" title=\"城市交通信号智能优化系统（投票）\" width=\"360\" \
         height=\"480\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>",
        hall.url
    );
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>合作平台</title><h1>新闻</h1>{snippet}</html>"
    );
    fs::write(partner_root.join("index.html"), page).expect("partner page");
    let partner = StaticServer::start(&partner_root);
    assert_ne!(partner.origin(), hall.origin());

    let browser = Browser::start(1280, 900).await;
    browser.client.goto(&partner.url).await.expect("partner page");
    browser
        .wait_for("return document.querySelector('iframe') ? true : null", "the frame", Duration::from_secs(10))
        .await;
    browser.client.clone().enter_frame(0).await.expect("enter the frame");
    wait_button(&browser, "投票", false).await;
    browser.eval("document.querySelector('.vote-button').click(); return true").await;
    let answer = wait_for_text(&browser, ".vote-answer", "投票成功").await;
    assert!(answer.contains("回执编号"), "{answer}");
    wait_button(&browser, "今日已投", true).await;
    let hint = browser.eval("return document.querySelector('.vote-hint').textContent").await;
    assert_eq!(hint, "您今天已经投过票，8月26日可再投。");
    browser.screenshot("embed-voted").await;
    browser.close().await;
    // Counted once, and posted from the hall's own page: the audit log names the hall, not the partner.
    votes.stop();
    let db = dir.path().join("votes.redb").to_string_lossy().into_owned();
    let (status, tally, err) = run(&["export", "--db", &db]);
    assert_eq!(status, Some(0), "{err}");
    let tally: serde_json::Value = serde_json::from_str(&tally).expect("the tally is JSON");
    assert_eq!(tally["totals"], serde_json::json!({"smart-traffic-signals": 1}));
    let (_, audit, _) = run(&["audit", "--db", &db]);
    let host = hall.origin().trim_start_matches("http://").to_owned();
    assert!(audit.contains(&format!("\"site\":\"{host}\"")), "{audit}");
}

async fn wait_button(browser: &Browser, text: &str, disabled: bool) {
    let script = format!(
        "const b = document.querySelector('.vote-button'); return b && b.textContent === {text:?} && b.disabled === {disabled} ? true : null;"
    );
    browser.wait_for(&script, &format!("the vote button to read {text}"), Duration::from_secs(15)).await;
}

async fn wait_for_text(browser: &Browser, selector: &str, needle: &str) -> String {
    let script = format!(
        "const e = document.querySelector({selector:?}); return e && e.textContent.includes({needle:?}) ? e.textContent : null;"
    );
    let found = browser.wait_for(&script, &format!("{selector} to say {needle}"), Duration::from_secs(15)).await;
    found.as_str().unwrap_or_default().to_owned()
}
