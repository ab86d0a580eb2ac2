#!/usr/bin/env node
// `npm run mock [-- --port N]` (or `npx konaplate-mock`): the Prism mock of spec/openapi.yaml on
// 127.0.0.1 until Ctrl-C.
import { defineCli } from "./lib/cli-flags.js";
import { parsePrismArgs, portFlagDef, runUntilSignal } from "./lib/prism-script.js";

const CLI = defineCli({
  usage: "npm run mock -- [--port N]   (or npx konaplate-mock [--port N])",
  about: `Serves a Prism mock of spec/openapi.yaml on http://127.0.0.1:N.
Pick a documented answer with the header  Prefer: code=400, example=002_003`,
  flags: { port: portFlagDef() },
});

const args = parsePrismArgs(CLI, "mock", process.argv.slice(2));
await runUntilSignal({ mode: "mock" }, args.port, (url) => `Prism mock of spec/openapi.yaml listening on ${url}\nTry: Prefer: code=400, example=002_003   (Ctrl-C stops it)`);
