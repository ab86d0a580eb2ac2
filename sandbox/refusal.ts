// How the sandbox says no. The documentation gives no code for a refused request (bad signature,
// bad header, bad body), so every refusal carries one placeholder code that no documented case uses,
// and its description starts by saying it is the sandbox's: an integrator must never build on it.
import type { Envelope } from "./outcomes.js";

/** The sandbox's refusal code: well formed (`NNN_NNN`, not `000_000`), so the error envelope holds it. */
export const SANDBOX_REFUSAL_CODE = "999_400";

/** The rules a refusal can name; the log and the description use these words. */
export type RefusalRule =
  | "path"
  | "method"
  | "body-too-large"
  | "header-missing"
  | "header-length"
  | "header-pattern"
  | "token-format"
  | "token-time"
  | "clock-skew"
  | "asp-id"
  | "access-key"
  | "content-type"
  | "token-hmac"
  | "body-empty"
  | "body-json"
  | "encryption-not-configured"
  | "body-not-encrypted"
  | "crypto-key-id"
  | "jwe-format"
  | "jwe-algorithm"
  | "jwe-decrypt"
  | "body-schema";

export interface Refusal {
  status: number;
  rule: RefusalRule;
  /** What broke and what was expected; never a secret, an expected HMAC or a personal value. */
  detail: string;
}

export const refuse = (status: number, rule: RefusalRule, detail: string): Refusal => ({ status, rule, detail });

export function refusalEnvelope(refusal: Refusal): Envelope {
  return { response: { code: SANDBOX_REFUSAL_CODE, description: `sandbox refusal [${refusal.rule}]: ${refusal.detail}` } };
}
