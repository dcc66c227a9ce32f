//! Each report rendered from its sample equals the files in `tests/golden/<report>/`; a second
//! render is byte-identical. `GREENOPS_UPDATE_GOLDEN=1 cargo test -p reports` rewrites them.

use reports::{Rendered, Renderer, Report};
use std::path::PathBuf;

fn golden_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn check(report: Report) {
    let renderer = Renderer::embedded().expect("templates");
    let first = renderer.render(&report).expect("render");
    let second = renderer.render(&report).expect("render again");
    assert_eq!(first, second, "rendering twice gives the same bytes");
    let dir = golden_dir(first.kind.name());
    if std::env::var_os("GREENOPS_UPDATE_GOLDEN").is_some() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clear the golden folder");
        }
        first.write_to(&dir).expect("write golden");
    }
    compare(&first, &dir);
    for image in &first.images {
        assert_eq!(
            &image.bytes[..8],
            b"\x89PNG\r\n\x1a\n",
            "{} is a PNG",
            image.filename
        );
        assert!(
            first.html.contains(&format!("cid:{}", image.content_id)),
            "{}",
            image.filename
        );
        assert!(
            first
                .preview_html
                .contains(&format!("src=\"{}\"", image.filename))
        );
    }
}

fn compare(rendered: &Rendered, dir: &std::path::Path) {
    let mut texts: Vec<(String, Vec<u8>)> = vec![
        ("report.html".into(), rendered.html.clone().into_bytes()),
        ("report.txt".into(), rendered.text.clone().into_bytes()),
        (
            "preview.html".into(),
            rendered.preview_html.clone().into_bytes(),
        ),
    ];
    texts.extend(
        rendered
            .attachments
            .iter()
            .map(|a| (a.filename.clone(), a.bytes.clone())),
    );
    for (name, bytes) in texts {
        let path = dir.join(&name);
        let expected = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (GREENOPS_UPDATE_GOLDEN=1 writes it)",
                path.display()
            )
        });
        assert!(
            expected == bytes,
            "{} differs from the rendered {name}:\n{}",
            path.display(),
            if name.ends_with(".png") {
                "(image)".into()
            } else {
                String::from_utf8_lossy(&bytes)
            }
        );
    }
}

#[test]
fn the_daily_digest_matches_its_golden_files() {
    check(super::samples::digest());
}

#[test]
fn the_esg_report_matches_its_golden_files() {
    check(super::samples::esg());
}

#[test]
fn the_sox_report_matches_its_golden_files() {
    check(super::samples::sox());
}

#[test]
fn html_escapes_data_and_text_does_not() {
    let r = Renderer::embedded()
        .unwrap()
        .render(&super::samples::digest())
        .unwrap();
    assert!(
        r.html.contains("eu-west-1 &lt;b&gt;"),
        "HTML escapes values"
    );
    assert!(r.text.contains("eu-west-1 <b>"), "the text part is plain");
    assert!(
        r.subject.contains("2024-04-10") && r.subject.contains("3,857.02 USD"),
        "{}",
        r.subject
    );
}
