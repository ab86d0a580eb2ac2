// A response-time limit (Schemathesis' max_response_time): the user's own rule, on every case of
// every kind while --max-response-time is given. The time is the transport's: from the request's
// start to the answer's last byte, as rounded in the report.
import type { Check } from "./check.js";
import { alwaysError } from "./check.js";

export const responseTime: Check = {
  name: "response-time",
  severity: alwaysError,
  everyCase: (run) => run.maxResponseTimeMs !== undefined,
  userLimit: true,
  run: ({ exchange, run }) => {
    const took = Math.round(exchange.durationMs);
    const limit = run.maxResponseTimeMs!;
    return took > limit
      ? { ok: false, message: `answered in ${took} ms, over the ${limit} ms limit (--max-response-time)` }
      : { ok: true, message: `answered in ${took} ms, within ${limit} ms` };
  },
};
