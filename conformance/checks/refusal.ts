// The checks of a request that breaks a rule: a refusal is any 4xx; a 5xx is a server error on bad
// input; a 2xx or a success code means the server took a request it must refuse.
import { codeIn } from "../answer.js";
import type { ConformanceCase } from "../kinds/kind.js";
import { alwaysError, type Check } from "./check.js";

const SUCCESS_CODE = "000_000";

const whatBreaks = (kase: ConformanceCase) => (kase.breaks ?? []).join(", ");

export const refused: Check = {
  name: "refused",
  severity: alwaysError,
  run({ kase, exchange }) {
    const s = exchange.status;
    if (s >= 400 && s < 500) return { ok: true, message: `refused with ${s}` };
    if (s >= 500) return { ok: false, message: `server error ${s} on bad input (${whatBreaks(kase)}): a refusal must be a 4xx` };
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
