//! End-to-end tests: the real app window, driven as a person would use it.

mod accessibility;
mod backup_codes;
mod clock;
mod codes;
mod desktop;
mod hardening;
mod keys;
mod language;
mod legibility;
mod links;
mod list;
mod location;
mod manual;
mod quick;
mod scan;
mod screen_reader;
mod session;
mod sync;
mod transfer;
mod vault;
