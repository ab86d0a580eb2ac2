// The envelope's result code: the one the case expects where it names one, otherwise any
// well-formed NNN_NNN. Where no code is documented for such an answer at all (a refusal), a code is
// only hoped for and its absence is a warning; from the kit's own embedded mock, whose refusals are
// problem+json by the kit's choice, its absence says nothing about any server and is not one.
import { codeOf } from "../answer.js";
import type { Check } from "./check.js";

const WELL_FORMED_CODE = /^[0-9]{3}_[0-9]{3}$/;

export const code: Check = {
  name: "code",
  needs: "json",
  severity: (kase) => (kase.expected.code === null && kase.codeHoped ? "warning" : "error"),
  run({ kase, body, run }) {
    const received = codeOf(body.plain);
    const expected = kase.expected.code;
    const why = kase.codeSource ? ` (${kase.codeSource})` : "";
    if (received === null && expected === null && kase.codeHoped && run.mock) return { ok: true, message: "no response.code: the embedded mock refuses with problem+json (the kit's own choice; no refusal code is documented)" };
    if (received === null) return { ok: false, message: "no response.code (string) in the body" };
    if (expected !== null) {
      return received === expected
        ? { ok: true, message: `code ${received} as expected${why}` }
        : { ok: false, message: `expected code ${expected}${why}, got ${received}` };
    }
    return WELL_FORMED_CODE.test(received)
      ? { ok: true, message: `received code ${received} (the documentation gives no code for this case; any well-formed code passes)` }
      : { ok: false, message: `received code "${received}", not a well-formed code NNN_NNN (the documentation gives no code for this case)` };
  },
};
