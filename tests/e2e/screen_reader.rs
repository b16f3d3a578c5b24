//! Issue #18: the main flow heard as a screen reader hears it. The app's accessibility tree is
//! read over AT-SPI (the real window's, through WebKitGTK's own AT-SPI tree, with libatspi as
//! Orca reads it) while WebDriver does what the person does: unlock, the account list, copying
//! a code (its announcement), the add dialog and its tabs, Settings. Names and roles are
//! asserted exactly; a control without a name fails the test.

use std::time::{Duration, Instant};

use countersign_e2e::{Accessible, App, Launch, ScreenReader, seed_vault, unix_now};

const PASSWORD: &str = "correct horse battery";
const GITHUB_SECRET: &str = "JBSWY3DPEHPK3PXP";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const EXAMPLE: &str =
    "otpauth://hotp/Example:alice?secret=KRSXG5CTMVRXEZLU&issuer=Example&counter=3";
/// How long the tree may lag behind the page.
const TREE_TIMEOUT: Duration = Duration::from_secs(20);

/// Roles of things a person operates: each must have a name.
const CONTROL_ROLES: &[&str] = &[
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "entry",
    "password text",
    "spin button",
    "slider",
    "page tab",
    "link",
    "menu item",
    "list box",
    "switch",
];

/// Reads the app's tree until `ready` holds for it (the tree follows the page a moment later).
fn tree_when(
    reader: &mut ScreenReader,
    pid: u32,
    what: &str,
    ready: impl Fn(&Accessible) -> bool,
) -> Accessible {
    let start = Instant::now();
    loop {
        let tree = reader.tree(pid);
        if ready(&tree) {
            return tree;
        }
        assert!(
            start.elapsed() < TREE_TIMEOUT,
            "the accessibility tree never showed {what}:\n{}",
            tree.outline()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The web page's part of the tree (the document), where the app's own content is.
fn document(tree: &Accessible) -> &Accessible {
    tree.find(|n| n.role == "document web")
        .unwrap_or_else(|| panic!("no web document in the tree:\n{}", tree.outline()))
}

/// The object made from the element `id`, which must have `role` and `name`.
fn expect<'a>(tree: &'a Accessible, id: &str, role: &str, name: &str) -> &'a Accessible {
    let node = tree
        .by_id(id)
        .unwrap_or_else(|| panic!("no #{id} in the tree:\n{}", tree.outline()));
    assert_eq!(
        (node.role.as_str(), node.name.as_str()),
        (role, name),
        "#{id} as heard"
    );
    node
}

/// The first object with `role` and `name`.
fn expect_named<'a>(tree: &'a Accessible, role: &str, name: &str) -> &'a Accessible {
    tree.find(|n| n.role == role && n.name == name)
        .unwrap_or_else(|| panic!("no {role} {name:?} in the tree:\n{}", tree.outline()))
}

/// Every control in `tree` without a name, described.
fn unnamed_controls(tree: &Accessible) -> Vec<String> {
    tree.find_all(|n| CONTROL_ROLES.contains(&n.role.as_str()) && n.name.trim().is_empty())
        .into_iter()
        .map(|n| format!("{} {:?}", n.role, n.attributes))
        .collect()
}

fn assert_all_named(tree: &Accessible, screen: &str) {
    let unnamed = unnamed_controls(tree);
    assert!(
        unnamed.is_empty(),
        "{screen}: controls without a name: {unnamed:?}\n{}",
        tree.outline()
    );
}

/// Prints what a screen reader user hears of `tree`'s controls, headings and landmarks (the
/// test's log says it step by step).
fn log_heard(step: &str, tree: &Accessible) {
    eprintln!("== {step}");
    for node in tree.descendants() {
        let spoken = CONTROL_ROLES.contains(&node.role.as_str())
            || matches!(
                node.role.as_str(),
                "heading"
                    | "landmark"
                    | "dialog"
                    | "page tab list"
                    | "page tab"
                    | "scroll pane"
                    | "list"
                    | "list item"
                    | "timer"
                    | "status bar"
                    | "alert"
                    | "form"
            );
        if spoken {
            let mut line = node.describe();
            if !node.description.is_empty() {
                line += &format!(", description {:?}", node.description);
            }
            let states: Vec<&str> = node
                .states
                .iter()
                .map(String::as_str)
                .filter(|s| matches!(*s, "focused" | "selected" | "checked" | "pressed" | "modal"))
                .collect();
            if !states.is_empty() {
                line += &format!(" [{}]", states.join(" "));
            }
            if let (Some(at), Some(of)) = (
                node.attributes.get("posinset"),
                node.attributes.get("setsize"),
            ) {
                line += &format!(", {at} of {of}");
            }
            eprintln!("   {line}");
        }
    }
}

/// Groups a code as the list shows it ("123 456").
fn grouped(code: &str) -> String {
    let half = code.len() / 2;
    format!("{} {}", &code[..half], &code[half..])
}

#[tokio::test(flavor = "multi_thread")]
async fn the_main_flow_heard_through_at_spi() {
    // The reader first: it brings up the accessibility bus, which the app joins when it starts.
    let mut reader = ScreenReader::start();
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), EXAMPLE.to_owned()],
    );
    let mut launch = Launch::folder(data.path());
    // The test harness turns the accessibility bridge off for every other test.
    launch.env.push(("NO_AT_BRIDGE".into(), "0".into()));
    let app = App::launch_with(launch).await;
    app.wait_for_issuers(&["GitHub", "Example"]).await; // the keyring unlocked it
    let pid = app.app_process().expect("the app's process");

    // The window as an application on the desktop.
    let tree = tree_when(&mut reader, pid, "the window", |t| {
        t.find(|n| n.role == "frame").is_some()
    });
    assert_eq!(tree.role, "application");
    expect_named(&tree, "frame", "Countersign");

    // Unlock screen.
    app.click("[data-action=lock]").await;
    app.find("#unlock-secret").await;
    let tree = tree_when(&mut reader, pid, "the unlock screen", |t| {
        t.by_id("unlock-secret").is_some_and(|n| n.has("focused"))
    });
    let page = document(&tree);
    log_heard("unlock screen", page);
    expect_named(page, "heading", "Countersign is locked");
    expect_named(page, "form", "Countersign is locked");
    let secret = expect(page, "unlock-secret", "password text", "Password");
    assert!(secret.has("focused"), "the password field has the focus");
    assert!(
        secret.text.as_deref().unwrap_or_default().is_empty(),
        "an empty field reads as empty"
    );
    expect_named(page, "push button", "Unlock");
    expect_named(page, "push button", "Unlock with the system keyring");
    expect_named(page, "push button", "I forgot my password");
    assert_all_named(page, "unlock screen");

    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub", "Example"]).await;

    // The account list: each row's name holds issuer, account and code; its description the
    // digits one by one and the seconds left, taken when it gets focus.
    // Well inside the code's 30 s: the new code is shown (the list updates each second) and its
    // name has neither the next code nor "expires" in it yet.
    while !(3..=12).contains(&(unix_now() % 30)) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // To the first row and Enter, as by keyboard (WebKit gives a clicked button no focus).
    app.js("document.querySelector('li.row button.copy').focus(); return true")
        .await;
    app.keys("\u{E007}").await; // Enter: copies
    let announced_first =
        wait_for_announcement(&mut reader, pid, "Copied the code for GitHub.").await;
    let tree = tree_when(&mut reader, pid, "the account list", |t| {
        t.find(|n| n.role == "list" && n.name == "Accounts")
            .is_some_and(|list| list.children.len() == 2)
    });
    let page = document(&tree);
    log_heard("account list, first row focused", page);
    let list = expect_named(page, "list", "Accounts");
    let rows: Vec<&Accessible> = list.children.iter().collect();
    assert!(
        rows.iter().all(|row| row.role == "list item"),
        "rows are list items:\n{}",
        list.outline()
    );
    let github = rows[0]
        .find(|n| n.role == "push button" && n.name.starts_with("GitHub, octocat: "))
        .unwrap_or_else(|| panic!("the GitHub row's copy button:\n{}", list.outline()));
    let codes = countersign_e2e::recent_totp(GITHUB_SECRET, 6, 30);
    assert!(
        codes
            .iter()
            .any(|code| github.name == format!("GitHub, octocat: {}. Press to copy", grouped(code))),
        "the GitHub row is heard as {:?} (codes now {codes:?})",
        github.name
    );
    assert!(github.has("focused"), "the row has the focus");
    let code = codes
        .iter()
        .find(|code| github.name.contains(&grouped(code)))
        .expect("the heard code");
    let digits: Vec<String> = code.chars().map(String::from).collect();
    let prefix = format!("Digits {}. Valid for ", digits.join(" "));
    let seconds: u64 = github
        .description
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "the row's description {:?} says the digits and the seconds left",
                github.description
            )
        });
    assert!((15..=28).contains(&seconds), "{seconds} seconds left");
    expect_named(
        rows[1],
        "push button",
        "Example, alice: Generate code. Press to copy",
    );
    let timer = page
        .find(|n| n.role == "timer")
        .unwrap_or_else(|| panic!("the list's countdown:\n{}", page.outline()));
    assert!(
        timer.name.starts_with("Codes change in ") && timer.name.ends_with(" seconds"),
        "the countdown is heard as {:?}",
        timer.name
    );
    expect_named(page, "push button", "Add account");
    expect_named(page, "entry", "Search accounts");
    for name in [
        "Codes",
        "Import and export",
        "Security keys",
        "Settings",
        "Lock",
    ] {
        expect_named(page, "push button", name);
    }
    assert_all_named(page, "account list");
    eprintln!("== copying a code: announced {announced_first:?}");

    // Copying again by keyboard, as a screen reader user does: announced again.
    app.keys("\u{E007}").await; // Enter on the focused row
    let announced = wait_for_announcement(&mut reader, pid, "Copied the code for GitHub.").await;
    assert_eq!(announced.politeness, "polite");
    assert_eq!(announced.role, "status bar");

    // The add dialog and each of its tabs.
    app.click("button.add").await;
    app.find("[role=tablist]").await;
    let tree = tree_when(&mut reader, pid, "the add dialog", |t| {
        t.find(|n| n.role == "dialog").is_some()
    });
    let dialog = expect_named(document(&tree), "dialog", "Add account");
    log_heard("add dialog", dialog);
    let tabs = expect_named(dialog, "page tab list", "Ways to add an account");
    let names: Vec<&str> = tabs
        .find_all(|n| n.role == "page tab")
        .into_iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Screen",
            "Image",
            "Camera",
            "Clipboard",
            "Link",
            "Setup key"
        ]
    );
    expect_named(dialog, "push button", "Close");
    for (tab, label) in [
        ("screen", "Screen"),
        ("file", "Image"),
        ("camera", "Camera"),
        ("clipboard", "Clipboard"),
        ("link", "Link"),
        ("key", "Setup key"),
    ] {
        app.click(&format!("[data-tab={tab}]")).await;
        let tree = tree_when(&mut reader, pid, &format!("the {label} tab chosen"), |t| {
            t.by_id(&format!("tab-{tab}"))
                .is_some_and(|n| n.has("selected"))
                && t.by_id("add-panel").is_some_and(|n| n.name == label)
        });
        let dialog = expect_named(document(&tree), "dialog", "Add account");
        log_heard(&format!("add dialog, {label} tab"), dialog);
        expect(dialog, &format!("tab-{tab}"), "page tab", label);
        let selected: Vec<&str> = dialog
            .find_all(|n| n.role == "page tab" && n.has("selected"))
            .into_iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(selected, [label], "one tab is selected");
        // ARIA's tabpanel is AT-SPI's scroll pane (Core Accessibility API Mappings), with its
        // ARIA role in xml-roles.
        let panel = expect(dialog, "add-panel", "scroll pane", label);
        assert_eq!(
            panel.attributes.get("xml-roles").map(String::as_str),
            Some("tabpanel")
        );
        assert_all_named(dialog, &format!("add dialog, {label} tab"));
    }
    app.click("dialog[open] button.close").await;

    // Settings: every control named, as its label says.
    app.click("[data-page=settings]").await;
    app.find("#theme").await;
    let tree = tree_when(&mut reader, pid, "Settings", |t| t.by_id("theme").is_some());
    let page = document(&tree);
    log_heard("settings", page);
    for (id, role, name) in [
        ("theme", "combo box", "Theme"),
        ("sort", "combo box", "Order"),
        (
            "show-next",
            "check box",
            "Show the next code in the last seconds",
        ),
        (
            "privacy",
            "check box",
            "Hide codes until I point at or select an account",
        ),
        (
            "clipboard-seconds",
            "entry",
            "Clear the clipboard after (seconds, 0 = never)",
        ),
        (
            "auto-lock",
            "entry",
            "Lock after inactivity (minutes, 0 = never)",
        ),
        (
            "keyring-toggle",
            "push button",
            "Turn off Unlock with the system keyring",
        ),
    ] {
        expect(page, id, role, name);
    }
    assert_all_named(page, "settings");
    app.quit().await;
}

/// Waits until a live region of the app (process `pid`) said `text`; returns that announcement.
async fn wait_for_announcement(
    reader: &mut ScreenReader,
    pid: u32,
    text: &str,
) -> countersign_e2e::Announcement {
    let start = Instant::now();
    let mut heard = Vec::new();
    loop {
        heard.extend(reader.announcements(pid));
        if let Some(found) = heard.iter().find(|a| a.text == text) {
            return found.clone();
        }
        assert!(
            start.elapsed() < TREE_TIMEOUT,
            "no live region said {text:?}; heard {heard:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
