//! The layers point one way: `ui → api → backend → dto/words → domain`. This reads the source
//! tree and fails when a file reaches a layer above its own, when a service reads Leptos
//! context (what it needs comes in its `Ctx`), or when the domain uses a crate beyond the few
//! pure ones it is allowed.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// Crates the domain may use: no I/O in any of them. `email_address` (addresses, RFC 5321/5322)
/// and `form_urlencoded` (query strings) are maintained, pure, and better than written by hand.
const DOMAIN_CRATES: &[&str] =
    &["std", "core", "alloc", "serde", "chrono", "chrono_tz", "strum", "email_address", "form_urlencoded"];

/// What each layer must not reach, as top-level modules of the crate.
fn forbidden_modules(layer: &str) -> &'static [&'static str] {
    match layer {
        "domain" => &["api", "ui", "backend", "dto", "words", "i18n"],
        "dto" | "words" => &["api", "ui", "backend"],
        "backend" => &["api", "ui"],
        "api" => &["ui"],
        _ => &[],
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer of a file: its first directory under `src/`, or its name for a root file.
fn layer_of(path: &Path) -> String {
    let relative = path.strip_prefix(src()).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The code without comments, so that a doc comment naming a layer is not an import.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string (a URL) is kept; such lines hold no imports anyway.
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module the code names after `crate::`, also inside `use crate::{a, b::c}`.
fn crate_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 && c == ',' {
                    found.insert(first_segment(&item));
                    item.clear();
                } else {
                    item.push(c);
                }
            }
            found.insert(first_segment(&item));
        } else {
            found.insert(first_segment(after));
        }
        rest = after;
    }
    found.retain(|m| !m.is_empty());
    found
}

fn first_segment(path: &str) -> String {
    path.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The crates this package depends on, as they are named in code.
fn dependencies() -> BTreeSet<String> {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut in_deps = false;
    let mut names = BTreeSet::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]");
            continue;
        }
        if in_deps && let Some((name, _)) = line.split_once(['=', '.']) {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.insert(name.replace('-', "_"));
            }
        }
    }
    names
}

/// The dependency crates named as a path root (`name::`) in the code.
fn crates_used(code: &str, dependencies: &BTreeSet<String>) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("::") {
        let before = &code[..at];
        let name: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        let preceded_by_path = before[..before.len() - name.len()].ends_with("::");
        if !preceded_by_path && dependencies.contains(&name) {
            used.insert(name);
        }
    }
    used
}

#[test]
fn every_layer_points_one_way() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    // A domain module named like a crate (`time`) is the module, not the crate.
    let mut dependencies = dependencies();
    for file in &files {
        if layer_of(file) == "domain" {
            dependencies.remove(file.file_stem().unwrap().to_str().unwrap());
        }
    }
    let mut broken = Vec::new();
    for file in &files {
        let layer = layer_of(file);
        let text = fs::read_to_string(file).unwrap();
        // Unit tests (at the end of a file) may use dev-dependencies such as proptest.
        let code = code_of(text.split("#[cfg(test)]").next().unwrap_or_default());
        let name = file.strip_prefix(src()).unwrap().display().to_string();
        for module in crate_modules(&code) {
            if forbidden_modules(&layer).contains(&module.as_str()) {
                broken.push(format!("{name} ({layer}) uses crate::{module}"));
            }
        }
        if layer == "domain" {
            for krate in crates_used(&code, &dependencies) {
                if !DOMAIN_CRATES.contains(&krate.as_str()) {
                    broken.push(format!("{name} (domain) uses the crate {krate}"));
                }
            }
        }
        if layer == "backend" || layer == "dto" || layer == "domain" {
            for reader in ["use_context", "expect_context", "provide_context"] {
                if code.contains(reader) {
                    broken.push(format!("{name} ({layer}) reads Leptos context ({reader})"));
                }
            }
        }
    }
    assert!(files.len() > 50, "the source tree was found ({} files)", files.len());
    assert!(broken.is_empty(), "layers broken:\n{}", broken.join("\n"));
}

#[test]
fn the_checks_see_what_they_look_for() {
    let code =
        "use crate::{\n    api::AppError,\n    domain::ids::UserId,\n};\nfn f() { crate::ui::explain::x(); }";
    assert_eq!(crate_modules(code), ["api", "domain", "ui"].map(String::from).into());
    let deps: BTreeSet<String> = ["sea_orm", "chrono"].map(String::from).into();
    assert_eq!(crates_used("let x = sea_orm::Set(1); chrono::Utc::now(); a::chrono::b", &deps), deps);
    assert_eq!(code_of("let a = 1; // crate::api::X"), "let a = 1; ");
}
