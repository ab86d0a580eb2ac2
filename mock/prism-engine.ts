// Prism's own engine (@stoplight/prism-http: router, validator, negotiator, forwarder), loaded in
// this process instead of a second `prism` CLI process: one process to stop, nothing to orphan, and
// no second Node start-up. The kit puts its own thin HTTP layer in front (server.ts).
import { createRequire, Module } from "node:module";
import { SPEC_PATH } from "../common/package-files.js";

// Prism's libraries are found the way the installed `prism` CLI finds them: from its own folder
// (the kit depends on @stoplight/prism-cli; the engine packages are its dependencies).
const cliRequire = createRequire(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json"));
const httpRequire = createRequire(cliRequire.resolve("@stoplight/prism-http"));

/** The parts of prism-http the kit uses, typed as far as the kit relies on them. */
export interface PrismValidation {
  path?: (string | number)[];
  code?: string | number;
  message: string;
  /** DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint. */
  severity: number;
}

export interface PrismInput {
  method: string;
  url: { path: string; baseUrl?: string; query: Record<string, string | string[]> };
  headers: Record<string, string>;
  body: unknown;
}

export interface PrismOutput {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
}

export interface PrismResult {
  output: PrismOutput;
  validations: { input: PrismValidation[]; output: PrismValidation[] };
}

export interface PrismProblem extends Error {
  status?: number;
  detail?: string;
  additional?: { headers?: Record<string, string> } & Record<string, unknown>;
}

export type PrismMode = { mode: "mock" } | { mode: "proxy"; target: string };

/** The port asked for is taken (by another mock or proxy, most likely). */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
  }
}

export interface PrismMockPreferences {
  code?: number;
  exampleKey?: string;
  dynamic?: boolean;
  seed?: string;
}

export interface PrismEngine {
  /** Routes, validates and mocks (or forwards) one request; a left Either of Prism becomes a thrown PrismProblem. */
  request(input: PrismInput, mock: PrismMockPreferences, forwardBody?: string): Promise<PrismResult>;
  /** The `Prefer` header (or `__code`/`__example` query) parsed exactly as Prism's own server does. */
  preferences(input: PrismInput): PrismMockPreferences | PrismProblem;
  /** Prism's problem+json object of an error, as its own server writes it. */
  problemJson(error: PrismProblem): Record<string, unknown>;
  /** Prism's UNPROCESSABLE_ENTITY problem, carrying a `validation` list. */
  violationsProblem(detail: string, validation: unknown[]): PrismProblem;
}

type Either<L, R> = { _tag: "Left"; left: L } | { _tag: "Right"; right: R };

interface PrismHttp {
  createInstance(config: Record<string, unknown>, components: Record<string, unknown>): {
    request(input: PrismInput, operations: unknown[], config?: Record<string, unknown>): () => Promise<Either<PrismProblem, PrismResult>>;
  };
  getHttpOperationsFromSpec(spec: string): Promise<unknown[]>;
  ProblemJsonError: {
    fromTemplate(template: unknown, detail: string, additional?: Record<string, unknown>): PrismProblem;
    toProblemJson(error: PrismProblem): Record<string, unknown>;
  };
  UNPROCESSABLE_ENTITY: unknown;
}

type Forward = (input: { data: PrismInput; validations: unknown[] }, baseUrl: string, upstreamProxy: unknown, resource: unknown) => unknown;

/**
 * Prism's mock generator requires @faker-js/faker (every locale, more than half of Prism's load time)
 * although only its dynamic mode (`Prefer: dynamic=true`) ever calls it. A module that loads on first
 * real use keeps every feature and drops that cost from start-up. (Measured: without this, loading
 * prism-http took about 2.1 s on a quiet 2-core machine, the same as `prism mock` takes to listen.)
 */
function deferModule(specifier: string): void {
  let file: string;
  try {
    file = httpRequire.resolve(specifier);
  } catch {
    return; // another layout of Prism's dependencies: load it as it comes
  }
  const cache = httpRequire.cache;
  if (cache[file]) return;
  let real: unknown;
  const load = (): unknown => {
    if (real === undefined) {
      delete cache[file];
      real = httpRequire(file);
    }
    return real;
  };
  // A value reached through property reads; loaded (and the read replayed) only when it is used:
  // called, enumerated or read as a primitive.
  const at = (path: readonly PropertyKey[]): unknown => {
    const resolve = () => path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)[key], load());
    return new Proxy(() => {}, {
      get: (_, key) => {
        if (key === Symbol.toPrimitive || key === "then") return (resolve() as Record<PropertyKey, unknown>)[key];
        return at([...path, key]);
      },
      apply: (_, thisArg, args) => {
        const parent = path.slice(0, -1).reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)[key], load());
        const fn = resolve() as (...a: unknown[]) => unknown;
        return Reflect.apply(fn, parent ?? thisArg, args);
      },
      has: (_, key) => key in (resolve() as object),
      ownKeys: () => Reflect.ownKeys(resolve() as object),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(resolve() as object, key);
        return descriptor ? { ...descriptor, configurable: true } : undefined;
      },
    });
  };
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = at([]);
  cache[file] = stub;
}

let loaded: { http: PrismHttp; forward: Forward; preferences: (input: PrismInput) => Either<PrismProblem, PrismMockPreferences> } | undefined;

/** Loads Prism's libraries once per process (synchronous: about 1 s of the start). */
export function loadPrism(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  deferModule("@faker-js/faker");
  // Prism's reader of Postman collections (never this spec) loads postman-collection, and faker again.
  deferModule("@stoplight/http-spec/postman/operation");
  const http = httpRequire("@stoplight/prism-http") as PrismHttp;
  const forward = (httpRequire("./forwarder") as { default: Forward }).default;
  const preferences = (cliRequire("@stoplight/prism-http-server/dist/getHttpConfigFromRequest") as { getHttpConfigFromRequest: (input: PrismInput) => Either<PrismProblem, PrismMockPreferences> }).getHttpConfigFromRequest;
  loaded = { http, forward, preferences };
  return loaded;
}

function silentLogger(): unknown {
  const { createLogger } = cliRequire("@stoplight/prism-core") as { createLogger(name: string, options: Record<string, unknown>): unknown };
  return createLogger("KIT", { level: "silent" });
}

/** A Prism instance on spec/openapi.yaml, configured as `prism mock` / `prism proxy` configure theirs. */
export async function createPrismEngine(mode: PrismMode, specPath = SPEC_PATH): Promise<PrismEngine> {
  const { http, forward, preferences } = loadPrism();
  const operations = await http.getHttpOperationsFromSpec(specPath);
  if (operations.length === 0) throw new Error(`${specPath}: Prism found no operations`);
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic: false },
  };
  const config = mode.mode === "proxy" ? { ...shared, isProxy: true, upstream: new URL(mode.target) } : { ...shared, isProxy: false };
  const exactBodies = new WeakMap<PrismInput, string>();
  const prism = http.createInstance(config, {
    logger: silentLogger(),
    // Prism re-serialises the parsed body before forwarding, which rounds a userId past 2^53 and
    // changes the bytes the token was computed over: the kit forwards the bytes it received.
    forward: (input: { data: PrismInput; validations: unknown[] }, baseUrl: string, upstreamProxy: unknown, resource: unknown) =>
      forward(exactBodies.has(input.data) ? { ...input, data: { ...input.data, body: exactBodies.get(input.data) } } : input, baseUrl, upstreamProxy, resource),
  });
  return {
    async request(input, mock, body) {
      if (body !== undefined) exactBodies.set(input, body);
      const result = await prism.request(input, operations, { ...config, mock: { ...config.mock, ...mock } })();
      if (result._tag === "Left") throw result.left;
      return result.right;
    },
    preferences(input) {
      const result = preferences(input);
      return result._tag === "Left" ? result.left : result.right;
    },
    problemJson: (error) => http.ProblemJsonError.toProblemJson(error),
    violationsProblem: (detail, validation) => http.ProblemJsonError.fromTemplate(http.UNPROCESSABLE_ENTITY, detail, { validation }),
  };
}
