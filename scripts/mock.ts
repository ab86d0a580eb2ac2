#!/usr/bin/env node
// `npm run mock [-- --port N]` (or `npx konaplate-mock`): the Prism mock of spec/openapi.yaml on
// 127.0.0.1 until Ctrl-C.
import { defineCli } from "../common/cli-flags.js";
import { DEFAULT_PORT, parsePrismArgs, portFlagDef, runUntilSignal } from "./lib/prism-script.js";

const CLI = defineCli({
  usage: "npm run mock -- [--port N]   (or npx konaplate-mock [--port N])",
  about: `Serves a Prism mock of spec/openapi.yaml on http://127.0.0.1:N (default ${DEFAULT_PORT}).
A documented case's request body gets that case's documented answer; any other request that breaks
the contract gets a 422 application/problem+json answer listing every violation (userId counted
to the last digit). Pick a documented answer yourself with the header
  Prefer: code=400, example=002_003`,
  flags: { port: portFlagDef(DEFAULT_PORT) },
});

const args = parsePrismArgs(CLI, "mock", process.argv.slice(2), DEFAULT_PORT);
await runUntilSignal({ mode: "mock" }, args.port, (url) => `Prism mock of spec/openapi.yaml listening on ${url}\nSend a documented case's body, or try: Prefer: code=400, example=002_003   (Ctrl-C stops it)`);
