// Runs the conformance CLI's main() in-process with captured output and a fresh report directory.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../../conformance/cli.js";
import type { Report } from "../../conformance/report.js";

/** Credentials of a real shape, distinctive enough to grep for in every output. */
export const TEST_ENV = {
  KONAPLATE_ASP_ID: "TESTASP00000042",
  KONAPLATE_ACCESS_KEY: "AKLEAKCANARY0000000000000000000000000042",
  KONAPLATE_SECRET_KEY: "SKLEAKCANARY-secret-9f8e7d6c5b4a",
  KONAPLATE_TIME_ZONE: "KST",
} as const;

export class CapturedStream extends Writable {
  text = "";
  constructor(public isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
  /** report.json as text (undefined when not written). */
  json?: string;
  report?: Report;
  /** Every written report file's text, by file name. */
  files: Record<string, string>;
}

const dirs: string[] = [];

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { ttyStderr?: boolean } = {}): Promise<CliRun> {
  const dir = await mkdtemp(join(tmpdir(), "konaplate-conformance-"));
  dirs.push(dir);
  const stdout = new CapturedStream();
  const stderr = new CapturedStream(options.ttyStderr ?? false);
  const code = await main([...args, "--report-dir", dir], env, { stdout, stderr });
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name), "utf8");
  const run: CliRun = { code, stdout: stdout.text, stderr: stderr.text, dir, files };
  if (files["report.json"] !== undefined) {
    run.json = files["report.json"];
    run.report = JSON.parse(files["report.json"]) as Report;
  }
  return run;
}

let scratch: Promise<string> | undefined;

/** A file of the given text in one scratch folder per test file (removed by removeRunDirs); its path. */
export async function scratchFile(name: string, text?: string): Promise<string> {
  scratch ??= mkdtemp(join(tmpdir(), "konaplate-scratch-")).then((dir) => (dirs.push(dir), dir));
  const file = join(await scratch, name);
  if (text !== undefined) await writeFile(file, text, "utf8");
  return file;
}

/** Removes every report directory runCli created, and the scratch folder. */
export async function removeRunDirs(): Promise<void> {
  scratch = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A minimal XML well-formedness check: balanced tags, known entities, no stray `<` or `&`. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|<!\[CDATA\[[\s\S]*?\]\]>/g;
  let last = 0;
  const checkText = (text: string) => {
    if (text.includes("<")) problems.push(`stray "<" in ${JSON.stringify(text.slice(0, 40))}`);
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1] ?? "") || !m[0].endsWith(";")) problems.push(`bad entity ${m[0]}`);
    }
  };
  for (const m of body.matchAll(token)) {
    checkText(body.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0].startsWith("<![CDATA[")) continue;
    const [, closing, name, attrs, selfClosing] = m;
    for (const a of (attrs ?? "").matchAll(/="([^"]*)"/g)) checkText(a[1] ?? "");
    if (closing) {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}>`);
    } else if (!selfClosing) stack.push(name!);
  }
  checkText(body.slice(last));
  if (stack.length) problems.push(`unclosed ${stack.join(", ")}`);
  return problems;
}
