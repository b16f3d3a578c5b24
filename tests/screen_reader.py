#!/usr/bin/python3
"""Reads an application's accessibility tree over AT-SPI, as a screen reader does.

Orca is written on the same library (libatspi through GObject introspection), so what this
reports is what Orca would be given. Driven by the end-to-end tests (tests/src/screen_reader.rs)
through stdin and stdout, one JSON document a line:

  started          -> {"ready": true}   (listeners registered, the accessibility bus is up)
  tree PID         -> the tree of the application whose process is PID, or {"error": ...}
  announcements PID -> {"announcements": [...]} what live regions of that application (its
                       web process is a descendant) said since the last ask

Live regions are heard the way Orca hears them: an object added inside a live region
(object:children-changed:add whose source has a container-live attribute) is read out, and so
is text inserted into one (object:text-changed:insert).

Needs python3-gi and gir1.2-atspi-2.0 (Debian), and Debian's own /usr/bin/python3 that they
belong to.
"""

import json
import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

# States a screen reader speaks or acts on; the rest (opaque, visible...) are noise here.
STATES = {
    Atspi.StateType.FOCUSED: "focused",
    Atspi.StateType.FOCUSABLE: "focusable",
    Atspi.StateType.SELECTED: "selected",
    Atspi.StateType.CHECKED: "checked",
    Atspi.StateType.PRESSED: "pressed",
    Atspi.StateType.EXPANDED: "expanded",
    Atspi.StateType.MODAL: "modal",
    Atspi.StateType.REQUIRED: "required",
    Atspi.StateType.INVALID_ENTRY: "invalid",
    Atspi.StateType.READ_ONLY: "read-only",
    Atspi.StateType.SHOWING: "showing",
}
# Object attributes worth reporting (WebKit exposes many more).
ATTRIBUTES = ("id", "tag", "live", "container-live", "atomic", "xml-roles", "posinset", "setsize")
# A tree deeper than this is a cycle or a bug.
MAX_DEPTH = 60

announcements = []


def text_of(accessible):
    """The object's own text (its Text interface), or None."""
    try:
        if "Text" not in accessible.get_interfaces():
            return None
        count = Atspi.Text.get_character_count(accessible)
        return Atspi.Text.get_text(accessible, 0, count) if count else ""
    except GLib.Error:
        return None


def node(accessible, depth=0):
    """The object and its descendants as plain data."""
    role = accessible.get_role_name()
    if role == "document web":
        # The page's objects (WebKit's web process) are read fresh every time: libatspi's
        # cache follows only the events that reach it, and a name read on an earlier screen
        # would be given again. (Clearing from the window's root leaves the page's objects
        # cached; turning the cache off for the window made libatspi hang.)
        accessible.clear_cache()
    data = {"role": role, "name": accessible.get_name() or ""}
    description = accessible.get_description()
    if description:
        data["description"] = description
    states = accessible.get_state_set()
    data["states"] = [name for state, name in STATES.items() if states.contains(state)]
    attributes = accessible.get_attributes() or {}
    data["attributes"] = {k: v for k, v in attributes.items() if k in ATTRIBUTES}
    text = text_of(accessible)
    # The text with U+FFFC (an embedded child) taken out: the children carry it.
    if text:
        data["text"] = text.replace("\ufffc", "").strip()
    if depth < MAX_DEPTH:
        children = []
        for index in range(accessible.get_child_count()):
            child = accessible.get_child_at_index(index)
            if child is not None:
                children.append(node(child, depth + 1))
        data["children"] = children
    return data


def tree(pid):
    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(index)
        try:
            if app is not None and app.get_process_id() == pid:
                return node(app)
        except GLib.Error:
            continue  # an application that quit while we looked
    return {"error": f"no application with process {pid} on the accessibility bus"}


def spoken_text(accessible):
    """What Orca reads of an object added to a live region: its text, else its name."""
    text = text_of(accessible)
    if text and text.replace("\ufffc", "").strip():
        return " ".join(text.replace("\ufffc", " ").split())
    parts = [accessible.get_name() or ""]
    for index in range(accessible.get_child_count()):
        child = accessible.get_child_at_index(index)
        if child is not None:
            parts.append(spoken_text(child))
    return " ".join(p for p in parts if p)


def on_event(event):
    if not event.type.startswith(("object:children-changed:add", "object:text-changed:insert")):
        return  # not speech from a live region
    try:
        source = event.source
        attributes = source.get_attributes() or {}
        politeness = attributes.get("container-live")
        if politeness not in ("polite", "assertive"):
            return
        if event.type.startswith("object:children-changed:add"):
            added = event.any_data
            said = spoken_text(added) if isinstance(added, Atspi.Accessible) else ""
        else:
            said = str(event.any_data or "")
        said = " ".join(said.split())
        if said:
            announcements.append(
                {
                    "pid": source.get_process_id(),
                    "politeness": politeness,
                    "role": source.get_role_name(),
                    "event": event.type,
                    "text": said,
                }
            )
    except GLib.Error:
        pass  # the object went away before we read it, as it may to a screen reader


def descends_from(pid, ancestor):
    """Whether process `pid` is `ancestor` or runs below it (WebKit's web process runs in a
    sandbox the app started)."""
    while pid and pid > 1:
        if pid == ancestor:
            return True
        try:
            with open(f"/proc/{pid}/stat") as stat:
                pid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
    return False


def answer(data):
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def on_command(channel, condition):
    line = sys.stdin.readline()
    if not line:
        Atspi.event_quit()
        return False
    words = line.split()
    try:
        if words[:1] == ["tree"] and len(words) == 2:
            answer(tree(int(words[1])))
        elif words[:1] == ["announcements"] and len(words) == 2:
            pid = int(words[1])
            # Other tests' apps may share the accessibility bus: only this app's are kept.
            heard = [a for a in announcements if descends_from(a.pop("pid"), pid)]
            answer({"announcements": heard})
            announcements.clear()
        else:
            answer({"error": f"unknown command {line.strip()!r}"})
    except GLib.Error as error:
        answer({"error": str(error)})
    return True


def main():
    Atspi.init()
    listener = Atspi.EventListener.new(on_event)
    # The events Orca listens to (WebKit sends only events someone listens to).
    for event in (
        "object:children-changed",
        "object:text-changed",
        "object:property-change",
        "object:state-changed",
        "focus:",
    ):
        listener.register(event)
    # Reaching the desktop starts the accessibility bus (org.a11y.Bus) if nothing had.
    Atspi.get_desktop(0).get_child_count()
    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_command)
    answer({"ready": True})
    Atspi.event_main()


if __name__ == "__main__":
    main()
