// The CI recipes under examples/ci/, run the way their CI service runs them, as far as a test can:
// the shell steps in order, in a project folder, with the environment the service would give them
// (secrets and variables in, the test runner's npm variables out). `uses:` actions are not run;
// they are listed with whether the service would start them after what went before.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { MARKER_VARIABLE } from "./processes.js";
import { REPO, type PackedKit } from "./packed-kit.js";

export const GITHUB_RECIPE = "examples/ci/github-actions.yml";
export const GITLAB_RECIPE = "examples/ci/gitlab-ci.yml";

type Mapping = Record<string, unknown>;

function mapping(value: unknown, where: string): Mapping {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Mapping;
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === "string")) throw new Error(`${where}: expected a string or a list of strings`);
  return list as string[];
}

export function readRecipe(path: string): { text: string; doc: Mapping } {
  const text = readFileSync(join(REPO, path), "utf8");
  return { text, doc: mapping(parse(text), path) };
}

export interface Shell {
  cwd: string;
  /** Stops whatever the job left running (see processes.ts). */
  marker: string;
  timeoutMs?: number;
}

export interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a CI machine's shell has: no npm_* or INIT_CWD from the test runner's `npm test`, no KONAPLATE_* of ours. */
function ciEnvironment(marker: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|KONAPLATE_)/i.test(name)) continue;
    env[name] = value;
  }
  // Loopback only: the kit's dependencies are already in node_modules, the kit is a local tarball.
  env.npm_config_offline = "true";
  env.CI = "true";
  env[MARKER_VARIABLE] = marker;
  return env;
}

function runShell(args: string[], variables: Record<string, string>, shell: Shell): Promise<ShellRun> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      args,
      { cwd: shell.cwd, env: { ...ciEnvironment(shell.marker), ...variables }, timeout: shell.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

const KIT_BINS = ["konaplate-conformance", "konaplate-mock", "konaplate-proxy", "konaplate-sandbox"];

/**
 * The team's project, made once: its package.json and node_modules as restored from a dependency
 * cache (the shared install's, holding every dependency of the kit). `freshCheckout` readies it
 * for each job.
 */
export function teamProject(kit: PackedKit, dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "team-service", private: true, version: "1.0.0" }));
  // Hard links: copying some 15,000 files takes seconds on a busy machine, and the install step only
  // adds files (the kit, its bin links), never rewrites a dependency's.
  execFileSync("cp", ["-al", join(kit.project, "node_modules"), join(dir, "node_modules")]);
  return dir;
}

/**
 * The project as a CI job finds it after checkout and a cache restore: the kit's tarball where the
 * recipe's KONAPLATE_KIT points, nothing a previous job wrote, and the kit itself not installed, so
 * the recipe's install step must bring it.
 */
export function freshCheckout(kit: PackedKit, dir: string, kitSpec: string): string {
  for (const entry of readdirSync(dir)) if (entry !== "package.json" && entry !== "node_modules") rmSync(join(dir, entry), { recursive: true, force: true });
  const modules = join(dir, "node_modules");
  rmSync(join(modules, "konaplate-contract-kit"), { recursive: true, force: true });
  rmSync(join(modules, ".package-lock.json"), { force: true });
  for (const bin of KIT_BINS) rmSync(join(modules, ".bin", bin), { force: true });
  const tarball = join(dir, kitSpec);
  mkdirSync(dirname(tarball), { recursive: true });
  cpSync(kit.tarball, tarball);
  return dir;
}

// ---- GitHub Actions ----

export interface GithubContext {
  secrets: Record<string, string>;
  vars: Record<string, string>;
}

export interface GithubStep {
  name: string;
  run?: string;
  uses?: string;
  with: Mapping;
  if?: string;
  env: Mapping;
}

export interface GithubStepResult extends GithubStep {
  /** For a run step: it ran. For a uses step: the service would start it here. */
  ran: boolean;
  result?: ShellRun;
}

export function githubSteps(job: Mapping, where: string): GithubStep[] {
  return (job.steps as unknown[]).map((raw, i) => {
    const step = mapping(raw, `${where} step ${i + 1}`);
    return {
      name: String(step.name ?? step.uses ?? `step ${i + 1}`),
      ...(typeof step.run === "string" ? { run: step.run } : {}),
      ...(typeof step.uses === "string" ? { uses: step.uses } : {}),
      with: step.with === undefined ? {} : mapping(step.with, `${where} step ${i + 1} with`),
      ...(step.if !== undefined ? { if: String(step.if) } : {}),
      env: step.env === undefined ? {} : mapping(step.env, `${where} step ${i + 1} env`),
    };
  });
}

/** An `env:` value: plain text or exactly `${{ secrets.NAME }}` / `${{ vars.NAME }}` (unset ones read as "", as on GitHub). */
function githubValue(value: unknown, context: GithubContext, where: string): string {
  const text = String(value);
  if (!text.includes("${{")) return text;
  const ref = /^\$\{\{\s*(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(text);
  if (!ref) throw new Error(`${where}: only \${{ secrets.NAME }} or \${{ vars.NAME }} can be evaluated here, got ${text}`);
  return context[ref[1] as "secrets" | "vars"][ref[2]!] ?? "";
}

function githubEnv(layers: Mapping[], context: GithubContext, where: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of layers) for (const [name, value] of Object.entries(layer)) env[name] = githubValue(value, context, `${where} env ${name}`);
  return env;
}

/** Whether a step starts after an earlier failure: only when its `if` calls always() or !cancelled() (or failure()). */
function githubStarts(condition: string | undefined, failed: boolean): boolean {
  if (condition === undefined) return !failed;
  if (/always\(\)|!\s*cancelled\(\)/.test(condition)) return true;
  if (/failure\(\)/.test(condition)) return failed;
  return !failed;
}

/** Runs one job's `run:` steps in order with `defaults.run.shell: bash` (`bash --noprofile --norc -eo pipefail`). */
export async function runGithubJob(workflow: Mapping, jobName: string, context: GithubContext, shell: Shell): Promise<GithubStepResult[]> {
  const job = mapping(mapping(workflow.jobs, "jobs")[jobName], `jobs.${jobName}`);
  const defaults = mapping(mapping(workflow.defaults ?? {}, "defaults").run ?? {}, "defaults.run");
  if (defaults.shell !== "bash") throw new Error("the workflow must set defaults.run.shell: bash (so every step fails on its first failing command)");
  const results: GithubStepResult[] = [];
  let failed = false;
  for (const step of githubSteps(job, `jobs.${jobName}`)) {
    const starts = githubStarts(step.if, failed);
    if (step.run === undefined) {
      results.push({ ...step, ran: starts });
      continue;
    }
    if (step.run.includes("${{")) throw new Error(`jobs.${jobName} step "${step.name}": an expression in run: (pass it through env: instead)`);
    if (step.if !== undefined) throw new Error(`jobs.${jobName} step "${step.name}": a run step with if: cannot be evaluated here`);
    if (!starts) {
      results.push({ ...step, ran: false });
      continue;
    }
    const env = githubEnv([mapping(workflow.env ?? {}, "env"), mapping(job.env ?? {}, `jobs.${jobName}.env`), step.env], context, `jobs.${jobName}`);
    const result = await runShell(["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], env, shell);
    results.push({ ...step, ran: true, result });
    if (result.code !== 0) failed = true;
  }
  return results;
}

// ---- GitLab CI ----

const GITLAB_KEYWORDS = new Set(["default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script"]);

/** The pipeline's jobs: top-level keys that are neither keywords nor hidden (`.name`) templates. */
export function gitlabJobNames(pipeline: Mapping): string[] {
  return Object.keys(pipeline).filter((key) => !GITLAB_KEYWORDS.has(key) && !key.startsWith("."));
}

function deepMerge(base: Mapping, over: Mapping): Mapping {
  const out: Mapping = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = out[key];
    const both = [before, value].every((v) => typeof v === "object" && v !== null && !Array.isArray(v));
    out[key] = both ? deepMerge(before as Mapping, value as Mapping) : value;
  }
  return out;
}

/** A job with its `extends:` templates merged in (hashes deep-merged, anything else replaced), as GitLab does. */
export function gitlabJob(pipeline: Mapping, name: string): Mapping {
  const job = mapping(pipeline[name], name);
  let merged: Mapping = {};
  for (const parent of strings(job.extends, `${name}.extends`)) merged = deepMerge(merged, gitlabJob(pipeline, parent));
  const { extends: _ignored, ...own } = job;
  return deepMerge(merged, own);
}

/**
 * Runs a job's before_script and script lines in one bash session stopped by the first failing
 * line (the runner's `set -eo pipefail`). Variables: the pipeline's, then the job's, then the
 * project's CI/CD variables (which GitLab ranks above the file's).
 */
export function runGitlabJob(pipeline: Mapping, name: string, cicdVariables: Record<string, string>, shell: Shell): Promise<ShellRun> {
  const job = gitlabJob(pipeline, name);
  const lines = [
    ...strings(job.before_script ?? mapping(pipeline.default ?? {}, "default").before_script ?? pipeline.before_script, `${name}.before_script`),
    ...strings(job.script, `${name}.script`),
  ];
  const variables: Record<string, string> = {};
  for (const layer of [pipeline.variables, job.variables]) {
    for (const [key, value] of Object.entries(mapping(layer ?? {}, `${name} variables`))) {
      if (String(value).includes("$")) throw new Error(`${name} variables ${key}: a reference to another variable cannot be expanded here`);
      variables[key] = String(value);
    }
  }
  return runShell(["--noprofile", "--norc", "-c", ["set -eo pipefail", ...lines].join("\n")], { ...variables, ...cicdVariables }, shell);
}

/** The file the recipe's KONAPLATE_KIT names (relative to the project root), checked to be a local tarball path. */
export function kitSpec(variables: unknown, where: string): string {
  const spec = String(mapping(variables, where).KONAPLATE_KIT ?? "");
  if (!/^\.\/[\w./-]+\.tgz$/.test(spec)) throw new Error(`${where}: KONAPLATE_KIT should default to a tarball path in the repository, got "${spec}"`);
  return spec;
}
