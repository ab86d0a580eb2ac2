// Credentials and the sandbox member shared by the client tests: distinctive values, so a leak
// anywhere is found by a plain substring search.
import { inspect } from "node:util";
import { expect } from "vitest";
import { KonaplateError, type VerifyAccountHolderInput } from "../../src/index.js";

export const ASP_ID = "KONAPLATEASP001";
export const ACCESS_KEY = "AK-canary-access-key-0123456789abcdefghi";
export const SECRET_KEY = "SK-canary-secret-key-must-never-be-shown";
export const CRYPTO_KEY_ID = "0123456789abcdef0123456789abcdef";

export const KONA: VerifyAccountHolderInput = {
  userId: 9999999999999999999n,
  userName: "김코나",
  birthDate: "19751112",
  bankCode: "003",
  bankAccount: "333015555557",
};

/** Every way an error can be shown: none may reveal a key or personal data. */
export function everyRendering(error: unknown): string {
  return [String(error), (error as Error).message, JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), (error as Error).stack ?? ""].join("\n");
}

/** The KonaplateError a call throws (the test fails when it does not throw one). */
export async function caught(promise: Promise<unknown>): Promise<KonaplateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KonaplateError);
    return error as KonaplateError;
  }
  throw new Error("expected the call to throw");
}
