// The conformance benchmark's server, in a process of its own as a real server is: the sandbox
// (`npm run sandbox`), answering every request the given delay after it came in. It checks the credentials too, so
// the refusal cases for a foreign access key or AspId are refused. Its URL goes to the parent over
// IPC; it stops when the parent disconnects (or dies).
import { setTimeout as sleep } from "node:timers/promises";
import { MOCK_CREDENTIALS as credentials } from "../common/credentials.js";
import { startSandbox } from "../sandbox/server.js";

const answerDelayMs = Number(process.argv[2]);
if (!process.send || !Number.isSafeInteger(answerDelayMs) || answerDelayMs < 0) {
  process.stderr.write("usage: forked by bench/slow-server-process.ts with an answer delay in ms\n");
  process.exit(2);
}
const sandbox = await startSandbox({
  basePath: null,
  credentials: { accessKey: credentials.accessKey, aspId: credentials.aspId, secretKey: credentials.secretKey },
  maxClockSkewSeconds: 0,
  // The sandbox's own answer, held until the delay has passed since the request came in: a server
  // with a fixed latency, whose own checks run while the answer is held (as a server of many workers
  // does), not one after another on a core it shares with the runner.
  override: async (request) => {
    await sleep(Math.max(0, request.receivedAt + answerDelayMs - performance.now()));
    return undefined;
  },
});
process.on("disconnect", () => void sandbox.close().finally(() => process.exit(0)));
process.send({ url: sandbox.origin });
