//! `completions/` and `man/` are generated from `src/cli/`; this test regenerates them
//! and fails when the committed copies are stale. `UPDATE_GENERATED=1 cargo test`
//! rewrites them instead.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for shell in ccmon::generate::SHELLS {
        files.push((
            Path::new("completions").join(ccmon::generate::completion_file_name(shell)),
            ccmon::generate::completion(shell),
        ));
    }
    for (name, page) in ccmon::generate::man_pages().expect("render man pages") {
        files.push((Path::new("man").join(name), page));
    }
    files
}

fn listed(dir: &str) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| Path::new(dir).join(e.file_name()))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let expected = expected();
    #[allow(clippy::disallowed_methods)] // a test switch, not a ccmon setting
    let update = std::env::var_os("UPDATE_GENERATED").is_some_and(|v| v == "1");
    if update {
        for dir in ["completions", "man"] {
            let _ = std::fs::remove_dir_all(root().join(dir));
            std::fs::create_dir_all(root().join(dir)).unwrap();
        }
        for (path, bytes) in &expected {
            std::fs::write(root().join(path), bytes).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (path, bytes) in &expected {
        match std::fs::read(root().join(path)) {
            Ok(on_disk) if &on_disk == bytes => {}
            Ok(_) => stale.push(format!("{} differs", path.display())),
            Err(_) => stale.push(format!("{} is missing", path.display())),
        }
    }
    let mut wanted: Vec<PathBuf> = expected.iter().map(|(p, _)| p.clone()).collect();
    wanted.sort();
    for present in listed("completions").into_iter().chain(listed("man")) {
        if !wanted.contains(&present) {
            stale.push(format!("{} is no longer generated", present.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale:\n  {}\nrun `UPDATE_GENERATED=1 cargo test --test it generated` and commit the result",
        stale.join("\n  ")
    );
}
