// A response-time limit (Schemathesis' max_response_time): the user's own rule, on every case of
// every kind while --max-response-time is given. The time is the transport's: from the request's
// start to the answer's last byte, as rounded in the report; less the time the answer may have lain
// unread while the runner was busy with other cases (with many cases in flight, an answer may wait
// while others are judged), which is the runner's time, not the server's. What is counted is never
// more than the server took, so a case fails only on a server that was over the limit.
import type { Check } from "./check.js";
import { alwaysError } from "./check.js";

/** Busy time of the runner below this is its own work on the case, counted as the server's like the rest. */
const RUNNER_BUSY_MS = 5;

export const responseTime: Check = {
  name: "response-time",
  severity: alwaysError,
  everyCase: (run) => run.maxResponseTimeMs !== undefined,
  userLimit: true,
  run: ({ exchange, run }) => {
    const took = Math.round(exchange.durationMs);
    const known = Math.round(exchange.serverMs);
    // A few ms of the runner's own work (sending this request, reading its answer) is every case's.
    const counted = took - known >= RUNNER_BUSY_MS ? known : took;
    const limit = run.maxResponseTimeMs!;
    const time = counted < took ? `answered in ${took} ms, ${counted} ms counted (the runner was busy with other cases for the rest)` : `answered in ${took} ms`;
    return counted > limit ? { ok: false, message: `${time}, over the ${limit} ms limit (--max-response-time)` } : { ok: true, message: `${time}, within ${limit} ms` };
  },
};
