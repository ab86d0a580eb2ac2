// Text and attribute values in report.html come from servers and users (Korean titles, messages
// with `<`): every one goes through here.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
