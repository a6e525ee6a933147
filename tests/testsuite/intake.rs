//! `generator import`: exports made by the tests (XLSX, CSV in UTF-8 and GBK) become case folders that pass
//! `generator check`; every problem is named by row and column; the 审核 report; re-imports, `--update` and
//! `--dry-run`.

use std::fs;
use std::path::Path;

use expect_test::expect;
use hall_tests::binaries::workspace_root;
use hall_tests::run::{Output, generator};
use hall_tests::site::files_of;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const HEADERS: [&str; 26] = [
    "案例ID",
    "案例名称",
    "申报主体",
    "所属集团",
    "统一社会信用代码",
    "承建单位",
    "推荐单位",
    "类别",
    "领域",
    "投入运营时间",
    "提交时间",
    "案例简介",
    "关键词",
    "联系人",
    "联系电话",
    "电子邮箱",
    "图片1",
    "图片2",
    "图片3",
    "图片4",
    "图片说明1",
    "图片说明2",
    "图片说明3",
    "图片说明4",
    "案例介绍",
    "备注",
];

/// A folder with `content/` (the check fixtures' site.yaml, no case) and `photos/` (4 small PNGs, photo-1..4.png).
fn desk() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = workspace_root().join("tests/fixtures/check/valid");
    fs::create_dir_all(dir.path().join("content/cases")).expect("cases/");
    fs::create_dir(dir.path().join("photos")).expect("photos/");
    fs::copy(fixtures.join("site.yaml"), dir.path().join("content/site.yaml")).expect("site.yaml");
    for n in 1..=4 {
        let name = format!("photo-{n}.png");
        fs::copy(fixtures.join("cases/submitted-on-last-day").join(&name), dir.path().join("photos").join(&name))
            .expect("photo");
    }
    dir
}

/// A complete application with id `id` (of an applicant of its own), as text cells in the order of [`HEADERS`],
/// then `changes` applied.
fn row(id: &str, changes: &[(&str, &str)]) -> Vec<String> {
    let (title, applicant) = (format!("智慧港口（{id}）"), format!("青岛{id}有限公司"));
    let mut cells: Vec<String> = [
        id,
        &title,
        &applicant,
        "",
        "91370200163562681G",
        "青岛软件有限公司",
        "市南区",
        "推进信息技术应用",
        "smart-city",
        "2020/1/8",
        "2020年7月15日",
        "自动化码头，\u{3000}集装箱装卸全程无人。",
        "港口、自动化",
        "\u{3000}张三 ",
        "0532-85916914",
        "zhangsan@example.com",
        "photo-1.png",
        "photo-2.png",
        "photo-3.png",
        "photo-4.png",
        "码头全景",
        "远程操控",
        "桥吊",
        "调度中心",
        "## 建设背景\n\n码头全程自动化。",
        "",
    ]
    .map(str::to_owned)
    .to_vec();
    for (column, value) in changes {
        let at = HEADERS.iter().position(|h| h == column).expect("a column");
        cells[at] = (*value).to_owned();
    }
    cells
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let quote = |cell: &String| format!("\"{}\"", cell.replace('"', "\"\""));
    let mut text = HEADERS.join(",") + "\r\n";
    for cells in rows {
        text += &(cells.iter().map(quote).collect::<Vec<_>>().join(",") + "\r\n");
    }
    text
}

fn import(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["import"];
    all.extend(args);
    all.extend(["--photos", "photos", "--content", "content"]);
    generator(&all, dir)
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check_passes(dir: &Path) {
    let out = generator(&["check", "--content", "content"], dir);
    assert_eq!(out.code, Some(0), "the imported content passes check: {}", out.stderr);
}

#[test]
fn an_xlsx_export_becomes_case_folders_that_pass_check() {
    let desk = desk();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // A title row above the table, and required columns marked with *, as exports have them.
    sheet.write_string(0, 0, "2020青岛信息化典型案例申报汇总").expect("title row");
    for (column, header) in HEADERS.iter().enumerate() {
        let header = if column < 3 { format!("*{header}") } else { (*header).to_owned() };
        sheet.write_string(1, column as u16, header).expect("header");
    }
    for (r, id) in [(2, "port-automation"), (3, "smart-water")] {
        for (column, cell) in row(id, &[]).iter().enumerate() {
            sheet.write_string(r, column as u16, cell).expect("cell");
        }
        // What spreadsheets make of typed values: a date cell, a serial number, a phone number as a number.
        let launched = ExcelDateTime::from_ymd(2020, 1, 8).expect("date");
        sheet.write_datetime_with_format(r, 9, &launched, &date).expect("date cell");
        sheet.write_number(r, 10, 44_027.0).expect("serial");
        sheet.write_number(r, 14, 18_663_956_505.0).expect("phone");
    }
    sheet.write_string(3, 1, "智慧水务").expect("title");
    sheet.write_string(3, 8, "大数据").expect("domain by name");
    workbook.save(desk.path().join("申报导出.xlsx")).expect("save");

    let out = import(desk.path(), &["申报导出.xlsx"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    expect![[r#"
        read 申报导出.xlsx: workbook (first worksheet), 2 applications
        columns not imported: 备注
        row 3: wrote content/cases/port-automation
        row 4: wrote content/cases/smart-water
        审核 report: 申报导出.审核.csv (2 通过, 0 不通过)
    "#]]
    .assert_eq(&out.stdout);
    expect![[r#"
        ---
        title: 智慧水务
        applicant: 青岛smart-water有限公司
        contractor: 青岛软件有限公司
        recommender: 市南区
        category: applications
        domain: big-data
        launched: 2020-01-08
        summary: 自动化码头，集装箱装卸全程无人。
        tags:
        - 港口
        - 自动化
        images:
        - file: photo-1.png
          caption: 码头全景
        - file: photo-2.png
          caption: 远程操控
        - file: photo-3.png
          caption: 桥吊
        - file: photo-4.png
          caption: 调度中心
        credit_code: 91370200163562681G
        submitted: 2020-07-15
        contact:
          name: 张三
          phone: '18663956505'
          email: zhangsan@example.com
        ---

        ## 建设背景

        码头全程自动化。
    "#]]
    .assert_eq(&read(desk.path(), "content/cases/smart-water/index.md"));
    let photos = files_of(&desk.path().join("content/cases/port-automation"));
    assert_eq!(
        photos.keys().collect::<Vec<_>>(),
        ["index.md", "photo-1.png", "photo-2.png", "photo-3.png", "photo-4.png"]
    );
    assert_eq!(photos["photo-3.png"], fs::read(desk.path().join("photos/photo-3.png")).expect("photo"));
    expect![[r#"
        ﻿行号,案例ID,案例名称,申报主体,结果,原因
        3,port-automation,智慧港口（port-automation）,青岛port-automation有限公司,通过,
        4,smart-water,智慧水务,青岛smart-water有限公司,通过,
    "#]]
    .assert_eq(&read(desk.path(), "申报导出.审核.csv").replace("\r\n", "\n"));
    check_passes(desk.path());
}

#[test]
fn every_problem_is_named_by_row_and_column_and_the_report_says_why_in_chinese() {
    let desk = desk();
    let rows = [
        row("complete", &[]),
        row("incomplete", &[("案例名称", " "), ("联系电话", ""), ("投入运营时间", "去年")]),
        row("late", &[("提交时间", "2020-08-22 09:30:00")]),
        row("wrong-category", &[("类别", "推进信息技术运用")]),
        row("missing-photo", &[("图片2", "photo-02.png")]),
    ];
    fs::write(desk.path().join("export.csv"), format!("\u{feff}{}", csv_text(&rows))).expect("csv");
    let out = import(desk.path(), &["export.csv"]);
    assert_eq!(out.code, Some(1));
    expect![[r#"
        export.csv:3:案例名称: is empty
        export.csv:3:投入运营时间: expected a date such as 2020-07-15, 2020/7/15 or 2020年7月15日, found '去年'
        export.csv:3:联系电话: is empty
        export.csv:4:提交时间: submitted on 2020-08-22, after applications closed on 2020-08-21; late applications are not reviewed
        export.csv:5:类别: unknown category '推进信息技术运用'; did you mean 推进信息技术应用 (applications)?
        export.csv:6:图片2: 'photo-02.png' not found in photos; did you mean 'photo-2.png'?
        error: 4 of 5 applications have problems; their cases were not written
    "#]]
    .assert_eq(&out.stderr);
    expect![[r#"
        read export.csv: CSV in UTF-8 with a byte-order mark, 5 applications
        columns not imported: 备注
        row 2: wrote content/cases/complete
        row 3: not written: it has problems (see above)
        row 4: not written: it has problems (see above)
        row 5: not written: it has problems (see above)
        row 6: not written: it has problems (see above)
        审核 report: export.审核.csv (1 通过, 4 不通过)
    "#]]
    .assert_eq(&out.stdout);
    let report = fs::read(desk.path().join("export.审核.csv")).expect("report");
    assert!(report.starts_with(b"\xEF\xBB\xBF") && report.ends_with(b"\r\n"), "BOM and CRLF for WPS and Excel");
    let text = String::from_utf8_lossy(&report);
    for private in ["91370200163562681G", "0532-85916914", "zhangsan@example.com", "张三", "2020-07-15"] {
        assert!(!text.contains(private), "the report, sent to applicants, holds no private field: {private}");
    }
    expect![[r#"
        ﻿行号,案例ID,案例名称,申报主体,结果,原因
        2,complete,智慧港口（complete）,青岛complete有限公司,通过,
        3,incomplete,,青岛incomplete有限公司,不通过,《申报表》填写不完整：缺少案例名称、联系电话；《申报表》填写有误：投入运营时间
        4,late,智慧港口（late）,青岛late有限公司,不通过,超过申报时间（8月21日）
        5,wrong-category,智慧港口（wrong-category）,青岛wrong-category有限公司,不通过,《申报表》填写有误：类别
        6,missing-photo,智慧港口（missing-photo）,青岛missing-photo有限公司,不通过,上传材料存在问题：图片2未找到
    "#]]
    .assert_eq(&String::from_utf8(report).expect("utf-8").replace("\r\n", "\n"));
    let cases: Vec<String> = fs::read_dir(desk.path().join("content/cases"))
        .expect("cases")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(cases, ["complete"], "only the passing row is written, and no staging folder is left");
    assert_eq!(fs::read_dir(desk.path().join("content")).expect("content").count(), 2, "site.yaml and cases/");
    check_passes(desk.path());
}

#[test]
fn a_gbk_export_is_read_and_said_to_be_gbk() {
    let desk = desk();
    let text = csv_text(&[row("gbk-case", &[("案例名称", "智慧医保")])]);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    fs::write(desk.path().join("gbk.csv"), gbk).expect("csv");
    let out = import(desk.path(), &["gbk.csv", "--report", "审核结果.csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    expect![[r#"
        read gbk.csv: CSV in GBK, 1 application
        columns not imported: 备注
        row 2: wrote content/cases/gbk-case
        审核 report: 审核结果.csv (1 通过, 0 不通过)
    "#]]
    .assert_eq(&out.stdout);
    assert!(read(desk.path(), "content/cases/gbk-case/index.md").starts_with("---\ntitle: 智慧医保\n"));
    check_passes(desk.path());
}

#[test]
fn a_reimport_changes_nothing_and_update_writes_only_the_changed_fields() {
    let desk = desk();
    let export = desk.path().join("export.csv");
    fs::write(&export, csv_text(&[row("port", &[])])).expect("csv");
    assert_eq!(import(desk.path(), &["export.csv"]).code, Some(0));
    let case = desk.path().join("content/cases/port");
    let first = files_of(&case);

    let again = import(desk.path(), &["export.csv"]);
    assert_eq!((again.code, again.stderr.as_str()), (Some(0), ""));
    assert!(again.stdout.contains("row 2: content/cases/port is unchanged\n"), "{}", again.stdout);
    assert_eq!(files_of(&case), first, "nothing was rewritten");

    fs::write(&export, csv_text(&[row("port", &[("案例名称", "智慧港口二期"), ("图片说明2", "远程操控台")])]))
        .expect("csv");
    fs::copy(desk.path().join("photos/photo-1.png"), desk.path().join("photos/photo-4.png")).expect("new photo");
    let refused = import(desk.path(), &["export.csv"]);
    assert_eq!(refused.code, Some(0), "{}", refused.stderr);
    assert!(
        refused.stdout.contains(
            "row 2: content/cases/port exists and was left as it is; the row differs in title (案例名称), \
             images (图片), photo photo-4.png (图片4): run with --update to write them\n"
        ),
        "{}",
        refused.stdout
    );
    assert_eq!(files_of(&case), first, "without --update an existing case is never overwritten");

    let dry = import(desk.path(), &["export.csv", "--update", "--dry-run"]);
    assert!(
        dry.stdout.contains(
            "row 2: would update content/cases/port: title (案例名称), images (图片), photo photo-4.png (图片4)\n"
        ),
        "{}",
        dry.stdout
    );
    assert_eq!(files_of(&case), first, "a dry run writes no case");

    let updated = import(desk.path(), &["export.csv", "--update"]);
    assert_eq!(updated.code, Some(0), "{}", updated.stderr);
    assert!(
        updated.stdout.contains(
            "row 2: updated content/cases/port: title (案例名称), images (图片), photo photo-4.png (图片4)\n"
        ),
        "{}",
        updated.stdout
    );
    let index = read(desk.path(), "content/cases/port/index.md");
    let old = String::from_utf8(first["index.md"].clone()).expect("utf-8");
    assert_eq!(
        index,
        old.replace("title: 智慧港口（port）\n", "title: 智慧港口二期\n")
            .replace("caption: 远程操控\n", "caption: 远程操控台\n")
    );
    assert_eq!(
        fs::read(case.join("photo-4.png")).expect("photo"),
        fs::read(desk.path().join("photos/photo-1.png")).expect("photo")
    );
    let last = import(desk.path(), &["export.csv", "--update"]);
    assert!(last.stdout.contains("row 2: content/cases/port is unchanged\n"), "{}", last.stdout);
    check_passes(desk.path());
}

#[test]
fn a_dry_run_writes_only_the_report() {
    let desk = desk();
    fs::write(desk.path().join("export.csv"), csv_text(&[row("port", &[]), row("late", &[("提交时间", "2020-9-1")])]))
        .expect("csv");
    let before = files_of(&desk.path().join("content"));
    let out = import(desk.path(), &["export.csv", "--dry-run"]);
    assert_eq!(out.code, Some(1));
    expect![[r#"
        read export.csv: CSV in UTF-8, 2 applications
        columns not imported: 备注
        row 2: would write content/cases/port
        row 3: not written: it has problems (see above)
        审核 report: export.审核.csv (1 通过, 1 不通过)
        dry run: only the 审核 report was written
    "#]]
    .assert_eq(&out.stdout);
    assert_eq!(files_of(&desk.path().join("content")), before, "the content is untouched");
    assert!(
        read(desk.path(), "export.审核.csv")
            .contains("3,late,智慧港口（late）,青岛late有限公司,不通过,超过申报时间（8月21日）\r\n")
    );
    let among_cases = import(desk.path(), &["export.csv", "--dry-run", "--report", "content/cases/审核.csv"]);
    assert_eq!(among_cases.code, Some(1));
    expect![[r#"
        error: the 审核 report content/cases/审核.csv would be written inside the cases folder; name another place with --report
    "#]]
    .assert_eq(&among_cases.stderr);
    assert_eq!(files_of(&desk.path().join("content")), before, "the content is untouched");
}

#[test]
fn site_yaml_maps_the_columns_of_another_submission_system_and_descriptions_come_from_files() {
    let desk = desk();
    let site = desk.path().join("content/site.yaml");
    let settings = read(desk.path(), "content/site.yaml") + "import:\n  columns:\n    案例名称: 项目名称\n";
    fs::write(&site, settings).expect("site.yaml");
    let text = csv_text(&[row("port", &[("案例介绍", "")])]).replacen("案例名称", "项目名称", 1);
    fs::write(desk.path().join("export.csv"), text).expect("csv");
    fs::write(desk.path().join("photos/port.txt"), "## 建设背景\r\n\r\n文件里的介绍。\r\n").expect("txt");
    let out = import(desk.path(), &["export.csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(read(desk.path(), "content/cases/port/index.md").ends_with("---\n\n## 建设背景\n\n文件里的介绍。\n"));

    let missing = csv_text(&[row("port", &[])]);
    fs::write(desk.path().join("export.csv"), missing).expect("csv");
    let out = import(desk.path(), &["export.csv"]);
    assert_eq!(out.code, Some(1));
    expect![[r#"
        error: export.csv: the sheet has no column 项目名称 (site.yaml maps 案例名称 to it); the header row (row 1) has: 案例ID, 案例名称, 申报主体, 所属集团, 统一社会信用代码, 承建单位, 推荐单位, 类别, 领域, 投入运营时间, 提交时间, 案例简介, 关键词, 联系人, 联系电话, 电子邮箱, 图片1, 图片2, 图片3, 图片4, 图片说明1, 图片说明2, 图片说明3, 图片说明4, 案例介绍, 备注
    "#]]
    .assert_eq(&out.stderr);

    fs::write(&site, read(desk.path(), "content/site.yaml").replace("案例名称: 项目名称", "案例名字: 项目名称"))
        .expect("site");
    let out = import(desk.path(), &["export.csv"]);
    assert_eq!(out.code, Some(1));
    expect![[r#"
        error: content/site.yaml:29: import.columns.案例名字: no column of the form is called '案例名字'; did you mean 案例名称?
    "#]]
    .assert_eq(&out.stderr);
}
