// The spec's body shapes as a real Prism mock reads them: a broken rule of one form is reported as
// that rule, never as mismatches with the other form (Prism validates with AJV, draft-07).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES, OPERATION } from "../generated/contract.js";
import { startPrism, type PrismHandle } from "../mock/prism.js";
import { stringifyJson } from "../src/json.js";
import { signedHeaders, type Credentials } from "../src/signing.js";

const credentials: Credentials = {
  aspId: "KONAPLATEASP001",
  accessKey: "AK00000000000000000000000000000000000001",
  secretKey: "spec-prism-test-secret",
  timeZone: "KST",
};
const member = CASES.find((c) => c.id === "success")!.request.body;

interface PrismViolation { location: string[]; code: string; message: string }

let prism: PrismHandle;
beforeAll(async () => {
  prism = await startPrism({ mode: "mock" });
}, 30_000);
afterAll(async () => {
  await prism?.close();
});

function post(body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const text = stringifyJson(body);
  return fetch(`${prism.url}${OPERATION.path}`, {
    method: "POST",
    headers: { ...signedHeaders(credentials, text), "content-type": "application/json", ...extra },
    body: text,
  });
}

async function violations(body: unknown): Promise<{ status: number; list: PrismViolation[] }> {
  const res = await post(body);
  await res.arrayBuffer();
  const header = res.headers.get("sl-violations");
  return { status: res.status, list: header ? (JSON.parse(header) as PrismViolation[]) : [] };
}

describe("Prism reads the plain-or-encrypted body as one form", () => {
  it("a plain body with one bad field: that field's rule, nothing about encData", async () => {
    const { list } = await violations({ ...member, bankAccount: "33301555555A" });
    // One broken rule, one violation: AJV's `must match "else" schema` summary is dropped by the kit's layer.
    expect(list.map((v) => `${v.location.slice(2).join(".")}:${v.code}`)).toEqual(["bankAccount:pattern"]);
    expect(JSON.stringify(list)).not.toContain("encData");
  });

  it("an encrypted body that is not a JWE: the encData rule, nothing about the plain fields", async () => {
    const { list } = await violations({ encData: "not-a-jwe" });
    expect(list.map((v) => `${v.location.slice(2).join(".")}:${v.code}`)).toEqual(["encData:pattern"]);
    expect(JSON.stringify(list)).not.toMatch(/bankAccount|userId|userName|birthDate|bankCode/);
  });

  it("valid plain and encrypted bodies raise nothing", async () => {
    expect((await violations(member)).list).toEqual([]);
    expect((await violations({ encData: "aGVhZGVy.a2V5.aXY.Y2lwaGVy.dGFn" })).list).toEqual([]);
  });

  it("starts and mocks with the kit's own birthDate format, which Prism does not know; the kit's layer in front refuses the impossible date", async () => {
    const { status, list } = await violations({ ...member, birthDate: "20250230" });
    expect(status).toBe(422);
    // The one violation is the kit's exact check: Prism itself ignores the unknown format.
    expect(list.map((v) => `${v.location.slice(2).join(".")}:${v.code}`)).toEqual(["birthDate:format"]);
    expect(list[0]!.message).toContain("the kit's exact check");
  });
});

describe("the mock's answer to a case the page gives no code", () => {
  it.each(["system-delay", "non-participant"])("%s: a well-formed code whose message says it is a placeholder", async (id) => {
    const res = await post(member, { Prefer: `code=400, example=${id}` });
    const { response } = (await res.json()) as { response: { code: string; description: string } };
    expect(res.status).toBe(400);
    expect(response.code).toMatch(/^[0-9]{3}_[0-9]{3}$/);
    expect(response.description).toMatch(/^PLACEHOLDER: .*not a Konaplate code/);
  });
});
