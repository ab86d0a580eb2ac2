// The checks of an answer whose outcome the spec documents exactly: its status, its framing
// (content type, JSON), its envelope against the response schema and its headers. Each message says
// exactly what was seen.
import { isJsonMediaType } from "../../common/media-type.js";
import { isDocumentedStatus, validateEnvelope, validateResponseBody, validateResponseHeaders } from "../../src/validation.js";
import type { JsonBody } from "../answer.js";
import { alwaysError, type Check, type Verdict } from "./check.js";

const pass = (message: string): Verdict => ({ ok: true, message });
const fail = (message: string): Verdict => ({ ok: false, message });

export const status: Check = {
  name: "status",
  severity: alwaysError,
  run({ kase, exchange }) {
    const expected = kase.expected.status;
    if (exchange.status === expected) return pass(`status ${exchange.status} as expected`);
    const redirect = exchange.status >= 300 && exchange.status < 400 ? " (a redirect: the suite never follows redirects, so nothing was sent to its Location)" : "";
    return fail(`expected status ${expected}, got ${exchange.status}${redirect}`);
  },
};

export const contentType: Check = {
  name: "content-type",
  severity: alwaysError,
  run({ exchange }) {
    const value = exchange.headers.get("content-type");
    if (value === null) return fail("expected application/json, got no Content-Type header");
    if (isJsonMediaType(value, "exact")) return pass(value);
    return fail(`expected application/json, got ${value}${/^application\/json\s*;/i.test(value) ? " (JSON is UTF-8: only a charset naming UTF-8 may be declared)" : ""}`);
  },
};

export const bodyParses: Check = {
  name: "body-parses",
  severity: alwaysError,
  reportsUnreadBody: true,
  run({ body }) {
    if (!body.ok) return fail(body.reason);
    return body.problem ? fail(body.problem) : pass(body.encrypted ? "JSON, decrypted from encData" : "JSON");
  },
};

function schemaVerdict(status: number, body: JsonBody): Verdict {
  const wireViolations = validateResponseBody(status, body.wire);
  if (wireViolations === null) return fail(`status ${status} is not documented`);
  const violations = body.encrypted ? [...wireViolations, ...validateEnvelope(status, body.plain)] : wireViolations;
  if (!violations.length) return pass(`valid against the ${status} response schema${body.encrypted ? " (decrypted envelope too)" : ""}`);
  return fail(`${violations.length} violation${violations.length > 1 ? "s" : ""} of the ${status} response schema: ${violations.map((v) => v.message).join("; ")}`);
}

export const bodySchema: Check = {
  name: "body-schema",
  needs: "json",
  severity: alwaysError,
  run: ({ exchange, body }) => schemaVerdict(exchange.status, body),
};

export const responseHeaders: Check = {
  name: "response-headers",
  severity: alwaysError,
  run({ exchange }) {
    const violations = validateResponseHeaders(exchange.status, exchange.headers);
    if (violations.length) return fail(violations.map((v) => v.message).join("; "));
    return isDocumentedStatus(exchange.status)
      ? pass(`headers valid for status ${exchange.status}`)
      : pass(`status ${exchange.status} is not documented: no header rules to check`);
  },
};
