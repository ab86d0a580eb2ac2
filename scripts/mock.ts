// `npm run mock [-- --port N]`: the Prism mock of spec/openapi.yaml on 127.0.0.1 until Ctrl-C.
import { parsePortArgs, runUntilSignal } from "./lib/prism-script.js";

const USAGE = `Usage: npm run mock -- [--port N]

Serves a Prism mock of spec/openapi.yaml on http://127.0.0.1:N (default 4010).
Pick a documented answer with the header  Prefer: code=400, example=002_003
`;

const args = parsePortArgs(process.argv.slice(2), USAGE, []);
await runUntilSignal({ mode: "mock" }, args.port, (url) => `Prism mock of spec/openapi.yaml listening on ${url}\nTry: Prefer: code=400, example=002_003   (Ctrl-C stops it)`);
