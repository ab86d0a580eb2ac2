// The one flag parser every command uses (common/cli-flags.ts), its declarations for the
// conformance CLI, and the commands as real processes: mock, proxy, bench and conformance answer
// --help with exit 0 and every mistake with exit 2 and a message naming the flag and the rule.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CASE_IDS } from "../generated/contract.js";
import { caseListing, MAX_TIMEOUT_MS, parseArgs, usage } from "../conformance/config.js";
import { choiceFlag, defineCli, integerFlag, listFlag, portFlag, UsageError, wrapList } from "../common/cli-flags.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");

const demo = defineCli({
  usage: "demo -- [options] [NAME...]",
  about: "A command for the tests.",
  flags: {
    port: { value: "N", help: "a port\nsecond line of help" },
    "report-dir": { value: "DIR", help: "a directory" },
    verbose: { help: "say more" },
  },
  positionals: "NAME",
  footer: "Names: a, b",
});
const strictDemo = defineCli({ usage: "strict", about: "No free arguments.", flags: { target: { value: "URL", help: "where" } } });

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("defineCli", () => {
  it("reads --flag value and --flag=value alike, switches, positionals and -h", () => {
    expect(demo.parse(["--port", "80", "--report-dir=out", "--verbose", "a", "b"])).toEqual({
      flags: { port: "80", "report-dir": "out", verbose: true },
      positionals: ["a", "b"],
      help: false,
    });
    expect(demo.parse(["--port=--x"]).flags.port).toBe("--x");
    expect(demo.parse(["-h"]).help).toBe(true);
    expect(demo.parse(["--help"]).help).toBe(true);
    expect(demo.parse([])).toEqual({ flags: {}, positionals: [], help: false });
  });

  it("names the flag and the rule for every mistake", () => {
    expect(usageError(() => demo.parse(["--prot", "80"]))).toBe("unknown flag --prot");
    expect(usageError(() => demo.parse(["--prot=80"]))).toBe("unknown flag --prot");
    expect(usageError(() => demo.parse(["-x"]))).toBe("unknown flag -x");
    expect(usageError(() => demo.parse(["--port"]))).toBe("--port needs a value");
    expect(usageError(() => demo.parse(["--port", "--verbose"]))).toBe("--port needs a value");
    expect(usageError(() => demo.parse(["--port="]))).toBe("--port needs a value");
    expect(usageError(() => demo.parse(["--port", ""]))).toBe("--port needs a value");
    expect(usageError(() => demo.parse(["--port", "-5"]))).toBe('--port needs a value (a value starting with "-" is written --port=-5)');
    expect(usageError(() => demo.parse(["--port", "1", "--port=2"]))).toBe("--port given twice");
    expect(usageError(() => demo.parse(["--verbose", "--verbose"]))).toBe("--verbose given twice");
    expect(usageError(() => demo.parse(["--verbose=yes"]))).toBe("--verbose takes no value");
    expect(usageError(() => strictDemo.parse(["somewhere"]))).toBe('unexpected argument "somewhere" (flags take the form --name value)');
  });

  it("prints one usage: flags in declared order with their placeholders, --help last, the footer and any extra", () => {
    const text = demo.usage("Extra: listed at run time");
    expect(text).toBe(
      [
        "Usage: demo -- [options] [NAME...]",
        "",
        "A command for the tests.",
        "",
        "Options:",
        "  --port N           a port",
        "                     second line of help",
        "  --report-dir DIR   a directory",
        "  --verbose          say more",
        "  --help             this text",
        "",
        "Names: a, b",
        "",
        "Extra: listed at run time",
        "",
      ].join("\n"),
    );
  });

  it("checks values: whole numbers in range, ports, choices, lists", () => {
    expect(integerFlag("--n", "12", { min: 1, max: 20, what: "things" })).toBe(12);
    expect(usageError(() => integerFlag("--n", "1.5", { min: 1, max: 20, what: "things" }))).toBe('--n must be a positive whole number of things, got "1.5"');
    expect(usageError(() => integerFlag("--n", "21", { min: 1, max: 20, what: "things", maxReason: "why" }))).toBe('--n must be at most 20 things (why), got "21"');
    expect(portFlag("--port", "65535")).toBe(65535);
    for (const bad of ["0", "65536", "http", "-1", "80.0"]) expect(usageError(() => portFlag("--port", bad))).toBe(`--port must be a whole number from 1 to 65535, got "${bad}"`);
    expect(choiceFlag("--kind", "b", ["a", "b"] as const)).toBe("b");
    expect(usageError(() => choiceFlag("--kind", "c", ["a", "b"]))).toBe('--kind must be one of a, b, got "c"');
    expect(listFlag("--only", " a, ,b ", "id")).toEqual(["a", "b"]);
    expect(usageError(() => listFlag("--only", " , ", "id"))).toBe("--only needs at least one id");
    expect(wrapList(["aaaa", "bbbb", "cccc"], "  ", 14)).toBe("aaaa, bbbb,\n  cccc");
  });
});

describe("conformance flags", () => {
  it("keeps every documented flag and default", () => {
    expect(parseArgs([])).toEqual({ reportDir: "conformance-report", timeoutMs: 10_000, concurrency: 4, strict: false, fuzz: 0, help: false });
    expect(
      parseArgs(["--target", "http://x", "--cases=c.json", "--report-dir", "r", "--timeout", "500", "--concurrency=2", "--only", "success, 002_003", "--kind", "acceptance", "--strict", "--fuzz", "20", "--seed=7", "-h"]),
    ).toEqual({ target: "http://x", casesFile: "c.json", reportDir: "r", timeoutMs: 500, concurrency: 2, only: ["success", "002_003"], kind: "acceptance", strict: true, fuzz: 20, seed: 7, help: true });
  });

  it("--kind takes documented, acceptance or refusal; --only takes ids and prefixes ending in *", () => {
    expect(parseArgs(["--kind=documented"]).kind).toBe("documented");
    expect(usageError(() => parseArgs(["--kind", "all"]))).toBe('--kind must be one of documented, acceptance, refusal, got "all"');
    expect(parseArgs(["--only", "002_*,success,*"]).only).toEqual(["002_*", "success", "*"]);
    expect(usageError(() => parseArgs(["--only", "002*_1"]))).toBe('--only: "002*_1" may hold * only at its end (a prefix such as 002_*)');
    expect(usageError(() => parseArgs(["--only", ","]))).toBe("--only needs at least one case id");
  });

  it("--fuzz takes 0 to 10000 cases; --seed a 32-bit seed, and only with --fuzz", () => {
    expect(parseArgs(["--fuzz", "0"]).fuzz).toBe(0);
    expect(parseArgs(["--fuzz=10000", "--seed", "4294967295"])).toMatchObject({ fuzz: 10_000, seed: 4_294_967_295 });
    expect(usageError(() => parseArgs(["--fuzz", "10001"]))).toBe('--fuzz must be at most 10000 cases (each is a request and a row of every report), got "10001"');
    expect(usageError(() => parseArgs(["--fuzz", "-1"]))).toMatch(/^--fuzz /);
    expect(usageError(() => parseArgs(["--seed", "7"]))).toBe("--seed: only with --fuzz N (N at least 1): it seeds the random bodies of --fuzz");
    expect(usageError(() => parseArgs(["--fuzz", "0", "--seed", "7"]))).toMatch(/^--seed: only with --fuzz N/);
    expect(usageError(() => parseArgs(["--fuzz", "5", "--seed", "4294967296"]))).toBe('--seed must be a whole number from 0 to 4294967295 (fast-check\'s seeds are 32-bit), got "4294967296"');
    expect(usageError(() => parseArgs(["--fuzz", "5", "--seed", "1e3"]))).toMatch(/^--seed must be a whole number/);
    expect(usageError(() => parseArgs(["--fuzz", "5", "--kind", "refusal"]))).toBe("--fuzz adds acceptance cases: it does not go with --kind refusal");
    expect(parseArgs(["--fuzz", "5", "--kind", "acceptance"]).kind).toBe("acceptance");
  });

  it("refuses a --timeout Node's timers cannot wait for, and keeps the largest one they can", () => {
    expect(parseArgs([`--timeout=${MAX_TIMEOUT_MS}`]).timeoutMs).toBe(2 ** 31 - 1);
    expect(usageError(() => parseArgs(["--timeout", String(2 ** 31)]))).toBe(
      `--timeout must be at most 2147483647 milliseconds (the longest delay Node's timers allow), got "2147483648"`,
    );
    expect(usageError(() => parseArgs(["--timeout", "0"]))).toBe('--timeout must be a positive whole number of milliseconds, got "0"');
    expect(usageError(() => parseArgs(["--report-dir="]))).toBe("--report-dir needs a value");
    expect(usageError(() => parseArgs(["--only", "a", "--only", "b"]))).toBe("--only given twice");
  });

  it("--help lists every case id with its kind, and more kinds append to the same list", () => {
    const text = usage();
    for (const id of CASE_IDS) expect(text).toMatch(new RegExp(`[ ,]${id.replace(/[-]/g, "\\-")}(,|\\n)`));
    expect(text).toContain("  documented: success, 002_001");
    const both = caseListing([{ id: "success", kind: "documented" }, { id: "refuse-no-token", kind: "refusal" }]);
    expect(both).toBe("Case ids (for --only and --cases), by kind:\n  documented: success\n  refusal:    refuse-no-token\n");
  });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runTs(script: string, args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, script, ...args], { cwd: ROOT, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe("the commands as processes", () => {
  it("conformance: --help exits 0 listing case ids and kinds; a mistake exits 2 naming the flag", async () => {
    const help = await runTs("conformance/cli.ts", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--kind KIND");
    expect(help.stdout).toContain(`documented: ${CASE_IDS.slice(0, 3).join(", ")}`);
    expect(help.stdout).toContain("non-participant");
    const twice = await runTs("conformance/cli.ts", ["--concurrency", "2", "--concurrency=3"]);
    expect(twice).toMatchObject({ code: 2, stdout: "" });
    expect(twice.stderr).toBe("conformance: --concurrency given twice\nRun with --help for usage.\n");
  });

  it("mock and proxy: --help exits 0; bad or repeated flags exit 2 with the message and the usage", async () => {
    const [help, repeated, badPort, noTarget, badTarget] = await Promise.all([
      runTs("scripts/mock.ts", ["--help"]),
      runTs("scripts/mock.ts", ["--port", "4999", "--port=4998"]),
      runTs("scripts/proxy.ts", ["--target", "http://127.0.0.1:9", "--port=70000"]),
      runTs("scripts/proxy.ts", ["--port", "4999"]),
      runTs("scripts/proxy.ts", ["--target", "ftp://example.test"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run mock -- \[--port N\]/);
    expect(help.stdout).toContain("--port N");
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toMatch(/^mock: --port given twice\n\nUsage: npm run mock/);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('proxy: --port must be a whole number from 1 to 65535, got "70000"');
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/^proxy: --target URL is required\n\nUsage: npm run proxy/);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('proxy: --target: "ftp://example.test" is not an http or https URL');
  });

  it("bench: an unknown name exits 2 naming the benchmarks that exist", async () => {
    const existing = readdirSync(join(ROOT, "bench")).filter((f) => f.endsWith(".bench.ts")).map((f) => f.replace(".bench.ts", ""));
    expect(existing.length).toBeGreaterThan(1);
    const bogus = await runTs("bench/run.ts", ["bogus"]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain(`bench: no benchmark matches "bogus" (benchmarks: ${existing.sort().join(", ")})`);
    const help = await runTs("bench/run.ts", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Benchmarks: ${existing.join(", ")}`);
  });
});
