#!/usr/bin/env node
// `npm run sandbox [-- --port N]` (or `npx konaplate-sandbox`): a local Konaplate that checks your signature, until Ctrl-C, SIGTERM
// or the end of whatever launched it. Exit 2 on a usage or configuration error, 1 if it cannot listen.
import { startSandbox } from "../sandbox/server.js";
import { banner, BASE_PATH, CLI, settingsFrom, usage, UsageError, type SandboxSettings } from "../sandbox/settings.js";
import { exitWithUsage } from "../common/cli-flags.js";
import { stopOnExitRequest } from "../common/lifetime.js";

let settings: SandboxSettings;
try {
  settings = await settingsFrom(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  exitWithUsage(CLI, "sandbox", err.message);
}
if (settings.help) {
  process.stdout.write(usage());
  process.exit(0);
}

try {
  const sandbox = await startSandbox({
    basePath: BASE_PATH,
    credentials: settings.credentials,
    encryption: settings.encryption,
    maxClockSkewSeconds: settings.maxClockSkewSeconds,
    log: (line) => process.stdout.write(line),
  }, settings.port);
  stopOnExitRequest(async (reason) => {
    process.stdout.write(`sandbox: stopping (${reason})\n`);
    await sandbox.close();
  });
  process.stdout.write(banner(sandbox.baseUrl, settings));
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  process.stderr.write(`sandbox: cannot listen on 127.0.0.1:${settings.port}${code === "EADDRINUSE" ? " (the port is in use; pick another with --port N)" : ` (${code ?? (err as Error).message})`}\n`);
  process.exit(1);
}
