// Tauri's isolation pattern: every IPC message from the UI passes through here, in a
// sandboxed iframe, before it reaches Rust. Only Countersign's own commands and the event
// plugin may pass; anything else a compromised page tries is dropped.
const allowed = /^(plugin:event\|[a-z_]+|[a-z_]+)$/;

window.__TAURI_ISOLATION_HOOK__ = (payload) => {
  if (typeof payload?.cmd !== "string" || !allowed.test(payload.cmd)) {
    return null;
  }
  if (payload.cmd.startsWith("plugin:") && !payload.cmd.startsWith("plugin:event|")) {
    return null;
  }
  return payload;
};
