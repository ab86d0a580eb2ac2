// Run in a child process with another TZ: makes one client call through a capturing fetch and prints
// the headers it sent, the instants around the call, and the process's own zone offset.
import { createKonaplateClient } from "../../src/index.js";

let sent: Record<string, string> = {};
const kona = createKonaplateClient({
  baseUrl: "http://127.0.0.1:9/open-api",
  aspId: "KONAPLATEASP001",
  accessKey: "AK00000000000000000000000000000000000001",
  secretKey: "probe-secret",
  fetch: async (input, init) => {
    sent = {};
    new Request(input, init).headers.forEach((value, name) => (sent[name] = value));
    return new Response(JSON.stringify({ response: { code: "000_000", description: "Success" } }), {
      status: 200,
      headers: { "content-type": "application/json", "x-km-correlation-id": sent["x-km-correlation-id"] ?? "" },
    });
  },
});

const before = Date.now();
const result = await kona.verifyAccountHolder({
  userId: 1n,
  userName: "김코나",
  birthDate: "19751112",
  bankCode: "003",
  bankAccount: "333015555557",
});
const after = Date.now();
process.stdout.write(JSON.stringify({ before, after, offsetMinutes: new Date(before).getTimezoneOffset(), ok: result.ok, headers: sent }));
