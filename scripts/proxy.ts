// `npm run proxy -- --target URL [--port N]`: Prism's validation proxy in front of a real server.
// Route an application's traffic through it: every exchange is checked against the contract and
// violations are logged and returned in the `sl-violations` header.
import { parsePortArgs, runUntilSignal } from "./lib/prism-script.js";

const USAGE = `Usage: npm run proxy -- --target URL [--port N]

Runs Prism's validation proxy for spec/openapi.yaml on http://127.0.0.1:N (default 4010),
forwarding to URL (e.g. https://sandbox.konaplate.com/open-api). Contract violations appear in
the log and in each answer's sl-violations header.
`;

const args = parsePortArgs(process.argv.slice(2), USAGE, ["--target"]);
const target = args.values["--target"];
if (!target) {
  process.stderr.write(`proxy: --target URL is required\n\n${USAGE}`);
  process.exit(2);
}
let url: URL;
try {
  url = new URL(target);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
} catch {
  process.stderr.write(`proxy: --target: "${target}" is not an http or https URL\n\n${USAGE}`);
  process.exit(2);
}
await runUntilSignal({ mode: "proxy", target: url.toString().replace(/\/+$/, "") }, args.port, (local) => `Prism validation proxy listening on ${local} -> ${url.toString()}\nViolations are logged below and returned in the sl-violations header (Ctrl-C stops it)`);
