//! The HTML and Markdown reports: the HTML page opened in a real headless
//! Chromium (Debian's `chromium`) with every network request sent to a
//! recording proxy that must hear nothing and the browser's console
//! watched for errors, its DOM checked for the plots and numbers, a
//! screenshot taken; a size budget; and golden files for the text, the
//! Markdown and the HTML's structure (`UPDATE_GOLDEN=1` rewrites them).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::test::repo_file;
use crate::support::tools::require;
use crate::support::{Reply, Server, Test};

const METRICS: usize = 10;
const POINTS: usize = 2_000;

/// A load test's results per side: `METRICS` latency columns of `points`
/// rows (deterministic, autocorrelated), the canary's first `slow`
/// columns 25% slower.
fn results(points: usize, canary: bool, slow: usize) -> String {
    let mut out = String::from("row");
    for m in 0..METRICS {
        out.push_str(&format!(",m{m}"));
    }
    out.push_str(",requests,failed\n");
    let mut x = 0.0f64;
    for i in 0..points {
        x = 0.8 * x + ((i * 7919 % 101) as f64 / 101.0 - 0.5);
        out.push_str(&i.to_string());
        for m in 0..METRICS {
            let base = 80.0 + 10.0 * m as f64 + 6.0 * x + ((i * 31 + m * 17) % 13) as f64;
            let v = if canary && m < slow {
                base * 1.25
            } else {
                base
            };
            out.push_str(&format!(",{v:.3}"));
        }
        let failed = if canary && i % 50 == 0 { 3 } else { 0 };
        out.push_str(&format!(",100,{failed}\n"));
    }
    out
}

fn config() -> String {
    let mut yaml = String::from(
        "compare:\n  source: { type: file }\n  baseline: { group: blue }\n  canary: { group: green }\n  metrics:\n",
    );
    for m in 0..METRICS {
        yaml.push_str(&format!(
            "    - {{ name: latency m{m}, file: \"results/{{{{group}}}}.csv\", column: m{m}, unit: ms, tolerance: 10%{} }}\n",
            if m == 0 { ", critical: true" } else { "" }
        ));
    }
    yaml.push_str("    - { name: errors, kind: ratio, file: \"results/{{group}}.csv\", errors: failed, total: requests, tolerance: 50% }\n");
    yaml
}

fn comparison(points: usize) -> Test {
    Test::new()
        .config(&config())
        .file("results/blue.csv", &results(points, false, 0))
        .file("results/green.csv", &results(points, true, 2))
}

/// Headless Chromium on `page`: its DOM and its stderr (console
/// messages), with every request through `proxy`.
fn chromium(page: &Path, proxy: &Server, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--disable-domain-reliability",
            "--disable-breakpad",
            "--disable-client-side-phishing-detection",
            "--disable-component-extensions-with-background-pages",
            "--disable-extensions",
            "--disable-features=Translate,MediaRouter,OptimizationHints,NetworkTimeServiceQuerying",
            "--metrics-recording-only",
            "--no-pings",
            "--password-store=basic",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--proxy-server=http://{}", proxy.addr()),
            "--proxy-bypass-list=<-loopback>",
            &format!("--user-data-dir={}", profile.path().display()),
        ])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .output()
        .expect("run chromium");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The page's own requests: what reached the proxy, less the browser's
/// traffic to its vendor's services (updates, time, accounts), which no
/// flag turns off entirely and which is not the report's doing.
fn page_requests(proxy: &Server) -> Vec<String> {
    let browser = ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"];
    proxy
        .requests()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| {
            let host = p
                .trim_start_matches("http://")
                .split(['/', ':'])
                .next()
                .unwrap_or("");
            !browser
                .iter()
                .any(|b| host == *b || host.ends_with(&format!(".{b}")))
        })
        .collect()
}

fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn the_html_report_opens_in_chromium_without_network_or_errors() {
    if !require(
        "chromium",
        &["--version"],
        "opening the HTML report in a browser",
    ) {
        return;
    }
    let t = comparison(POINTS).args(["compare", "--report", "html=report/greenlight.html"]);
    t.status(1);
    let page = t.path().join("report/greenlight.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.len() <= 300 * 1024,
        "{} bytes for {METRICS} metrics of {POINTS} points (budget 300 KB)",
        html.len()
    );
    let proxy = Server::fixed(Reply::status(404));
    let (dom, stderr) = chromium(&page, &proxy, &["--dump-dom"]);
    assert!(
        console_lines(&stderr).is_empty(),
        "console: {:?}",
        console_lines(&stderr)
    );
    assert!(
        page_requests(&proxy).is_empty(),
        "requests: {:?}",
        page_requests(&proxy)
    );
    // The verdict first, in words and colour.
    assert!(
        dom.contains(r#"<header class="verdict no-go" id="verdict"><div class="word">NO-GO</div>"#),
        "{}",
        &dom[..dom.len().min(2000)]
    );
    assert!(dom.contains("critical latency m0 high"));
    // A card per metric with its reason; time series and ECDF for each
    // latency, a band for every tested metric; each plot described.
    for m in 0..METRICS {
        assert!(dom.contains(&format!(r#"id="metric-{m}""#)), "metric {m}");
        assert!(dom.contains(&format!(
            r#"<title id="ts{m}-t">latency m{m} over time</title>"#
        )));
        assert!(dom.contains(&format!(
            r#"<title id="cdf{m}-t">Distribution of latency m{m}</title>"#
        )));
        assert!(dom.contains(&format!(r#"id="band{m}-t""#)));
    }
    assert_eq!(
        dom.matches("<svg").count(),
        3 * METRICS + 1,
        "3 plots per latency, a band for errors"
    );
    assert_eq!(
        dom.matches("<desc ").count(),
        dom.matches("<svg").count(),
        "every plot has a text alternative"
    );
    assert!(dom.contains(r#"<span class="badge fail">high</span>latency m0"#));
    assert!(dom.contains(r#"<span class="badge pass">pass</span>latency m9"#));
    assert!(
        dom.contains("latency m0 rose 25.0% (95% CI"),
        "numbers in the text"
    );
    assert!(dom.contains("beyond tolerance 10% (at most "));
    // Screenshots, light and dark.
    for (scheme, name) in [("light", "report.png"), ("dark", "report-dark.png")] {
        let shot = t.path().join(name);
        let (_, stderr) = chromium(
            &page,
            &proxy,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1100,1500",
                &format!(
                    "--blink-settings=preferredColorScheme={}",
                    if scheme == "dark" { 0 } else { 1 }
                ),
            ],
        );
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 20_000,
            "{scheme} screenshot of {size} bytes: {stderr}"
        );
    }
    // The dark scheme is a different picture, not the light one again.
    let light = std::fs::read(t.path().join("report.png")).unwrap();
    let dark = std::fs::read(t.path().join("report-dark.png")).unwrap();
    assert_ne!(light, dark, "the dark screenshot is the light one");
    assert!(
        page_requests(&proxy).is_empty(),
        "{:?}",
        page_requests(&proxy)
    );
}

#[test]
fn the_browser_check_sees_a_request_and_a_console_error() {
    // The two checks above can fail: a page that loads an image.
    if !require(
        "chromium",
        &["--version"],
        "opening the HTML report in a browser",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let strict = dir.path().join("strict.html");
    std::fs::write(&strict, r#"<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><img src="http://images.example/x.png"></body></html>"#).unwrap();
    let open = dir.path().join("open.html");
    std::fs::write(
        &open,
        r#"<!DOCTYPE html><html><body><img src="http://images.example/x.png"></body></html>"#,
    )
    .unwrap();
    let proxy = Server::fixed(Reply::status(404));
    let (_, stderr) = chromium(&strict, &proxy, &["--dump-dom"]);
    assert!(!console_lines(&stderr).is_empty(), "{stderr}");
    chromium(&open, &proxy, &["--dump-dom"]);
    assert!(
        page_requests(&proxy)
            .iter()
            .any(|p| p.contains("images.example"))
    );
}

#[test]
fn the_gate_report_shows_the_coming_week() {
    let t = Test::new()
        .config("timezone: Europe/London\nwindows: [Mon-Thu 09:00-16:00]\nfreezes:\n  - { name: year-end, reason: Year-end change freeze, from: 2026-12-19, to: 2027-01-02 }\n")
        .file("lock.json", r#"{"locked": true, "reason": "INC-42 checkout errors", "by": "alice", "expires": "2026-12-17T12:00:00Z"}"#)
        .args(["status", "--lock-file", "lock.json", "--at", "2026-12-15T10:00:00Z", "--report", "html=status.html", "--report", "markdown=status.md"]);
    t.status(0);
    let html = t.read("status.html");
    assert!(
        html.contains(r#"<header class="verdict no-go""#),
        "status shows what the gate would say"
    );
    assert!(html.contains(r#"<figure class="card" id="timeline">"#));
    assert!(
        html.contains("freeze year-end (Year-end change freeze): 2026-12-19 00:00 GMT to "),
        "{html}"
    );
    assert!(
        html.contains(r#"<rect class="open""#)
            && html.contains(r#"<rect class="freeze""#)
            && html.contains(r#"<rect class="lock""#)
    );
    assert!(html.contains(
        "file:lock.json locked by alice: INC-42 checkout errors until 2026-12-17 12:00 UTC"
    ));
    let md = t.read("status.md");
    assert!(md.starts_with("### ✖ NO-GO · greenlight status\n"), "{md}");
    assert!(
        md.contains("| ✖ | `file:lock.json` | locked by alice: INC-42 checkout errors |"),
        "{md}"
    );
}

/// The HTML's structure: each element outside the plots with its id and
/// classes, one per line (the plots' own drawing is left out).
fn skeleton(html: &str) -> String {
    let mut out = Vec::new();
    for part in html.split('<').skip(1) {
        if part.starts_with('/') || part.starts_with('!') {
            continue;
        }
        let tag: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if [
            "line", "text", "polyline", "rect", "circle", "title", "desc", "meta", "br", "b",
            "code", "td", "tr", "li", "span",
        ]
        .contains(&tag.as_str())
        {
            continue;
        }
        let attr = |name: &str| {
            part.split_once(&format!(" {name}=\""))
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(v, _)| v.to_string())
        };
        let mut line = tag;
        if let Some(id) = attr("id") {
            line.push_str(&format!("#{id}"));
        }
        if let Some(class) = attr("class") {
            line.push_str(&format!(".{}", class.replace(' ', ".")));
        }
        out.push(line);
    }
    out.join("\n") + "\n"
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name);
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = repo_file(&format!("tests/data/golden/{name}"));
    assert_eq!(
        actual, expected,
        "tests/data/golden/{name} differs (UPDATE_GOLDEN=1 rewrites it after a deliberate change)"
    );
}

#[test]
fn text_markdown_and_html_match_their_golden_files() {
    let t = comparison(200).args([
        "compare",
        "--color",
        "never",
        "--report",
        "markdown=out/report.md",
        "--report",
        "html=out/report.html",
    ]);
    let run = t.status(1);
    golden("compare.txt", &run.stdout);
    golden("compare.md", &t.read("out/report.md"));
    golden(
        "compare.html.skeleton",
        &skeleton(&t.read("out/report.html")),
    );
}
