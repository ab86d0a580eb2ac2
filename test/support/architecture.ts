// The kit's rooms and the direction of their imports, checked on the source text (TypeScript's own
// parser finds every import: multi-line, type-only, re-exports, dynamic import()), so a wrong arrow
// fails a test instead of waiting for a reader to notice.
//
//   generated <- src <- common <- {conformance, sandbox, mock} <- scripts
//
// conformance/ also imports mock/ (its command runs the embedded mock); never sandbox/, and
// sandbox/ and mock/ import neither conformance/ nor each other.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { posix } from "node:path";
import ts from "typescript";

/** Each room and the rooms it may import (itself included). */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  generated: ["generated"],
  src: ["src", "generated"],
  common: ["common", "src", "generated"],
  conformance: ["conformance", "mock", "common", "src", "generated"],
  sandbox: ["sandbox", "common", "src", "generated"],
  mock: ["mock", "common", "src", "generated"],
  scripts: ["scripts", "conformance", "sandbox", "mock", "common", "src", "generated"],
};

/** Files directly in scripts/ are thin shells: parse flags, wire parts, exit codes. */
export const MAX_SHELL_LINES = 100;

/** Source files by path relative to the root (`conformance/cli.ts`), with their text. */
export type Tree = ReadonlyMap<string, string>;

/** Every file under the rooms, read from disk. */
export function readTree(root: string, rooms: readonly string[] = Object.keys(MAY_IMPORT)): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(posix.join(root, dir)).sort()) {
      const path = posix.join(dir, name);
      if (statSync(posix.join(root, path)).isDirectory()) walk(path);
      else tree.set(path, readFileSync(posix.join(root, path), "utf8"));
    }
  };
  for (const room of rooms) walk(room);
  return tree;
}

const isCode = (path: string) => /\.(ts|mts|mjs|js)$/.test(path);

/** The relative specifiers a module imports, in any form; packages and node: builtins are left out. */
export function importSpecifiers(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith("."));
}

/** The tree's path an import names: `../src/json.js` from `common/x.ts` is `src/json.ts` (or .d.ts, or as written). */
function target(tree: Tree, from: string, specifier: string): string {
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = path.replace(/\.js$/, "");
  return [`${stem}.ts`, `${stem}.d.ts`, path].find((p) => tree.has(p)) ?? (path.endsWith(".js") ? `${stem}.ts` : path);
}

const roomOf = (path: string) => path.split("/")[0]!;

/** Every broken rule of the tree, as sentences naming the file and the rule; empty when it keeps them all. */
export function architectureProblems(tree: Tree): string[] {
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const [path, text] of tree) {
    if (!isCode(path)) continue;
    const room = roomOf(path);
    const allowed = MAY_IMPORT[room];
    const targets = importSpecifiers(path, text).map((s) => target(tree, path, s));
    edges.set(path, targets.filter((t) => tree.has(t)));
    if (!allowed) continue;
    for (const t of targets) {
      if (!allowed.includes(roomOf(t))) problems.push(`${path} imports ${t}: ${room}/ may import only ${allowed.map((r) => `${r}/`).join(", ")}`);
    }
  }
  for (const cycle of cycles(edges)) problems.push(`import cycle between ${cycle.join(", ")}`);
  for (const [path, text] of tree) {
    if (posix.dirname(path) !== "scripts") continue;
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines >= MAX_SHELL_LINES) problems.push(`${path} has ${lines} lines: a file directly in scripts/ is a thin shell, under ${MAX_SHELL_LINES} lines`);
  }
  return problems;
}

/** The import cycles (Tarjan's strongly connected components of more than one file, or a file importing itself). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.unshift(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v);
  return found;
}
