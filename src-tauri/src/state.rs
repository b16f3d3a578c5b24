//! What the running app holds.

use std::sync::Mutex;

use countersign_otp::Account;
use uuid::Uuid;

use crate::clipboard::Clipboard;

/// Shared state of the running app.
#[derive(Default)]
pub struct AppState {
    /// The accounts, in display order.
    pub accounts: Mutex<Vec<(Uuid, Account)>>,
    /// The system clipboard, with our clearing rules.
    pub clipboard: Clipboard,
}
