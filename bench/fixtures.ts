// Credentials of valid shape for the benchmarks' local servers (never real ones).
import type { Credentials } from "../src/signing.js";

export const BENCH_CREDENTIALS: Credentials = {
  aspId: "KONAPLATEASP001",
  accessKey: "AK00000000000000000000000000000000000001",
  secretKey: "bench-secret-key",
  timeZone: "KST",
};
