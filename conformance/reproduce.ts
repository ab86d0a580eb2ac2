// The command line that reruns one case alone, the way Schemathesis prints one under each failure:
// run from the folder the run was started in, with the same environment, it sends that case again
// (signed afresh) and judges it the same way. It holds flags and a case id, never a credential: those
// stay in the environment variables the report names. Which flags it carries is config.ts's list.
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { REPRODUCED_FLAGS, type CliOptions, type ReproducedFlag } from "./config.js";

/** Words a POSIX shell (and bash, zsh) takes as they are; zsh expands a leading `=`, so it is quoted. */
const BARE_WORD = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/** One word for a POSIX shell: as it is when nothing in it is special, else single-quoted. */
export function shellQuote(word: string): string {
  return BARE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Whether `file` lies in the package whose package.json is `packageJson`, not in one of its dependencies. */
function insidePackage(packageJson: string, file: string): boolean {
  const path = relative(dirname(packageJson), file);
  return path !== "" && !path.startsWith("..") && !isAbsolute(path) && !path.split(sep).includes("node_modules");
}

/**
 * How the kit is started where this run was: `npm run conformance --` when npm ran this clone's own
 * script (npm says which script and whose package.json), else the installed command through npx,
 * with --no-install: pasted where the kit is not installed, npx must not fetch a same-named package
 * from the registry and run it with the credentials in its environment.
 */
export function launcherWords(env: NodeJS.ProcessEnv, moduleFile = fileURLToPath(import.meta.url)): string[] {
  const ownScript = env.npm_lifecycle_event === "conformance" && env.npm_package_json !== undefined && insidePackage(env.npm_package_json, moduleFile);
  return ownScript ? ["npm", "run", "conformance", "--"] : ["npx", "--no-install", "konaplate-conformance"];
}

/** Where a reproduction writes its reports: beside the run's own, never over them. */
export function reproduceReportDir(reportDir: string): string {
  return basename(reportDir) === "reproduce" ? reportDir : join(reportDir, "reproduce");
}

/** The flags a run set among `flags`, as command-line words. */
export function reproducedFlagWords(options: CliOptions, flags: readonly ReproducedFlag[] = REPRODUCED_FLAGS): string[] {
  return flags.flatMap(({ flag, value }) => {
    const given = value(options);
    if (given === undefined) return [];
    return given === true ? [`--${flag}`] : [`--${flag}`, given];
  });
}

export interface Reproduction {
  /** The command line that reruns one case alone. */
  command(caseId: string): string;
  /** The environment variables those commands read (names only). */
  environment: string[];
}

/**
 * The reproduce commands of a run: `options` as typed (paths relative to the folder the user ran
 * from) with the target the run resolved; `environment`, the variables the run read its
 * credentials from.
 */
export function reproduction(options: CliOptions, env: NodeJS.ProcessEnv, environment: string[]): Reproduction {
  const launcher = launcherWords(env);
  const rest = [...reproducedFlagWords(options), "--report-dir", reproduceReportDir(options.reportDir)];
  return {
    command: (caseId) => [...launcher, ...["--only", caseId, ...rest].map(shellQuote)].join(" "),
    environment,
  };
}
