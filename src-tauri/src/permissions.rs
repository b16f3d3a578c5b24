//! The app's commands are named in three places that must agree: the list build.rs makes a
//! permission for each of (command_names.rs), the invoke handler in lib.rs, and the grants of
//! capabilities/main.json. A command missing from one of them is either uncallable or callable
//! without having been granted.

use std::collections::BTreeSet;

include!("../command_names.rs");

/// What capabilities/main.json grants besides the app's own commands.
const OTHER_PERMISSIONS: &[&str] = &["core:event:default"];

/// The commands lib.rs's `generate_handler![...]` registers, by name.
fn handler_commands() -> Vec<String> {
    let lib = include_str!("lib.rs");
    let start = lib
        .find("generate_handler![")
        .expect("lib.rs calls tauri::generate_handler!")
        + "generate_handler![".len();
    let end = start + lib[start..].find(']').expect("generate_handler! is closed");
    let paths: String = lib[start..end]
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect();
    paths
        .split(',')
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .map(|path| path.rsplit("::").next().unwrap_or(path).to_owned())
        .collect()
}

/// The permissions capabilities/main.json grants.
fn granted() -> Vec<String> {
    let capability: serde_json::Value =
        serde_json::from_str(include_str!("../capabilities/main.json")).expect("main.json is JSON");
    capability["permissions"]
        .as_array()
        .expect("main.json has a permissions list")
        .iter()
        .map(|permission| {
            permission
                .as_str()
                .expect("permissions are named, not objects")
                .to_owned()
        })
        .collect()
}

/// Every item once, or the duplicates.
fn unique<'a>(what: &str, items: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let duplicates: Vec<&str> = items
        .into_iter()
        .filter(|item| !seen.insert(*item))
        .collect();
    assert!(
        duplicates.is_empty(),
        "{what} names these twice: {duplicates:?}"
    );
    seen
}

/// The differences between two lists, for the failure message.
fn assert_same(left_name: &str, left: &BTreeSet<&str>, right_name: &str, right: &BTreeSet<&str>) {
    let only_left: Vec<&&str> = left.difference(right).collect();
    let only_right: Vec<&&str> = right.difference(left).collect();
    assert!(
        only_left.is_empty() && only_right.is_empty(),
        "only in {left_name}: {only_left:?}; only in {right_name}: {only_right:?}"
    );
}

#[test]
fn build_rs_lists_the_commands_from_command_names_rs() {
    assert!(
        include_str!("../build.rs").contains("include!(\"command_names.rs\");"),
        "build.rs must take its command list from command_names.rs"
    );
}

#[test]
fn the_invoke_handler_registers_exactly_the_listed_commands() {
    let listed = unique("command_names.rs", COMMANDS.iter().copied());
    let handler = handler_commands();
    let registered = unique("generate_handler!", handler.iter().map(String::as_str));
    assert_same(
        "command_names.rs",
        &listed,
        "lib.rs's generate_handler!",
        &registered,
    );
}

#[test]
fn main_capability_grants_exactly_the_listed_commands() {
    let expected: Vec<String> = COMMANDS
        .iter()
        .map(|command| format!("allow-{}", command.replace('_', "-")))
        .chain(OTHER_PERMISSIONS.iter().map(|p| (*p).to_owned()))
        .collect();
    let expected = unique("command_names.rs", expected.iter().map(String::as_str));
    let granted = granted();
    let granted = unique("capabilities/main.json", granted.iter().map(String::as_str));
    assert_same(
        "command_names.rs (and the other permissions)",
        &expected,
        "capabilities/main.json",
        &granted,
    );
}

#[test]
fn main_json_is_the_only_capability() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities");
    let files: Vec<String> = std::fs::read_dir(dir)
        .expect("the capabilities folder")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["main.json"]);
}

#[test]
fn no_plugin_reaches_files_shell_or_network_and_release_builds_have_no_devtools() {
    let manifests = [
        include_str!("../Cargo.toml"),
        include_str!("../../Cargo.toml"),
    ];
    for manifest in manifests {
        for plugin in ["tauri-plugin-fs", "tauri-plugin-shell", "tauri-plugin-http"] {
            assert!(!manifest.contains(plugin), "{plugin} is a dependency");
        }
    }
    // Tauri turns devtools on in debug builds only, unless its `devtools` feature is asked for.
    let tauri = manifests[1]
        .lines()
        .find(|line| line.starts_with("tauri = "))
        .expect("the workspace's tauri dependency");
    assert!(!tauri.contains("devtools"), "{tauri}");
}

#[test]
fn windows_are_kept_out_of_screen_captures_where_the_platform_can() {
    // DESIGN.md section 2: on Windows and macOS the window is content-protected (the quick
    // search sets it when built: src/quick.rs).
    let config: serde_json::Value =
        serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json");
    let main = &config["app"]["windows"][0];
    assert_eq!(main["label"], "main");
    assert_eq!(main["contentProtected"], true);
    assert!(include_str!("quick.rs").contains(".content_protected(true)"));
}
