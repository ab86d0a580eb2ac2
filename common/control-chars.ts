// Control characters. Server text reaches terminals (ESC sequences, OSC titles, CR overwriting a
// line, BEL, C1 CSI) and readers (bidi overrides reorder what is shown): all made visible.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/g;

const visible = (c: string) =>
  c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

// The same classes without /g, for the question "anything to escape?" that nearly every string answers no.
const HAS_CONTROL = new RegExp(CONTROL.source);
const HAS_CONTROL_OR_BREAK = new RegExp(CONTROL_OR_BREAK.source);

/** Control, bidi and line-separator characters as visible `\uXXXX` text; `multiline` keeps LF and TAB. */
export function escapeControls(text: string, multiline = false): string {
  if (!(multiline ? HAS_CONTROL : HAS_CONTROL_OR_BREAK).test(text)) return text;
  return text.replace(multiline ? CONTROL : CONTROL_OR_BREAK, visible);
}
