// The checks of a request that breaks a rule: a refusal is any 4xx; a 5xx is a server error on bad
// input; a 2xx or a success code means the server took a request it must refuse, and so does a 4xx
// carrying a documented business outcome (account not found, names do not match, ...): the server
// processed the request instead of refusing it, unless the spec gives that code to the broken rule.
import { CODE_MESSAGES } from "../../generated/contract.js";
import { codeIn } from "../answer.js";
import type { ConformanceCase } from "../kinds/kind.js";
import { alwaysError, type Check } from "./check.js";

const SUCCESS_CODE = "000_000";

const whatBreaks = (kase: ConformanceCase) => (kase.breaks ?? []).join(", ");

export const refused: Check = {
  name: "refused",
  severity: alwaysError,
  run({ kase, exchange, body }) {
    const s = exchange.status;
    if (s >= 400 && s < 500) {
      const code = codeIn(body);
      const outcome = code !== null && code !== SUCCESS_CODE && Object.hasOwn(CODE_MESSAGES, code) && !(kase.refusalCodes ?? []).includes(code);
      if (!outcome) return { ok: true, message: `refused with ${s}` };
      const said = CODE_MESSAGES[code as keyof typeof CODE_MESSAGES].message;
      return { ok: false, message: `answered ${s} ${code} (${said}), a documented outcome: the request that breaks ${whatBreaks(kase)} was processed, not refused` };
    }
    if (s >= 500) return { ok: false, message: `server error ${s} on bad input (${whatBreaks(kase)}): a refusal must be a 4xx`, fault: true };
    if (s >= 200 && s < 300) return { ok: false, message: `accepted with ${s} a request that breaks ${whatBreaks(kase)}: it must be refused with a 4xx` };
    return { ok: false, message: `answered ${s}, not a refusal (4xx) of a request that breaks ${whatBreaks(kase)}` };
  },
};

export const notSuccess: Check = {
  name: "not-success",
  severity: alwaysError,
  run({ kase, body }) {
    const code = codeIn(body);
    return code === SUCCESS_CODE
      ? { ok: false, message: `answered code ${SUCCESS_CODE} (success) to a request that breaks ${whatBreaks(kase)}` }
      : { ok: true, message: code === null ? "no success code (no envelope code)" : `code ${code}, not ${SUCCESS_CODE}` };
  },
};
