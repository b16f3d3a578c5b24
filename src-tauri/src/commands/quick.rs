//! The quick search's commands: type a code into the window the person was in, or close.

use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Manager};
use ts_rs::TS;
use uuid::Uuid;

use super::clipboard::{code_for_use, copy_for_use};
use crate::desktop::MAIN_WINDOW;
use countersign_desktop::{CharClass, TypeError};

use crate::error::{CommandResult, sentence};
use crate::quick::{QuickState, close, close_and_refocus};
use crate::state::AppState;

/// A code typed with less than this left might expire before the form is sent: the next one
/// is typed instead, after waiting for it.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(3);

/// What became of a code to type.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QuickTyped {
    /// Typed into the window the person was in (the quick search is closed).
    typed: bool,
    /// Why it was copied instead, the first time that happens; `None`: nothing to say, the
    /// quick search closes.
    note: Option<CopiedInstead>,
}

/// Why a code was copied instead of typed: a reason code and its details for the window to
/// say in its language, and the English sentence.
#[derive(Serialize, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct CopiedInstead {
    /// "no_target" (the window the code goes to is unknown), or why typing failed: one of
    /// `TypeError::kind`'s names ("no_display", "no_key", "refused", ...).
    reason: &'static str,
    /// The note in English.
    message: String,
    /// The position in the code, from 1, of the character that has no key (`no_key`,
    /// `untypable`).
    position: Option<u32>,
    /// What kind of character that is: "digit", "letter" or "character" (never the character).
    #[ts(type = "\"digit\" | \"letter\" | \"character\" | null")]
    character: Option<&'static str>,
    /// Whether part of the code may have been typed before typing stopped: the field should be
    /// cleared.
    partly_typed: bool,
}

impl CopiedInstead {
    /// The note for a code that could not be typed because of `why`.
    fn of(why: &TypeError) -> Self {
        let (position, character) = match why {
            TypeError::NoKey { class, position } | TypeError::Untypable { class, position } => (
                Some(u32::try_from(*position).unwrap_or(u32::MAX)),
                Some(match class {
                    CharClass::Digit => "digit",
                    CharClass::Letter => "letter",
                    _ => "character",
                }),
            ),
            _ => (None, None),
        };
        CopiedInstead {
            reason: why.kind(),
            message: sentence(&why.to_string()),
            position,
            character,
            partly_typed: matches!(
                why,
                TypeError::ConnectionLost { .. } | TypeError::InputBlocked { partly_typed: true }
            ),
        }
    }

    /// The note for a code copied because the window it goes to is not known.
    fn no_target() -> Self {
        CopiedInstead {
            reason: "no_target",
            message: "Countersign does not know which window the code goes to: click in the \
                      field that asks for it, come back, and try again. The code was copied \
                      instead."
                .into(),
            position: None,
            character: None,
            partly_typed: false,
        }
    }
}

/// Types the code of account `id`, computed now, into the window that had the focus when the
/// quick search opened, pressing Enter after it if the person chose so. Where typing is
/// impossible the code is copied instead, and the first time the person is told why.
#[tauri::command]
pub async fn quick_type(app: AppHandle, id: Uuid) -> CommandResult<QuickTyped> {
    super::blocking(app, move |app| {
        let state = app.state::<AppState>();
        let quick = app.state::<QuickState>();
        let code = code_for_use(&state, id, FRESH_FOR)?;
        let typist = match quick.typist() {
            Ok(typist) => typist,
            Err(why) => {
                copy_for_use(&state, &code)?;
                let note = quick.first_copy_instead().then(|| CopiedInstead::of(why));
                if note.is_none() {
                    close(app);
                }
                return Ok(QuickTyped { typed: false, note });
            }
        };
        close_and_refocus(app, typist.as_ref());
        let then_enter = state
            .settings
            .lock()
            .expect("settings lock")
            .type_then_enter;
        if let Err(why) = typist.type_text(&code, then_enter) {
            // The window is gone: the clipboard is where the code can still be had.
            copy_for_use(&state, &code)?;
            eprintln!(
                "countersign: the code could not be typed ({}); it was copied",
                why.kind()
            );
        }
        Ok(QuickTyped {
            typed: true,
            note: None,
        })
    })
    .await
}

/// Types the code of account `id`, computed now, into the window the person was in before
/// coming back to the main window (the login form they came from), minimising the main window.
/// Where that window is unknown or typing is impossible the code is copied instead, and the
/// note says why.
#[tauri::command]
pub async fn type_code(app: AppHandle, id: Uuid) -> CommandResult<QuickTyped> {
    super::blocking(app, move |app| {
        let state = app.state::<AppState>();
        let quick = app.state::<QuickState>();
        let code = code_for_use(&state, id, FRESH_FOR)?;
        let copied = |note: CopiedInstead| -> CommandResult<QuickTyped> {
            copy_for_use(&state, &code)?;
            Ok(QuickTyped {
                typed: false,
                note: Some(note),
            })
        };
        let typist = match quick.typist() {
            Ok(typist) => typist,
            Err(why) => return copied(CopiedInstead::of(why)),
        };
        let Some(target) = quick.elsewhere() else {
            return copied(CopiedInstead::no_target());
        };
        if let Some(main) = app.get_webview_window(MAIN_WINDOW) {
            let _ = main.minimize();
        }
        let then_enter = state
            .settings
            .lock()
            .expect("settings lock")
            .type_then_enter;
        let typed = typist
            .refocus(target)
            .and_then(|()| typist.type_text(&code, then_enter));
        match typed {
            Ok(()) => Ok(QuickTyped {
                typed: true,
                note: None,
            }),
            Err(why) => copied(CopiedInstead::of(&why)),
        }
    })
    .await
}

/// Closes the quick search without typing, giving the focus back to the window that had it.
#[tauri::command]
pub async fn quick_close(app: AppHandle) -> CommandResult<()> {
    super::blocking(app, |app| {
        match app.state::<QuickState>().typist() {
            Ok(typist) => close_and_refocus(app, typist.as_ref()),
            Err(_) => close(app),
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_sends_the_reason_and_which_character() {
        let note = CopiedInstead::of(&TypeError::NoKey {
            class: CharClass::Letter,
            position: 3,
        });
        assert_eq!(
            serde_json::to_value(&note).unwrap(),
            serde_json::json!({
                "reason": "no_key",
                "message": note.message,
                "position": 3,
                "character": "letter",
                "partlyTyped": false,
            })
        );
        assert!(
            note.message
                .starts_with("Cannot type here: the keyboard layout")
        );
        let lost = CopiedInstead::of(&TypeError::ConnectionLost {
            reason: "broken pipe".into(),
        });
        assert_eq!((lost.reason, lost.partly_typed), ("connection_lost", true));
        assert_eq!(CopiedInstead::no_target().reason, "no_target");
    }
}
