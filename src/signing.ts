// What every Konaplate request carries besides its body: correlation id, request time and the
// HMAC integrity token. One implementation, used by the client and the conformance runner alike.
import { createHmac, randomInt } from "node:crypto";
import type { operations } from "../generated/schema.js";

/** Fixed UTC offsets in minutes. Korea has no daylight saving time, so KST is always +09:00. */
const ZONE_OFFSETS: Readonly<Record<string, number>> = { KST: 540, UTC: 0, GMT: 0, JST: 540 };

export const SUPPORTED_TIME_ZONES = Object.keys(ZONE_OFFSETS);

export function zoneOffsetMinutes(timeZone: string): number {
  const offset = ZONE_OFFSETS[timeZone];
  if (offset === undefined) {
    throw new RangeError(`timeZone: "${timeZone}" is not supported; use one of ${SUPPORTED_TIME_ZONES.join(", ")}`);
  }
  return offset;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Wall-clock digits `yyyyMMddHHmmssSSS` of an instant in the given zone, whatever the machine's TZ. */
export function wallClock17(instant: Date, timeZone: string): string {
  const d = new Date(instant.getTime() + zoneOffsetMinutes(timeZone) * 60_000);
  return (
    pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) +
    pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + pad(d.getUTCMilliseconds(), 3)
  );
}

/** `X-KM-Tran-Time`: `yyyyMMddHHmmss`. */
export function tranTime(instant: Date, timeZone: string): string {
  return wallClock17(instant, timeZone).slice(0, 14);
}

// A random start, then a process-wide counter: ids cannot collide by chance within a process,
// even for many calls in the same second, and two processes rarely share a start.
const HEX7 = 0x10000000;
let sequence = randomInt(HEX7);

// The three time-bearing headers of one call are cut from one wall-clock string.
function correlationIdAt(clock17: string): string {
  sequence = (sequence + 1) % HEX7;
  return `${clock17.slice(2, 14)}-${sequence.toString(16).padStart(7, "0")}`;
}

function tranTokenAt(secretKey: string, body: string, clock17: string): string {
  const mac = createHmac("sha256", secretKey).update(body, "utf8").digest("base64");
  return `KMV1:${clock17}:${mac}`;
}

/** `X-KM-Correlation-Id`: `yyMMddHHmmss-xxxxxxx` (7 hex digits). */
export function correlationId(instant: Date, timeZone: string): string {
  return correlationIdAt(wallClock17(instant, timeZone));
}

/** `X-KM-Tran-Token`: `KMV1:` + 17-digit request time + `:` + Base64(HMAC-SHA256(secretKey, body)). */
export function tranToken(secretKey: string, body: string, instant: Date, timeZone: string): string {
  return tranTokenAt(secretKey, body, wallClock17(instant, timeZone));
}

export interface Credentials {
  aspId: string;
  accessKey: string;
  secretKey: string;
  timeZone: string;
  /** Sent as X-KM-Crypto-Key-Id when the body is encrypted. */
  cryptoKeyId?: string | undefined;
}

/** The request headers in the spec's own type, so a call that sends them is checked by tsc. */
export type SignedHeaders = operations["verifyAccountHolder"]["parameters"]["header"];

/** All Konaplate request headers for one exact body string, at one instant. */
export function signedHeaders(credentials: Credentials, body: string, instant = new Date()): SignedHeaders {
  const clock17 = wallClock17(instant, credentials.timeZone);
  const headers: SignedHeaders = {
    "X-KM-User-AspId": credentials.aspId,
    "X-KM-Correlation-Id": correlationIdAt(clock17),
    "X-KM-Access-Key": credentials.accessKey,
    "X-KM-Tran-Token": tranTokenAt(credentials.secretKey, body, clock17),
    "X-KM-Tran-Time": clock17.slice(0, 14),
    "X-KM-Time-Zone": credentials.timeZone,
  };
  if (credentials.cryptoKeyId) headers["X-KM-Crypto-Key-Id"] = credentials.cryptoKeyId;
  return headers;
}
