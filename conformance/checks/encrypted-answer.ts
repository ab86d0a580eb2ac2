// When the request was encrypted, its answer is expected as {"encData": "<JWE>"} readable with the
// client's private key. A warning (an error with --strict): the guideline says how an encrypted
// answer looks, not that every answer is encrypted, and this operation's answer carries no personal
// data. A 4xx refusing a request that breaks a rule may come plain: the server may have refused it
// before reading the body, and a broken encryption set-up must still be able to read why (the
// sandbox refuses in plain JSON for that reason).
import type { Check, Verdict } from "./check.js";

const EXPECTED = 'expected {"encData": "<JWE>"} readable with the client\'s private key';

export const encryptedAnswer: Check = {
  name: "encrypted-answer",
  severity: (_kase, run) => (run.strict ? "error" : "warning"),
  everyCase: (run) => run.encryption !== undefined && !run.mock,
  run({ kase, exchange, body, sentEncrypted, run }): Verdict {
    if (!sentEncrypted) return { ok: true, message: "the request was not encrypted: its answer may be plain" };
    const status = exchange.status;
    if (kase.breaks?.length && status >= 400 && status < 500) {
      return { ok: true, message: `a refusal (${status}) of a request that breaks a rule: plain or encrypted, either is fine` };
    }
    if (body.ok && body.encrypted && !body.problem) return { ok: true, message: "encrypted answer ({\"encData\"}), read with the client's private key" };
    if (body.ok && body.encrypted) return { ok: false, message: `encrypted answer, but ${body.problem}` };
    if (!body.ok && body.encrypted) {
      if (!run.encryption?.clientPrivateKey) return { ok: true, message: "encrypted answer ({\"encData\"}), not read: no client private key given" };
      return { ok: false, message: `encrypted answer that the client's private key cannot read: ${body.reason}` };
    }
    const seen = body.ok ? "plain JSON" : `a body that is not {"encData"} (${body.reason})`;
    return { ok: false, message: `not encrypted: answered ${seen} to an encrypted request; ${EXPECTED}` };
  },
};
