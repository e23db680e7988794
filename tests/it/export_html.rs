//! report.html in a real browser: headless Chromium (Debian package `chromium`, installed by
//! .ci/run) renders the demo pack; the screenshot must show each chart. Without chromium the
//! test says so and skips, except under .ci/run (`TOLLGATE_REQUIRE_TOOLS=1`), where it fails.
//! TOLLGATE_SKIP_BROWSER=1 skips it explicitly.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tollgate::export::svg::colours;

use crate::common::Env;

fn rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).expect("colour");
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// Pixels within a small distance of `colour` (fills are drawn flat; edges are antialiased).
fn count(pixels: &[[u8; 3]], colour: &str) -> usize {
    let c = rgb(colour);
    pixels
        .iter()
        .filter(|p| (0..3).all(|i| p[i].abs_diff(c[i]) <= 6))
        .count()
}

fn decode(png_path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(png_path).expect("screenshot");
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let step = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| match step {
            1 | 2 => [p[0], p[0], p[0]],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    (info.width, info.height, pixels)
}

fn chromium_screenshot(html: &Path, png: &Path, profile: &Path) {
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,2000")
        .arg(format!("file://{}", html.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "chromium failed: {status}");
            return;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish the screenshot in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn report_html_is_self_contained_and_renders_its_charts_in_chromium() {
    let env = Env::new();
    let pack = super::export::demo_pack(&env);
    let html_path = pack.join("report.html");
    let html = std::fs::read_to_string(&html_path).expect("report.html");
    for banned in ["http://", "https://", "<script", "<link", "<img", "url("] {
        assert!(
            !html.contains(banned),
            "report.html is not self-contained: {banned}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 3, "three inline charts");
    assert!(html.contains("@media print"));
    for label in ["$50K target", "$80K target"] {
        assert!(html.contains(label), "trend chart lacks {label}");
    }

    if std::env::var("TOLLGATE_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("TOLLGATE_SKIP_BROWSER=1: the Chromium rendering is not checked");
        return;
    }
    if !crate::common::external_tool("chromium", "chromium") {
        return;
    }
    let shot = env.path("report.png");
    chromium_screenshot(&html_path, &shot, &env.path("chromium-profile"));
    let (w, h, pixels) = decode(&shot);
    assert_eq!((w, h), (1200, 2000));
    let white = pixels
        .iter()
        .filter(|p| p.iter().all(|c| *c >= 250))
        .count();
    assert!(white < pixels.len() * 95 / 100, "the page is nearly blank");
    // Each chart's own colour: the forecast band and actual line, the target lines, the use-case
    // bars and the cost-per-outcome bars.
    for (what, colour, at_least) in [
        ("forecast band", colours::BAND, 5_000),
        ("actual spend line", colours::ACTUAL, 500),
        ("target lines", colours::TARGET, 300),
        ("use-case bars", colours::USE_CASE_BAR, 20_000),
        ("cost-per-outcome bars", colours::OUTCOME_BAR, 10_000),
    ] {
        let n = count(&pixels, colour);
        eprintln!("{what}: {n} pixels of {colour}");
        assert!(
            n >= at_least,
            "{what}: {n} pixels of {colour}, expected at least {at_least}"
        );
    }
}
