#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
fn main() {
    countersign_app_lib::run()
}
