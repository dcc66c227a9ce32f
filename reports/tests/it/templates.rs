//! User template folders: a missing file and a missing variable are clear errors.

use reports::{Renderer, ReportError};

fn copy_templates(to: &std::path::Path) {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn a_user_folder_overrides_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    copy_templates(dir.path());
    let path = dir.path().join("daily_digest.txt.tera");
    std::fs::write(
        &path,
        "Custom digest for {{ report.day }}: {{ report.yesterday.actual }}\n",
    )
    .unwrap();
    let r = Renderer::from_dir(dir.path())
        .unwrap()
        .render(&super::samples::digest())
        .unwrap();
    assert_eq!(r.text, "Custom digest for 2024-04-10: 3,857.02\n");
}

#[test]
fn a_missing_template_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    copy_templates(dir.path());
    std::fs::remove_file(dir.path().join("esg_monthly.html.tera")).unwrap();
    let err = Renderer::from_dir(dir.path()).unwrap_err();
    assert!(matches!(err, ReportError::MissingTemplate { .. }));
    let text = err.to_string();
    assert!(text.contains("esg_monthly.html.tera is missing"), "{text}");
}

#[test]
fn a_missing_variable_names_the_template_and_variable() {
    let dir = tempfile::tempdir().unwrap();
    copy_templates(dir.path());
    std::fs::write(
        dir.path().join("sox_monthly.txt.tera"),
        "Total {{ report.total_billed }}\nSigned off by {{ report.signed_off_by }}\n",
    )
    .unwrap();
    let err = Renderer::from_dir(dir.path())
        .unwrap()
        .render(&super::samples::sox())
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("sox_monthly.txt.tera"), "{text}");
    assert!(text.contains("report.signed_off_by"), "{text}");
}

#[test]
fn a_template_that_does_not_parse_is_reported_when_loading() {
    let dir = tempfile::tempdir().unwrap();
    copy_templates(dir.path());
    std::fs::write(dir.path().join("daily_digest.html.tera"), "{% if %}").unwrap();
    let text = Renderer::from_dir(dir.path()).unwrap_err().to_string();
    assert!(text.contains("daily_digest.html.tera"), "{text}");
}
