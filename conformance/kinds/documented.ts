// The documented cases: the spec's paired request/response examples (CASES), each request
// optionally overridden from a --cases file, each answer judged against exactly the documented
// outcome. Against the kit's own Prism a case names its example with `Prefer`.
import { CASE_IDS } from "../../generated/contract.js";
import { encryptPayload } from "../../src/encryption.js";
import { stringifyJson } from "../../src/json.js";
import { signedHeaders } from "../../src/signing.js";
import { selectCases, type DocumentedCase } from "../catalog.js";
import { KIT_HEADERS, mergeHeaders } from "../request-plans.js";
import type { CaseKind } from "./kind.js";

export const documentedKind: CaseKind<DocumentedCase> = {
  name: "documented",
  idPrefix: "",
  checks: ["status", "content-type", "body-parses", "body-schema", "code", "response-headers", "correlation-echo"],
  presentation: {
    heading: "Documented cases",
    section: { heading: "Cases", id: "documented-cases" },
    junitClassname: "konaplate.conformance",
    expected: (c, where) => `${c.expected.status} ${c.expected.code ?? (where === "terminal" ? "(any code)" : "any code")}`,
    statusAsExpected: (c) => c.observed.status === c.expected.status,
  },
  derive: ({ overrides }) => selectCases(overrides),
  idHint: () => [...CASE_IDS],
  async build(kase, { credentials, encryption, mock }) {
    // Stringified once: the token is computed over exactly the bytes that go on the wire.
    let wire = stringifyJson(kase.request.body);
    let signing = credentials;
    let jwe: string | undefined;
    if (encryption) {
      jwe = await encryptPayload(wire, encryption.serverPublicKey);
      wire = stringifyJson({ encData: jwe });
      signing = { ...credentials, cryptoKeyId: encryption.cryptoKeyId };
    }
    const base: Record<string, string> = { ...KIT_HEADERS, ...signedHeaders(signing, wire) };
    if (mock) base.Prefer = `code=${kase.expected.status}, example=${kase.id}`;
    return { headers: mergeHeaders(base, kase.request.headers), wire, ...(jwe !== undefined ? { jwe } : {}) };
  },
  requestBody: (kase) => kase.request.body,
};
