// The answer's X-KM-Correlation-Id should be the request's: it traces one exchange. Advisory only:
// Prism (and some gateways) cannot echo it. Only a well-formed id can be echoed: a request that
// sent none, or a malformed one (a refusal case), has nothing to compare.
import { isWellFormedCorrelationId } from "../../src/validation.js";
import { alwaysWarning, type Check } from "./check.js";

export const correlationEcho: Check = {
  name: "correlation-echo",
  severity: alwaysWarning,
  run({ exchange, sentCorrelationId: sent }) {
    const received = exchange.headers.get("x-km-correlation-id");
    if (received === null) return { ok: false, message: "no X-KM-Correlation-Id in the answer to compare" };
    if (sent === undefined) return { ok: true, message: `X-KM-Correlation-Id ${received} (none was sent)` };
    if (!isWellFormedCorrelationId(sent)) return { ok: true, message: `X-KM-Correlation-Id ${received} (the one sent was malformed: nothing to echo)` };
    return received === sent
      ? { ok: true, message: `X-KM-Correlation-Id ${sent} echoed` }
      : { ok: false, message: `X-KM-Correlation-Id not echoed: sent ${sent}, got ${received}` };
  },
};
