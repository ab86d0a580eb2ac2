// What the conformance suite and the sandbox both read or show about credentials: the placeholders
// a mock or a local sandbox accepts, and PEM keys given in an environment variable.
import { readFileSync } from "node:fs";
import type { Credentials } from "../src/signing.js";
import { UsageError } from "./cli-flags.js";

/**
 * Placeholders of the spec's shapes (AspId 15, access key 40): a mock checks shape, never value. The
 * sandbox expects the same ones when no credentials are set, so a conformance run fits it as it is.
 */
export const PLACEHOLDER_CREDENTIALS: { aspId: string; accessKey: string; secretKey: string } = {
  aspId: "KONAPLATEASP001",
  accessKey: "AK00000000000000000000000000000000000001",
  secretKey: "mock-secret-key-placeholder",
};

/** The placeholders as the conformance suite signs with them (in KST). */
export const MOCK_CREDENTIALS: Credentials = { ...PLACEHOLDER_CREDENTIALS, timeZone: "KST" };

/** PEM text as given, or the contents of the file it names; a UsageError naming `variable` otherwise. */
export function pemFrom(variable: string, value: string): string {
  if (value.includes("-----BEGIN")) return value.replace(/\\n/g, "\n");
  try {
    const text = readFileSync(value, "utf8");
    if (!text.includes("-----BEGIN")) throw new UsageError(`${variable}: ${value} holds no PEM block`);
    return text;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${variable}: neither PEM text nor a readable PEM file (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
}
