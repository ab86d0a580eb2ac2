// Random valid request bodies for `--fuzz N --seed S`: fast-check arbitraries derived from each
// field's schema (its enum, integer bounds, format, pattern and lengths), drawn with the seed, so the
// same seed gives the same bodies (and body n is the same whatever N). Every body is judged by the
// kit's validator before it is used: a value the spec refuses is never sent as an acceptance case.
import { createRequire } from "node:module";
import type * as FastCheck from "fast-check";
import { personalMask } from "../../common/personal-masks.js";
import type { FieldRules, Schema } from "../refusal/spec-rules.js";

type Arbitrary<T> = FastCheck.Arbitrary<T>;

let loaded: typeof FastCheck | undefined;
/** fast-check, loaded the first time --fuzz draws a body: a run without it does not pay its load time (some 50 ms). */
const fastCheck = (): typeof FastCheck => (loaded ??= createRequire(import.meta.url)("fast-check") as typeof FastCheck);

/** fast-check's seeds are 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;

const integerBound = (v: unknown): bigint | undefined => (typeof v === "bigint" ? v : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : undefined);
const exact = (n: bigint): number | bigint => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

/** Characters of names: mostly Hangul syllables, some Latin letters and spaces, any printable code point (outside the BMP too). */
const nameCharacter = (fc: typeof FastCheck) =>
  fc.oneof(
    { arbitrary: fc.integer({ min: 0xac00, max: 0xd7a3 }).map((cp) => String.fromCodePoint(cp)), weight: 6 },
    { arbitrary: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), weight: 2 },
    { arbitrary: fc.constant(" "), weight: 1 },
    { arbitrary: fc.string({ unit: "grapheme-composite", minLength: 1, maxLength: 1 }), weight: 1 },
  );

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * Arbitraries of the formats the kit knows (SPEC_FORMATS). Days of the calendar from 1900 to 2025:
 * the format's years 0001–9999 are the kit's reading, so a server refusing a day far from any real
 * birth is only warned of (the fixed cases first-year and last-year); a random body is an error when
 * refused, so it draws only days every reading takes, the births of living members.
 */
const FORMAT_ARBITRARIES: Readonly<Record<string, (fc: typeof FastCheck) => Arbitrary<string>>> = {
  "date-yyyymmdd": (fc) =>
    fc
      .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2025-12-31T23:59:59Z"), noInvalidDate: true })
      .map((d) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`),
};

const codePoints = (s: string) => Array.from(s).length;

function stringArbitrary(fc: typeof FastCheck, schema: Schema): Arbitrary<string> {
  const minLength = Number(integerBound(schema.minLength) ?? 0n);
  const maxLength = integerBound(schema.maxLength) === undefined ? undefined : Number(integerBound(schema.maxLength));
  const format = typeof schema.format === "string" ? FORMAT_ARBITRARIES[schema.format] : undefined;
  if (format) return format(fc);
  if (typeof schema.pattern === "string") {
    return fc.stringMatching(new RegExp(schema.pattern, "u"), { size: "max", ...(maxLength === undefined ? {} : { maxLength }) }).filter((s) => codePoints(s) >= minLength);
  }
  return fc.string({ unit: nameCharacter(fc), minLength, ...(maxLength === undefined ? {} : { maxLength }), size: "max" });
}

/** The arbitrary of one field's valid values; undefined where the kit cannot draw from its schema (the base value is kept). */
function fieldArbitrary(fc: typeof FastCheck, schema: Schema): Arbitrary<unknown> | undefined {
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.type === "integer") {
    const min = integerBound(schema.minimum) ?? (integerBound(schema.exclusiveMinimum) ?? -(2n ** 64n)) + 1n;
    const max = integerBound(schema.maximum) ?? (integerBound(schema.exclusiveMaximum) ?? 2n ** 64n) - 1n;
    return fc.bigInt({ min, max }).map(exact);
  }
  if (schema.type === "string") return stringArbitrary(fc, schema);
  if (schema.type === "boolean") return fc.boolean();
  return undefined;
}

/**
 * A personal value made of a few printable ASCII characters: reports mask every value sent wherever
 * it appears, so such a value would be masked inside the report's own words (a name `name` in
 * `userName`, an account `000000` in the code `000_000`). Shorter ones are never searched for.
 */
const holdsReportWords = (field: string, value: unknown) => personalMask(field) !== undefined && typeof value === "string" && /^[\x21-\x7e]{2,6}$/.test(value.replace(/[\s\-._/,:']/g, ""));

/**
 * `count` random bodies, each valid by `valid` (the kit's validator): every field drawn from its
 * schema, a field the kit cannot draw keeping the base body's value, the members in the base body's
 * order. Personal values of a few ASCII
 * characters are not drawn (see holdsReportWords).
 */
export function fuzzBodies(fields: readonly FieldRules[], baseBody: Record<string, unknown>, count: number, seed: number, valid: (body: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  if (count <= 0) return [];
  const fc = fastCheck();
  const shape: Record<string, Arbitrary<unknown>> = {};
  for (const f of fields) shape[f.field] = fieldArbitrary(fc, f.schema)?.filter((v) => !holdsReportWords(f.field, v)) ?? fc.constant(baseBody[f.field]);
  // Drawn in the spec's order of fields (a seed draws what it drew before), sent in the base body's:
  // a random body differs from the fixed cases in its values, not in the order of its members.
  const order = [...Object.keys(baseBody).filter((k) => k in shape), ...Object.keys(shape).filter((k) => !(k in baseBody))];
  const body = fc
    .record(shape)
    .filter(valid)
    .map((drawn) => Object.fromEntries(order.map((k) => [k, drawn[k]])));
  return fc.sample(body, { seed, numRuns: count });
}
