// The rooms of the kit and the direction of their imports (README, Layout):
//   generated <- src <- common <- {conformance, sandbox, mock} <- scripts
// no product folder imports scripts/, conformance/ and sandbox/ never import each other, mock/
// imports neither (conformance/ may run the mock), no import cycles, and each file directly in
// scripts/ is a thin shell.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { architectureProblems, importSpecifiers, readTree } from "./support/architecture.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A small tree that keeps every rule; each test below breaks one. */
const GOOD: Record<string, string> = {
  "generated/contract.ts": "export const OPERATION = {};\n",
  "generated/schema.d.ts": "export interface paths {}\n",
  "src/json.ts": 'import { OPERATION } from "../generated/contract.js";\nimport type { paths } from "../generated/schema.js";\n',
  "common/flags.ts": 'import { parseJson } from "../src/json.js";\n',
  "conformance/cli.ts": 'import { flags } from "../common/flags.js";\nimport { start } from "../mock/server.js";\nimport { run } from "./runner.js";\n',
  "conformance/runner.ts": 'import { parseJson } from "../src/json.js";\n',
  "sandbox/server.ts": 'import { flags } from "../common/flags.js";\n',
  "mock/server.ts": 'import { flags } from "../common/flags.js";\n',
  "scripts/mock.ts": 'import { start } from "../mock/server.js";\nimport { serve } from "../sandbox/server.js";\nimport { run } from "../conformance/runner.js";\n',
};

const problemsWith = (changes: Record<string, string>) => architectureProblems(new Map(Object.entries({ ...GOOD, ...changes })));

describe("architecture", () => {
  it("the kit's own tree keeps every import rule, has no import cycle, and keeps scripts/ thin", () => {
    const tree = readTree(ROOT);
    // The rooms are really read (a wrong root would make an empty tree pass).
    for (const room of ["src/client.ts", "common/cli-flags.ts", "conformance/cli.ts", "sandbox/server.ts", "mock/server.ts", "scripts/mock.ts"]) expect(tree.has(room)).toBe(true);
    expect(architectureProblems(tree)).toEqual([]);
  });

  it("the small tree the checker is tested on keeps every rule", () => {
    expect(problemsWith({})).toEqual([]);
  });

  it("a product folder importing scripts/ is named, whichever folder it is", () => {
    for (const file of ["src/json.ts", "common/flags.ts", "conformance/runner.ts", "sandbox/server.ts", "mock/server.ts"]) {
      const room = file.split("/")[0];
      const problems = problemsWith({ [file]: 'import { exitWithUsage } from "../scripts/lib/cli-flags.js";\n' });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${file} imports scripts/lib/cli-flags\\.ts: ${room}/ may import only `))]);
    }
  });

  it("conformance/ and sandbox/ never import each other; mock/ imports neither", () => {
    expect(problemsWith({ "sandbox/server.ts": 'import { maskName } from "../conformance/masking.js";\n' })).toEqual([
      "sandbox/server.ts imports conformance/masking.ts: sandbox/ may import only sandbox/, common/, src/, generated/",
    ]);
    expect(problemsWith({ "conformance/runner.ts": 'export { refuse } from "../sandbox/refusal.js";\n' })).toEqual([
      "conformance/runner.ts imports sandbox/refusal.ts: conformance/ may import only conformance/, mock/, common/, src/, generated/",
    ]);
    expect(problemsWith({ "mock/server.ts": 'const { judge } = await import("../conformance/checks.js");\n' })).toHaveLength(1);
    expect(problemsWith({ "mock/server.ts": 'import type { Outcome } from "../sandbox/outcomes.js";\n' })).toHaveLength(1);
  });

  it("common/ imports only src/ and generated/; src/ only generated/", () => {
    // (Files the small tree does not hold: an import is judged by where it points.)
    expect(problemsWith({ "common/flags.ts": 'import { startPrism } from "../mock/prism.js";\n' })).toEqual([
      "common/flags.ts imports mock/prism.ts: common/ may import only common/, src/, generated/",
    ]);
    expect(problemsWith({ "src/json.ts": 'import { closeServer } from "../common/http-server.js";\n' })).toEqual([
      "src/json.ts imports common/http-server.ts: src/ may import only src/, generated/",
    ]);
    // Pointing back up also closes a cycle, named as well.
    expect(problemsWith({ "src/json.ts": 'import { flags } from "../common/flags.js";\n' })).toEqual([
      "src/json.ts imports common/flags.ts: src/ may import only src/, generated/",
      "import cycle between common/flags.ts, src/json.ts",
    ]);
  });

  it("sees imports in every form: multi-line, type-only, re-exports, dynamic; not in comments or strings", () => {
    const text = [
      'import {\n  a,\n  b,\n} from "./a.js";',
      'import type { B } from "./b.js";',
      'export { c } from "./c.js";',
      'export type * from "./d.js";',
      'const e = await import("./e.js");',
      '// import { f } from "./f.js";',
      'const g = \'import { g } from "./g.js"\';',
      'import { readFileSync } from "node:fs";',
      'import ts from "typescript";',
    ].join("\n");
    expect(importSpecifiers("x.ts", text)).toEqual(["./a.js", "./b.js", "./c.js", "./d.js", "./e.js"]);
  });

  it("an import cycle is named with every file in it, type-only imports included", () => {
    expect(problemsWith({ "conformance/runner.ts": 'import type { Cli } from "./cli.js";\n' })).toEqual(["import cycle between conformance/cli.ts, conformance/runner.ts"]);
    expect(
      problemsWith({
        "src/a.ts": 'import "./b.js";\n',
        "src/b.ts": 'import "./c.js";\n',
        "src/c.ts": 'import "./a.js";\n',
      }),
    ).toEqual(["import cycle between src/a.ts, src/b.ts, src/c.ts"]);
  });

  it("a file directly in scripts/ of 100 lines or more is named; scripts/lib/ is not a shell", () => {
    const long = "// a line\n".repeat(100);
    expect(problemsWith({ "scripts/mock.ts": long })).toEqual(["scripts/mock.ts has 100 lines: a file directly in scripts/ is a thin shell, under 100 lines"]);
    expect(problemsWith({ "scripts/mock.ts": "// a line\n".repeat(99) })).toEqual([]);
    expect(problemsWith({ "scripts/lib/render.ts": long })).toEqual([]);
  });
});
