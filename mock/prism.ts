// Prism as the kit runs it: Prism's engine inside this very process, behind the kit's thin layer
// (server.ts), on a loopback port. In-process means no second Node start-up, and nothing that
// can outlive the command: when this process ends, so does its mock. The bare CLI binary is still
// resolved here for the start-up benchmark, which measures the kit against it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import type { Exchange, KitServer } from "./server.js";
import { PortInUseError, type PrismMode } from "./prism-engine.js";

export type { PrismMode } from "./prism-engine.js";
export type { Exchange } from "./server.js";
export { PortInUseError } from "./prism-engine.js";

export const LOOPBACK = "127.0.0.1";

export type PrismOptions = PrismMode & {
  /** One line per exchange (and one per violation) is written here when given. */
  output?: NodeJS.WritableStream;
};

export interface PrismHandle {
  url: string;
  port: number;
  /** The process serving the mock: this one. */
  pid: number;
  /** Settles once the mock has stopped (null: it was closed, not crashed). */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

/** A port the OS says is free right now: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("could not read a free port from the OS");
  return address.port;
}

/** The Prism CLI script of the installed @stoplight/prism-cli (for comparing against the bare CLI). */
export function prismBinary(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("@stoplight/prism-cli/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.prism;
  if (!bin) throw new Error(`@stoplight/prism-cli at ${dirname(manifestPath)} declares no "prism" binary`);
  return join(dirname(manifestPath), bin);
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `POST /api/... -> 422 violations` and one indented line per violation; control characters escaped. */
export function exchangeLines(exchange: Exchange): string {
  const clean = (text: string) => text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  const lines = [`${exchange.method} ${exchange.path} -> ${exchange.status} ${exchange.how}`];
  for (const v of exchange.violations) lines.push(`    ${v.severity.toLowerCase()}: ${v.location.join(".")} ${v.message}`);
  return `${clean(lines.join("\n"))}\n`;
}

const running = new Set<KitServer>();

/** Stops every mock this process started (for signal handlers). */
export async function stopAllPrism(): Promise<void> {
  await Promise.all([...running].map((server) => server.close()));
}

/**
 * Starts Prism's mock (or its validation proxy in front of a target) on the loopback interface and
 * resolves once it listens. Without a port, the OS picks a free one. A taken port rejects with
 * PortInUseError.
 */
export async function startPrism(options: PrismOptions, port = 0): Promise<PrismHandle> {
  const mode: PrismMode = options.mode === "proxy" ? { mode: "proxy", target: options.target } : { mode: "mock" };
  const output = options.output;
  // Loaded on first start only: `--help` and flag mistakes answer without loading the validators.
  const { startKitServer } = await import("./server.js");
  const server = await startKitServer({
    mode,
    host: LOOPBACK,
    port,
    ...(output ? { onExchange: (exchange: Exchange) => output.write(exchangeLines(exchange)) } : {}),
  });
  running.add(server);
  let markExited: (code: number | null) => void = () => {};
  const exited = new Promise<number | null>((resolve) => (markExited = resolve));
  return {
    url: server.url,
    port: server.port,
    pid: process.pid,
    exited,
    async close() {
      await server.close();
      running.delete(server);
      markExited(null);
    },
  };
}

export function isPortInUse(err: unknown): err is PortInUseError {
  return err instanceof PortInUseError;
}
