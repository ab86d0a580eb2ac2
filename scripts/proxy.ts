#!/usr/bin/env node
// `npm run proxy -- --target URL [--port N]` (or `npx konaplate-proxy`): Prism's validation proxy
// in front of a real server. Route an application's traffic through it: every exchange is checked
// against the contract and violations are logged and returned in the `sl-violations` header.
import { defineCli, exitWithUsage } from "../common/cli-flags.js";
import { DEFAULT_PROXY_PORT, parsePrismArgs, portFlagDef, runUntilSignal } from "./lib/prism-script.js";

const CLI = defineCli({
  usage: "npm run proxy -- --target URL [--port N]   (or npx konaplate-proxy --target URL [--port N])",
  about: `Runs Prism's validation proxy for spec/openapi.yaml on http://127.0.0.1:N (default ${DEFAULT_PROXY_PORT}), forwarding
to URL (e.g. https://sandbox.konaplate.com/open-api). Contract violations appear in the log and in
each answer's sl-violations header; the kit's exact checks are added there too (e.g. a userId above
9999999999999999999, which Prism's float comparison lets through). Requests are forwarded byte for
byte, so their token stays valid.`,
  flags: {
    target: { value: "URL", help: "the server to forward to (http or https); required" },
    port: portFlagDef(DEFAULT_PROXY_PORT),
  },
});

const args = parsePrismArgs(CLI, "proxy", process.argv.slice(2), DEFAULT_PROXY_PORT);
const target = args.flags.target;
if (target === undefined) exitWithUsage(CLI, "proxy", "--target URL is required");
let url: URL;
try {
  url = new URL(target);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
} catch {
  exitWithUsage(CLI, "proxy", `--target: "${target}" is not an http or https URL`);
}
await runUntilSignal({ mode: "proxy", target: url.toString().replace(/\/+$/, "") }, args.port, (local) => `Prism validation proxy listening on ${local} -> ${url.toString()}\nViolations are logged below and returned in the sl-violations header (Ctrl-C stops it)`);
