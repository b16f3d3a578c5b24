//! The app as a screen reader hears it: its accessibility tree and its live-region
//! announcements, read over AT-SPI by tests/screen_reader.py (libatspi, the library Orca reads
//! through), which this drives over a pipe.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Debian's own Python, the one python3-gi and gir1.2-atspi-2.0 are installed for (a `python3`
/// earlier on PATH, such as pyenv's, lacks them).
const PYTHON: &str = "/usr/bin/python3";
/// How long one answer may take (a whole tree is a few hundred D-Bus calls).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// One object of the accessibility tree, as AT-SPI gives it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Accessible {
    /// Its role as AT-SPI names it ("push button", "page tab", "password text"...).
    pub role: String,
    /// Its accessible name ("" when it has none).
    pub name: String,
    /// Its accessible description, read after the name.
    #[serde(default)]
    pub description: String,
    /// The states a screen reader acts on: focused, focusable, selected, checked, pressed,
    /// expanded, modal, required, invalid, read-only, showing.
    pub states: Vec<String>,
    /// Object attributes: id, tag, live, container-live, xml-roles, posinset, setsize...
    pub attributes: BTreeMap<String, String>,
    /// The text it holds itself (without its children's), if it has a Text interface.
    #[serde(default)]
    pub text: Option<String>,
    /// Its children, in order.
    #[serde(default)]
    pub children: Vec<Accessible>,
}

impl Accessible {
    /// This node and every node below it, depth first.
    pub fn descendants(&self) -> Vec<&Accessible> {
        let mut all = vec![self];
        for child in &self.children {
            all.extend(child.descendants());
        }
        all
    }

    /// The first node (depth first) for which `matches` holds.
    pub fn find(&self, matches: impl Fn(&Accessible) -> bool) -> Option<&Accessible> {
        self.descendants().into_iter().find(|node| matches(node))
    }

    /// Every node for which `matches` holds, depth first.
    pub fn find_all(&self, matches: impl Fn(&Accessible) -> bool) -> Vec<&Accessible> {
        self.descendants()
            .into_iter()
            .filter(|node| matches(node))
            .collect()
    }

    /// The node made from the element with this HTML `id`.
    pub fn by_id(&self, id: &str) -> Option<&Accessible> {
        self.find(|node| node.attributes.get("id").map(String::as_str) == Some(id))
    }

    /// Whether it has `state` (see [`Accessible::states`]).
    pub fn has(&self, state: &str) -> bool {
        self.states.iter().any(|s| s == state)
    }

    /// The subtree as an indented outline, one "role \"name\" [states]" a line, as a failure
    /// shows it.
    pub fn outline(&self) -> String {
        let mut out = String::new();
        self.outline_into(0, &mut out);
        out
    }

    fn outline_into(&self, depth: usize, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{}{}", "  ".repeat(depth), self.describe());
        if !self.description.is_empty() {
            let _ = write!(out, " ({:?})", self.description);
        }
        if !self.states.is_empty() {
            let _ = write!(out, " [{}]", self.states.join(" "));
        }
        out.push('\n');
        for child in &self.children {
            child.outline_into(depth + 1, out);
        }
    }

    /// "role 'name'", as a test failure names it.
    pub fn describe(&self) -> String {
        format!("{} {:?}", self.role, self.name)
    }
}

/// What a live region said, as Orca would speak it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Announcement {
    /// "polite" or "assertive".
    pub politeness: String,
    /// The live region's role ("status bar" for role=status, "alert"...).
    pub role: String,
    /// The AT-SPI event it came with.
    pub event: String,
    /// The words.
    pub text: String,
}

/// A running tests/screen_reader.py: listening to live regions from its start. Stopped when
/// dropped.
pub struct ScreenReader {
    process: Child,
    input: ChildStdin,
    answers: mpsc::Receiver<String>,
}

impl ScreenReader {
    /// Starts the reader on the test's D-Bus session, bringing up the accessibility bus
    /// (at-spi2-core's org.a11y.Bus) if it is not running: start it before the app, which
    /// joins that bus only if it finds it at start.
    pub fn start() -> ScreenReader {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/screen_reader.py");
        let mut process = Command::new(PYTHON)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {PYTHON} {script} (python3-gi, gir1.2-atspi-2.0): {e}")
            });
        let input = process.stdin.take().expect("stdin");
        let output = BufReader::new(process.stdout.take().expect("stdout"));
        let (send, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in output.lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut reader = ScreenReader {
            process,
            input,
            answers,
        };
        let ready = reader.answer();
        assert_eq!(
            ready,
            serde_json::json!({ "ready": true }),
            "the reader started"
        );
        reader
    }

    fn answer(&mut self) -> serde_json::Value {
        let line = self
            .answers
            .recv_timeout(ANSWER_TIMEOUT)
            .unwrap_or_else(|e| panic!("the screen reader answered nothing: {e}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("the reader's answer {line}: {e}"))
    }

    fn ask(&mut self, command: &str) -> serde_json::Value {
        writeln!(self.input, "{command}").expect("write to the reader");
        self.input.flush().expect("flush to the reader");
        let answer = self.answer();
        if let Some(error) = answer.get("error") {
            panic!("the screen reader, asked {command:?}: {error}");
        }
        answer
    }

    /// The accessibility tree of the application running as process `pid`, read now.
    pub fn tree(&mut self, pid: u32) -> Accessible {
        let answer = self.ask(&format!("tree {pid}"));
        serde_json::from_value(answer).expect("a tree")
    }

    /// What live regions of the application running as process `pid` said since the last
    /// call (others on the bus are left out).
    pub fn announcements(&mut self, pid: u32) -> Vec<Announcement> {
        let answer = self.ask(&format!("announcements {pid}"));
        serde_json::from_value(answer["announcements"].clone()).expect("announcements")
    }
}

impl Drop for ScreenReader {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
