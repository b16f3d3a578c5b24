//! Issue #18, item 4: the person's settings respected. Every control keeps its contrast in the
//! light and dark themes, with more contrast asked for (GNOME's high-contrast theme, which
//! WebKitGTK reports as `prefers-contrast: more`) and under the app's forced-colours rules
//! (WebKitGTK has no forced-colours mode: the page's own rules are applied by hand); the focus
//! is always visible when moving through every screen with Tab; text at 200% leaves every
//! screen usable in the smallest window.

use countersign_e2e::{App, ContrastProblem, Launch, seed_vault};
use serde_json::json;

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const EXAMPLE: &str =
    "otpauth://hotp/Example:alice?secret=KRSXG5CTMVRXEZLU&issuer=Example&counter=3";

/// The screens visited, in order.
const SCREENS: &[&str] = &[
    "codes",
    "add: screen",
    "add: file",
    "add: camera",
    "add: clipboard",
    "add: link",
    "add: key",
    "transfer",
    "keys",
    "settings",
];

/// Launches the app on a vault with two accounts, unlocked by the keyring, with `env` added.
async fn launch(env: &[(&str, &str)]) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), EXAMPLE.to_owned()],
    );
    let mut options = Launch::folder(data.path());
    for (key, value) in env {
        options.env.push(((*key).to_owned(), (*value).to_owned()));
    }
    let app = App::launch_with(options).await;
    app.wait_for_issuers(&["GitHub", "Example"]).await;
    (app, data)
}

/// Shows `screen` (one of [`SCREENS`]), closing the add dialog when leaving it.
async fn show(app: &App, screen: &str) {
    let in_dialog = app
        .js("return !!document.querySelector('dialog[open]')")
        .await
        == serde_json::json!(true);
    match screen.strip_prefix("add: ") {
        Some(tab) => {
            if !in_dialog {
                app.click("[data-page=codes]").await;
                app.click("button.add").await;
            }
            app.click(&format!("[data-tab={tab}]")).await;
        }
        None => {
            if in_dialog {
                app.click("dialog[open] button.close").await;
            }
            app.click(&format!("[data-page={screen}]")).await;
        }
    }
    match screen {
        "codes" => {
            app.wait_for_issuers(&["GitHub", "Example"]).await;
            app.hover("li.row").await; // its actions show
        }
        "transfer" => drop(app.find("#import-file").await),
        "settings" => drop(app.find("#theme").await),
        "keys" => {
            app.wait_for("the security keys page", || async {
                (app.js(
                    "return !!document.querySelector('main h2, main h1, [data-testid=no-key]')",
                )
                .await
                    == serde_json::json!(true))
                .then_some(())
            })
            .await
        }
        _ => drop(app.find("#add-panel").await),
    }
}

fn report(problems: &[(String, ContrastProblem)]) -> String {
    problems
        .iter()
        .map(|(screen, p)| {
            format!(
                "{screen}: {} {} {:.2}:1 < {}:1 ({})",
                p.element, p.check, p.ratio, p.needed, p.colours
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Visits every screen and measures its controls' contrast.
async fn every_screen(
    app: &App,
    label: &str,
    boundaries: bool,
    disabled: bool,
) -> Vec<(String, ContrastProblem)> {
    let mut found = Vec::new();
    for screen in SCREENS {
        show(app, screen).await;
        if *screen == "codes" || *screen == "add: screen" {
            let name = format!("{label}-{screen}").replace([',', ':', ' '], "-");
            app.screenshot(&name.replace("--", "-")).await;
        }
        for problem in app.contrast_problems(boundaries, disabled).await {
            found.push((format!("{label}, {screen}"), problem));
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn every_control_keeps_its_contrast_in_every_theme_and_contrast_mode() {
    let mut problems = Vec::new();

    // The usual themes: text at 4.5:1 (boundaries there are calm by design).
    let (app, _data) = launch(&[]).await;
    assert_eq!(
        app.js("return matchMedia('(prefers-contrast: more)').matches")
            .await,
        serde_json::json!(false)
    );
    for theme in ["light", "dark"] {
        app.choose_theme(theme).await;
        problems.extend(every_screen(&app, theme, false, false).await);
    }
    app.quit().await;

    // More contrast, asked for as a GNOME desktop does: every boundary at 3:1 as well, and
    // disabled controls still readable.
    let (app, _data) = launch(&[("GTK_THEME", "HighContrast")]).await;
    assert_eq!(
        app.js("return matchMedia('(prefers-contrast: more)').matches")
            .await,
        serde_json::json!(true),
        "WebKitGTK reports the high-contrast theme as prefers-contrast: more"
    );
    for theme in ["light", "dark"] {
        app.choose_theme(theme).await;
        problems.extend(every_screen(&app, &format!("more contrast, {theme}"), true, true).await);
    }

    // Forced colours: the page's own rules for them, applied by hand.
    let applied = app.apply_forced_colours().await;
    assert!(applied >= 3, "{applied} forced-colours rules applied");
    assert_eq!(
        app.js("return getComputedStyle(document.body).backgroundColor")
            .await,
        app.js("const d = document.createElement('div'); d.style.color = 'Canvas'; document.body.append(d); const c = getComputedStyle(d).color; d.remove(); return c")
            .await,
        "the page is drawn on the system's Canvas colour"
    );
    problems.extend(every_screen(&app, "forced colours", true, true).await);
    app.quit().await;

    assert!(
        problems.is_empty(),
        "{} contrast problems:\n{}",
        problems.len(),
        report(&problems)
    );
}

/// Presses Tab until the focus comes back to where it started (at most `limit` times) and
/// checks the focus indicator at every stop.
async fn tab_through(app: &App, label: &str, limit: usize) -> Vec<(String, ContrastProblem)> {
    let mut found = Vec::new();
    let mut seen = Vec::new();
    for _ in 0..limit {
        app.keys("\u{E004}").await; // Tab
        let focused = app
            .js("const e = document.activeElement; return e && e !== document.body ? (e.id || e.outerHTML.slice(0, 120)) : null")
            .await;
        let Some(focused) = focused.as_str().map(str::to_owned) else {
            continue; // the focus left the page for a moment (the window's own chrome)
        };
        if seen.contains(&focused) {
            break;
        }
        for problem in app.focus_problems().await {
            found.push((label.to_owned(), problem));
        }
        seen.push(focused);
    }
    assert!(seen.len() >= 3, "{label}: Tab reached only {seen:?}");
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn the_focus_is_visible_on_every_screen() {
    let (app, _data) = launch(&[]).await;
    let mut problems = Vec::new();
    for theme in ["light", "dark"] {
        app.choose_theme(theme).await;
        for screen in SCREENS {
            show(&app, screen).await;
            problems.extend(tab_through(&app, &format!("{theme}, {screen}"), 60).await);
        }
    }
    // The unlock screen.
    app.click("[data-action=lock]").await;
    app.find("#unlock-secret").await;
    problems.extend(tab_through(&app, "unlock", 20).await);
    app.quit().await;
    assert!(
        problems.is_empty(),
        "{} focus problems:\n{}",
        problems.len(),
        report(&problems)
    );
}

/// The window's smallest size (tauri.conf.json: minWidth, minHeight).
const MIN_WIDTH: u32 = 360;
const MIN_HEIGHT: u32 = 480;

#[tokio::test(flavor = "multi_thread")]
async fn text_at_200_percent_keeps_every_screen_usable_in_the_smallest_window() {
    let (app, _data) = launch(&[]).await;
    app.driver
        .set_window_rect(0, 0, MIN_WIDTH, MIN_HEIGHT)
        .await
        .expect("resize the window");
    app.wait_for("the smallest window", || async {
        (app.js("return [innerWidth, innerHeight]").await == json!([MIN_WIDTH, MIN_HEIGHT]))
            .then_some(())
    })
    .await;
    // Twice the text: every size in the app is in rem or em, from the root's 15 px.
    app.js("document.documentElement.style.fontSize = '30px'; return true")
        .await;
    let mut problems = Vec::new();
    for screen in SCREENS {
        show(&app, screen).await;
        if *screen == "codes" {
            // Hovering a row scrolled it into view; the person first sees the list from its top.
            app.js("document.querySelector('main').scrollTop = 0; return true")
                .await;
        }
        if *screen == "codes" || *screen == "add: screen" {
            app.screenshot(&format!("text-200-{}", screen.replace([':', ' '], "")))
                .await;
        }
        for problem in app.layout_problems().await {
            problems.push(format!(
                "{screen}: {} {}: {}",
                problem.element, problem.check, problem.detail
            ));
        }
    }
    app.click("[data-action=lock]").await;
    app.find("#unlock-secret").await;
    app.screenshot("text-200-unlock").await;
    for problem in app.layout_problems().await {
        problems.push(format!(
            "unlock: {} {}: {}",
            problem.element, problem.check, problem.detail
        ));
    }
    app.quit().await;
    assert!(
        problems.is_empty(),
        "{} layout problems at 200% text:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
