//! End-to-end tests: the real app window, driven as a person would use it.

mod codes;
