// The contract itself: its examples, its constraints at every boundary, and the tables derived from it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BANK_CODES, BANKS, CASE_IDS, CASES, CODE_MESSAGES, DOCUMENTED_CODES, USER_ID_RANGE } from "../generated/contract.js";
import { buildModel } from "../scripts/lib/contract-model.js";
import { renderOutputs } from "../scripts/lib/render.js";
import { readSpec, ROOT, resolvePointer, type JsonObject } from "../scripts/lib/spec-source.js";
import {
  schemaPointers,
  validateEnvelope,
  validateRequestBody,
  validateRequestHeaders,
  validateResponseBody,
  validateResponseHeaders,
  type Violation,
} from "../src/validation.js";

const spec = readSpec();
const operation = resolvePointer(spec, "#/paths/~1api~1v1~1bankaccounts~1user~1valid/post") as JsonObject;
const sandboxMember = { userId: 1n, userName: "김코나", birthDate: "19751112", bankCode: "003", bankAccount: "333015555557" };
const rules = (violations: Violation[]) => violations.map((v) => `${v.path}:${v.rule}`);

describe("named examples", () => {
  const requestExamples = Object.entries(
    ((operation.requestBody as JsonObject).content as JsonObject)["application/json"] as JsonObject,
  ).find(([k]) => k === "examples")![1] as Record<string, JsonObject>;

  it.each(Object.entries(requestExamples))("request example %s validates, or breaks exactly the rule it declares", (_name, example) => {
    const violations = validateRequestBody(example.value);
    const declared = example["x-konaplate-violates"] as { field: string; rule: string } | undefined;
    expect(rules(violations)).toEqual(declared ? [`${declared.field}:${declared.rule}`] : []);
  });

  const responses = operation.responses as Record<string, JsonObject>;
  const responseExamples = Object.entries(responses).flatMap(([status, response]) =>
    Object.entries(((response.content as JsonObject)["application/json"] as JsonObject).examples as Record<string, JsonObject>).map(
      ([name, example]) => [`${status} ${name}`, Number(status), example] as const,
    ),
  );

  it.each(responseExamples)("response example %s validates against its status's schema and envelope", (_label, status, example) => {
    expect(validateResponseBody(status, example.value)).toEqual([]);
    expect(validateEnvelope(status, example.value)).toEqual([]);
  });

  it("every documented code's example carries the seed page's message verbatim", () => {
    for (const [, status, example] of responseExamples) {
      const { code, description } = (example.value as { response: { code: string; description: string } }).response;
      if (code in CODE_MESSAGES) expect(description, `${status} ${code}`).toBe(CODE_MESSAGES[code as keyof typeof CODE_MESSAGES].message);
    }
  });

  it("parameter and header examples validate against their own schemas", () => {
    const params = (spec.components as JsonObject).parameters as Record<string, JsonObject>;
    const headers = Object.fromEntries(Object.values(params).map((p) => [p.name as string, p.example as string]));
    expect(validateRequestHeaders(headers)).toEqual([]);
    for (const [status, response] of Object.entries(responses)) {
      const examples = Object.fromEntries(
        Object.entries(response.headers as Record<string, JsonObject>).map(([name, h]) => [name, (resolvePointer(spec, h.$ref as string) as JsonObject).example as string]),
      );
      expect(Object.keys(examples)).toEqual(["X-KM-Correlation-Id", "X-KM-Crypto-Key-Id"]);
      expect(validateResponseHeaders(Number(status), examples)).toEqual([]);
    }
  });
});

describe("request body constraints", () => {
  it("accepts the sandbox member and the largest userId, exactly", () => {
    expect(validateRequestBody(sandboxMember)).toEqual([]);
    expect(validateRequestBody({ ...sandboxMember, userId: 9999999999999999999n })).toEqual([]);
    expect(validateRequestBody({ ...sandboxMember, userId: 1 })).toEqual([]);
  });

  it("accepts the inner boundaries: 1 and 20 digits, 1 and 100 characters", () => {
    expect(validateRequestBody({ ...sandboxMember, bankAccount: "1" })).toEqual([]);
    expect(validateRequestBody({ ...sandboxMember, bankAccount: "1".repeat(20) })).toEqual([]);
    expect(validateRequestBody({ ...sandboxMember, userName: "김" })).toEqual([]);
    expect(validateRequestBody({ ...sandboxMember, userName: "가".repeat(100) })).toEqual([]);
  });

  it.each([
    ["empty account", { bankAccount: "" }, ["bankAccount:minLength", "bankAccount:pattern"]],
    ["21-digit account", { bankAccount: "1".repeat(21) }, ["bankAccount:maxLength", "bankAccount:pattern"]],
    ["non-digit account", { bankAccount: "33301555555A" }, ["bankAccount:pattern"]],
    ["account with a dash", { bankAccount: "333-01555555" }, ["bankAccount:pattern"]],
    ["101-character name", { userName: "가".repeat(101) }, ["userName:maxLength"]],
    ["empty name", { userName: "" }, ["userName:minLength"]],
    ["unknown bank code", { bankCode: "999" }, ["bankCode:enum"]],
    ["older sandbox bank code", { bankCode: "005" }, ["bankCode:enum"]],
    ["userId 0", { userId: 0 }, ["userId:minimum"]],
    ["negative userId", { userId: -1n }, ["userId:minimum"]],
    ["userId one past the maximum", { userId: 10000000000000000000n }, ["userId:maximum"]],
    ["fractional userId", { userId: 1.5 }, ["userId:type"]],
    ["userId as a string", { userId: "1" }, ["userId:type"]],
    ["6-digit birth date", { birthDate: "751112" }, ["birthDate:minLength", "birthDate:pattern"]],
    ["9-digit birth date", { birthDate: "197511120" }, ["birthDate:maxLength", "birthDate:pattern"]],
    ["birth date with month 13", { birthDate: "19751312" }, ["birthDate:pattern"]],
  ])("rejects %s, naming the field and the rule", (_label, change, expected) => {
    expect(rules(validateRequestBody({ ...sandboxMember, ...change })).sort()).toEqual([...expected].sort());
  });

  it("names every missing field", () => {
    expect(rules(validateRequestBody({})).sort()).toEqual(
      ["bankAccount:required", "bankCode:required", "birthDate:required", "userId:required", "userName:required"],
    );
  });
});

describe("header constraints", () => {
  const valid: Record<string, string> = {
    "X-KM-User-AspId": "KONAPLATEASP001",
    "X-KM-Correlation-Id": "261124231500-0a1b2c3",
    "X-KM-Access-Key": "A".repeat(40),
    "X-KM-Crypto-Key-Id": "c".repeat(32),
    "X-KM-Tran-Token": `KMV1:20261124231500123:${"A".repeat(43)}=`,
    "X-KM-Tran-Time": "20261124231500",
    "X-KM-Time-Zone": "KST",
  };

  it("accepts a full valid set, and the set without the optional Crypto-Key-Id", () => {
    expect(validateRequestHeaders(valid)).toEqual([]);
    const { "X-KM-Crypto-Key-Id": _, ...withoutCrypto } = valid;
    expect(validateRequestHeaders(withoutCrypto)).toEqual([]);
  });

  it.each([
    ["X-KM-User-AspId", "KONAPLATEASP01", "minLength"],
    ["X-KM-User-AspId", "KONAPLATEASP0001", "maxLength"],
    ["X-KM-Correlation-Id", "261124231500-0a1b2c", "minLength"],
    ["X-KM-Correlation-Id", "261124231500_0a1b2c3", "pattern"],
    ["X-KM-Correlation-Id", "261124231500-0a1b2cG", "pattern"],
    ["X-KM-Access-Key", "A".repeat(39), "minLength"],
    ["X-KM-Access-Key", "A".repeat(41), "maxLength"],
    ["X-KM-Crypto-Key-Id", "c".repeat(31), "minLength"],
    ["X-KM-Tran-Token", `KMV1:20261124231500123:${"A".repeat(42)}=`, "minLength"],
    ["X-KM-Tran-Token", `KMV2:20261124231500123:${"A".repeat(43)}=`, "pattern"],
    ["X-KM-Tran-Token", `KMV1:2026112423150012:${"A".repeat(44)}=`, "pattern"],
    ["X-KM-Tran-Time", "2026112423150", "minLength"],
    ["X-KM-Tran-Time", "2026112423150000", "maxLength"],
    ["X-KM-Tran-Time", "20261324231500", "pattern"],
    ["X-KM-Time-Zone", "KS", "minLength"],
    ["X-KM-Time-Zone", "kst", "pattern"],
  ])("%s rejects %s (%s)", (name, value, rule) => {
    expect(rules(validateRequestHeaders({ ...valid, [name]: value }))).toContain(`${name}:${rule}`);
  });

  it.each(["X-KM-User-AspId", "X-KM-Correlation-Id", "X-KM-Access-Key", "X-KM-Tran-Token", "X-KM-Tran-Time", "X-KM-Time-Zone"])(
    "%s is required",
    (name) => {
      const { [name]: _, ...rest } = valid;
      expect(rules(validateRequestHeaders(rest))).toEqual([`${name}:required`]);
    },
  );

  it("response X-KM-Correlation-Id is required and well formed; Crypto-Key-Id optional", () => {
    expect(rules(validateResponseHeaders(400, {}))).toEqual(["X-KM-Correlation-Id:required"]);
    expect(rules(validateResponseHeaders(200, { "x-km-correlation-id": "not-a-correlation-id" }))).toContain("X-KM-Correlation-Id:pattern");
    expect(validateResponseHeaders(200, { "x-km-correlation-id": "261124231500-0a1b2c3" })).toEqual([]);
  });
});

describe("response envelope", () => {
  it("any well-formed error code validates; 000_000 on a 400 or a malformed code does not", () => {
    expect(validateEnvelope(400, { response: { code: "123_456", description: "x" } })).toEqual([]);
    expect(rules(validateEnvelope(400, { response: { code: "000_000", description: "x" } }))).toContain("response.code:not");
    expect(rules(validateEnvelope(400, { response: { code: "2_1", description: "x" } }))).toContain("response.code:pattern");
    expect(rules(validateEnvelope(200, { response: { code: "002_003", description: "x" } }))).toContain("response.code:const");
    expect(rules(validateEnvelope(400, { response: { code: "002_003", description: 3 } }))).toContain("response.description:type");
    expect(rules(validateEnvelope(400, { code: "002_003" }))).toEqual(["response:required"]);
  });

  it("an encrypted answer is a valid wire body, a 500 is undocumented", () => {
    expect(validateResponseBody(200, { encData: "aGVhZGVy.a2V5.aXY.Y2lwaGVy.dGFn" })).toEqual([]);
    expect(validateResponseBody(500, {})).toBeNull();
    expect(schemaPointers.envelope(200)).toBe("#/components/schemas/SuccessEnvelope");
  });
});

describe("generated tables", () => {
  it("carries the 29 documented banks, each with a Korean and an English name", () => {
    expect(BANK_CODES).toHaveLength(29);
    expect(BANK_CODES.slice(0, 3)).toEqual(["088", "004", "020"]);
    expect(BANKS["088"]).toEqual({ ko: "신한은행", en: "Shinhan Bank" });
    expect(BANKS["261"]).toEqual({ ko: "교보증권", en: "Kyobo Securities" });
    for (const code of BANK_CODES) expect(BANKS[code].ko && BANKS[code].en, code).toBeTruthy();
  });

  it("carries the 10 documented codes with the seed page's English messages", () => {
    expect(DOCUMENTED_CODES).toEqual(["000_000", "002_001", "002_002", "002_003", "002_004", "002_005", "002_006", "002_007", "002_008", "002_009"]);
    expect(CODE_MESSAGES["002_003"]).toEqual({ message: "Names are not matched.", ko: "계좌의 예금주 실명과 회원의 실명이 다릅니다." });
    expect(CODE_MESSAGES["002_008"].message).toBe("Bank account's status is not valid.");
  });

  it("carries the 13 test cases in the page's order, codeless ones expecting any code", () => {
    expect(CASE_IDS).toEqual([
      "success", "002_001", "002_002", "002_003", "002_004", "002_005", "002_006", "002_007", "002_008", "002_009",
      "002_004-repeat", "system-delay", "non-participant",
    ]);
    expect(CASES.find((c) => c.id === "002_004-repeat")?.expected).toEqual({ status: 400, code: "002_004" });
    expect(CASES.filter((c) => c.expected.code === null).map((c) => c.id)).toEqual(["system-delay", "non-participant"]);
    expect(CASES.find((c) => c.id === "success")?.request.body.userId).toBe(9007199254740993n);
  });

  it("keeps the userId bounds exact", () => {
    expect(USER_ID_RANGE).toEqual({ minimum: 1n, maximum: 9999999999999999999n });
  });

  it("puts bank names and bigint userId into the TypeScript types", () => {
    const types = readFileSync(`${ROOT}generated/schema.d.ts`, "utf8");
    expect(types).toContain("UserId: bigint;");
    expect(types).toContain("`088` 신한은행 (Shinhan Bank)");
    expect(types).toContain('"002_009"');
  });

  it("keeps the 9999999999999999999 maximum exact in the JSON copy", () => {
    expect(readFileSync(`${ROOT}generated/openapi.json`, "utf8")).toContain('"maximum": 9999999999999999999');
  });
});

describe("generated/ drift", () => {
  it("every generated file equals what `npm run generate` would write now", async () => {
    const stale: string[] = [];
    for (const [file, content] of await renderOutputs()) {
      if (readFileSync(`${ROOT}${file}`, "utf8") !== content) stale.push(file);
    }
    expect(stale, "run `npm run generate` and commit the result").toEqual([]);
  });
});

describe("the generator refuses a spec whose parts disagree", () => {
  const mutated = (change: (doc: JsonObject) => void) => {
    const doc = structuredClone(spec);
    change(doc);
    return doc;
  };
  const bankCode = (doc: JsonObject) => resolvePointer(doc, "#/components/schemas/BankCode") as JsonObject;

  it("a bank code without a name", () => {
    const doc = mutated((d) => delete (bankCode(d)["x-enumDescriptions"] as JsonObject)["088"]);
    expect(() => buildModel(doc)).toThrow(/BankCode\.x-enumDescriptions\.088/);
  });

  it("a name that does not read \"Korean — English\"", () => {
    const doc = mutated((d) => ((bankCode(d)["x-enumDescriptions"] as JsonObject)["088"] = "Shinhan"));
    expect(() => buildModel(doc)).toThrow(/must read/);
  });

  it("a response example with no request example of the same name", () => {
    const doc = mutated((d) => {
      const examples = resolvePointer(d, "#/paths/~1api~1v1~1bankaccounts~1user~1valid/post/requestBody/content/application~1json/examples") as JsonObject;
      delete examples["002_007"];
    });
    expect(() => buildModel(doc)).toThrow(/002_007/);
  });
});
