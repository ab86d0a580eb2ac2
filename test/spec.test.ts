// The contract itself: its examples, its constraints at every boundary, and the tables derived from it.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BANK_CODES, BANKS, CASE_IDS, CASES, CODE_MESSAGES, DOCUMENTED_CODES, USER_ID_RANGE } from "../generated/contract.js";
import { buildModel } from "../scripts/lib/contract-model.js";
import { renderOutputs } from "../scripts/lib/render.js";
import { ROOT } from "../common/package-files.js";
import { readSpec, resolvePointer, type JsonObject } from "../scripts/lib/spec-source.js";
import {
  schemaPointers,
  validateEnvelope,
  validateRequestBody,
  validateRequestHeaders,
  validateRequestWireBody,
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
    ["birth date 30 February", { birthDate: "20250230" }, ["birthDate:format"]],
    ["birth date in year 0000", { birthDate: "00000101" }, ["birthDate:format"]],
    ["birth date 29 February of a common year", { birthDate: "19000229" }, ["birthDate:format"]],
    ["birth date 31 April", { birthDate: "19750431" }, ["birthDate:format"]],
  ])("rejects %s, naming the field and the rule", (_label, change, expected) => {
    expect(rules(validateRequestBody({ ...sandboxMember, ...change })).sort()).toEqual([...expected].sort());
  });

  it("accepts every day that exists, leap days included", () => {
    for (const birthDate of ["20000229", "20240229", "19751231", "00010101", "99991231", "19750430"]) {
      expect(validateRequestBody({ ...sandboxMember, birthDate }), birthDate).toEqual([]);
    }
  });

  it("names every missing field", () => {
    expect(rules(validateRequestBody({})).sort()).toEqual(
      ["bankAccount:required", "bankCode:required", "birthDate:required", "userId:required", "userName:required"],
    );
  });
});

describe("one broken rule, one violation, whichever form the body takes", () => {
  const schemas = () => (spec.components as JsonObject).schemas as Record<string, JsonObject>;
  const encData = "aGVhZGVy.a2V5.aXY.Y2lwaGVy.dGFn";

  it.each([
    ["a plain body with a bad account", { ...sandboxMember, bankAccount: "33301555555A" }, ["bankAccount:pattern"]],
    ["a plain body with an impossible birth date", { ...sandboxMember, birthDate: "20250230" }, ["birthDate:format"]],
    ["a plain body without userName", { ...sandboxMember, userName: undefined }, ["userName:required"]],
    ["a plain body past the userId maximum", { ...sandboxMember, userId: 10000000000000000000n }, ["userId:maximum"]],
    ["an encrypted body that is not a JWE", { encData: "not-a-jwe" }, ["encData:pattern"]],
    ["an encrypted body with a plain field beside it", { encData, userId: 1 }, ["userId:additionalProperties"]],
  ])("the request wire body: %s", (_label, body, expected) => {
    const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    expect(rules(validateRequestWireBody(defined))).toEqual(expected);
  });

  it("valid plain and encrypted request bodies pass on the wire", () => {
    expect(validateRequestWireBody(sandboxMember)).toEqual([]);
    expect(validateRequestWireBody({ encData })).toEqual([]);
  });

  it.each([
    [200, { response: { code: "002_003", description: "x" } }, ["response.code:const"]],
    [400, { response: { code: "000_000", description: "x" } }, ["response.code:not"]],
    [400, { response: { code: "002_003" } }, ["response.description:required"]],
    [400, { encData: 5 }, ["encData:type"]],
    [400, { response: { code: "2_1", description: "x" } }, ["response.code:pattern"]],
    [400, { response: { code: 5, description: "x" } }, ["response.code:type"]],
    [200, { response: { code: "2_1", description: "x" } }, ["response.code:pattern", "response.code:const"]],
  ])("the %s answer %j", (status, body, expected) => {
    expect(rules(validateResponseBody(status, body)!)).toEqual(expected);
  });

  it("a documented code or else a well-formed one: a condition, typed as the union of both", () => {
    const code = ((schemas().ResultStatus!.properties as JsonObject).code as JsonObject);
    expect(Object.keys(code)).not.toContain("anyOf");
    expect(readFileSync(`${ROOT}generated/schema.d.ts`, "utf8")).toContain('code: components["schemas"]["DocumentedCode"] | components["schemas"]["ResponseCode"];');
    for (const documented of DOCUMENTED_CODES.slice(1)) expect(validateResponseBody(400, { response: { code: documented, description: "x" } }), documented).toEqual([]);
  });

  it("the body schemas choose the form by `encData`, not by trying both", () => {
    for (const pointer of [schemaPointers.requestWireBody, schemaPointers.responseBody(200), schemaPointers.responseBody(400)]) {
      const text = JSON.stringify(resolvePointer(spec, (resolvePointer(spec, pointer) as JsonObject).$ref as string));
      expect(text, pointer).not.toMatch(/"(oneOf|anyOf)"/);
      expect(text, pointer).toContain('"if":{"type":"object","required":["encData"]');
    }
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

describe("fidelity to the seed page", () => {
  // A copy of the operation's documentation page; the hash pins it so the copy cannot drift quietly.
  const pageText = readFileSync(new URL("./fixtures/seed-page.txt", import.meta.url), "utf8");
  const schemas = (spec.components as JsonObject).schemas as Record<string, JsonObject>;
  const parameters = (spec.components as JsonObject).parameters as Record<string, JsonObject>;
  const headers = (spec.components as JsonObject).headers as Record<string, JsonObject>;
  const examplesOf = (media: JsonObject) => ((media.content as JsonObject)["application/json"] as JsonObject).examples as Record<string, JsonObject>;
  const responses = operation.responses as Record<string, JsonObject>;

  /** The page's test-data titles: the list under "테스트 데이터" (after the selected one, before "Loading ..."). */
  const pageTitles = (() => {
    const section = pageText.slice(pageText.indexOf("테스트 데이터"));
    const blocks = section.split(/\n\s*\n/).map((b) => b.split("\n").filter((l) => l !== ""));
    const list = blocks.find((lines) => lines.length > 1 && /^[0-9]{3} - /.test(lines[0]!))!;
    expect(list.at(-1)).toBe("Loading ...");
    return list.slice(0, -1);
  })();

  it("reads the pinned copy of the page", () => {
    expect(createHash("sha256").update(pageText).digest("hex")).toBe("a8ae78609518f6caaa3066b36fd349fcd0face39a840a65c8512ec8a5a23a297");
    expect(pageTitles).toHaveLength(13);
  });

  it("titles every case with the page's test-data title, byte for byte and in order", () => {
    expect(CASES.map((c) => c.title)).toEqual(pageTitles);
    expect(Object.values(examplesOf(operation.requestBody as JsonObject)).map((e) => e.summary)).toEqual(pageTitles);
    const responseTitles = Object.fromEntries(
      Object.values(responses).flatMap((r) => Object.entries(examplesOf(r)).map(([name, e]) => [name, e.summary])),
    );
    expect(CASE_IDS.map((id) => responseTitles[id])).toEqual(pageTitles);
  });

  it("keeps English glosses out of the titles and in the descriptions", () => {
    const byId = Object.fromEntries(CASES.map((c) => [c.id, c]));
    expect(byId["success"]!.description).toMatch(/^Success\./);
    expect(byId["002_004-repeat"]!.description).toMatch(/Listed twice on the page/);
    expect(byId["system-delay"]!.description).toMatch(/^System processing delay\./);
    expect(byId["non-participant"]!.description).toMatch(/^The institution does not participate\./);
  });

  it("carries the operation's description in the page's words", () => {
    const pageParagraph = pageText.split("\n").find((l) => l.startsWith("회원의 이름과"))!;
    const specParagraph = String(operation.description).split("\n\n")[0]!.replace(/\n/g, " ");
    expect(specParagraph).toBe(pageParagraph);
    // The page's bullet stays a Markdown bullet, and nothing is added after "ARS 인증".
    expect(String(operation.description)).toContain("\n* 계좌 등록 회원이");
    expect(String(operation.description)).toContain("2. ARS 인증 계좌가 등록되며");
  });

  it.each([
    ["X-KM-User-AspId", () => parameters.UserAspId, ["ASP ID", "서비스 사업자에게 부여한 ID입니다.", "ID는 계약 시 제공됩니다."]],
    ["X-KM-Correlation-Id", () => parameters.CorrelationId, ["전문 추적을 위한 거래번호", "형식 : yyMMddHHmiSS-xxxxxxx", "xxxxxxx : 7자리, Hex String"]],
    ["X-KM-Access-Key", () => parameters.AccessKey, ["프로젝트에서 생성된 Access Key", "Callback API 인 경우는 제외합니다."]],
    ["X-KM-Crypto-Key-Id", () => parameters.CryptoKeyId, ["데이터암복호화 키 ID", "서비스 사업자의 프로젝트에서 생성 시 부여한 ID입니다", "데이터 암호화 요청 시 필수 입력값입니다. (Data Encryption = Y)"]],
    ["X-KM-Tran-Token", () => parameters.TranToken, ["공통 Header 정보 -\u00a0X-KM-Tran-Token"]],
    ["X-KM-Tran-Time", () => parameters.TranTime, ["클라이언트 요청 시간", "형식 : YYYYMMDDHHMMSS"]],
    ["X-KM-Time-Zone", () => parameters.TimeZone, ["시간대 정보 (UTC, KST, ...)"]],
    ["response X-KM-Correlation-Id", () => headers.CorrelationId, ["전문 추적을 위한 거래번호", "형식 : yyMMddHHmiSS-xxxxxxx", "xxxxxxx : 7자리, Hex String"]],
    ["response X-KM-Crypto-Key-Id", () => headers.CryptoKeyId, ["데이터암복호화 키 ID", "서비스 사업자의 프로젝트에서 생성 시 부여한 ID입니다", "Callback으로 전달될 경우 서비스 사업자에게 발급된 키 중 가장 먼저 발급된 키를 사용 합니다"]],
    ["userId", () => schemas.UserId, ["회원 ID", "회원가입 시 부여되는 회원의 고유 ID입니다."]],
    ["birthDate", () => (schemas.VerifyAccountHolderRequest!.properties as JsonObject).birthDate as JsonObject, ["회원 생년월일", "형식 : yyyyMMdd"]],
  ] as const)("%s carries the page's text verbatim", (_name, node, texts) => {
    for (const text of texts) {
      expect(pageText, "the text is the page's").toContain(text);
      expect(String(node()!.description)).toContain(text);
    }
  });

  it("names bank 012 as the page's 지역농축협: local agricultural and livestock co-ops, not Suhyup", () => {
    expect(BANKS["012"].ko).toBe("지역농축협");
    expect(BANKS["012"].en).toMatch(/agricultural and livestock/);
    expect(BANKS["012"].en).not.toMatch(/Suhyup/);
    expect(pageText).toContain("지역농축협 012");
  });

  it("marks the kit's own inferences and choices with a declared source", () => {
    const declared = Object.keys((spec.info as JsonObject)["x-konaplate-sources"] as JsonObject);
    expect(declared).toEqual(["seed", "guideline", "sandbox", "inferred", "choice"]);
    const used: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) (k === "x-konaplate-source" ? used.push(String(v)) : walk(v));
      }
    };
    walk(spec);
    expect(used.filter((u) => !declared.includes(u))).toEqual([]);
    expect(schemas.ResponseCode!["x-konaplate-source"]).toBe("inferred");
    expect((parameters.TimeZone!.schema as JsonObject)["x-konaplate-source"]).toBe("inferred");
  });

  it("marks the sandbox test member as sandbox, and the banks of two cases as the kit's choice", () => {
    const requests = examplesOf(operation.requestBody as JsonObject);
    const member = requests.success!.value as JsonObject;
    expect([member.userName, member.birthDate, member.bankCode, member.bankAccount]).toEqual(["김코나", "19751112", "003", "333015555557"]);
    expect(requests.success!["x-konaplate-source"]).toBe("sandbox");
    for (const id of ["002_003", "002_005"]) expect(requests[id]!["x-konaplate-source"], id).toBe("sandbox");
    expect(requests["non-participant"]!["x-konaplate-source"]).toBe("choice");
    expect(String(requests["non-participant"]!.description)).toMatch(/`261`.*kit's choice/s);
    expect(requests["002_004-repeat"]!["x-konaplate-source"]).toBe("choice");
    expect(String(requests["002_004-repeat"]!.description)).toMatch(/`020`.*kit's choice/s);
  });

  it("makes the codeless cases' placeholder answer say it is a placeholder, in a code any check accepts", () => {
    const placeholders = Object.values(responses).flatMap((r) => Object.entries(examplesOf(r)).filter(([, e]) => e["x-konaplate-code-documented"] === false));
    expect(placeholders.map(([id]) => id)).toEqual(["system-delay", "non-participant"]);
    for (const [id, example] of placeholders) {
      const { code, description } = (example.value as { response: { code: string; description: string } }).response;
      expect(description, id).toMatch(/^PLACEHOLDER: /);
      expect(description, id).toContain(code);
      expect(pageText, `${id}: no text of the page posing as a server message`).not.toContain(description);
      expect(code in CODE_MESSAGES, id).toBe(false);
      expect(code).toMatch(new RegExp(String(schemas.ResponseCode!.pattern)));
      expect(String(example.description), id).toMatch(/Placeholder answer, not Konaplate's/);
      expect(validateResponseBody(400, example.value)).toEqual([]);
    }
  });

  it("gives no contact that is not one (the API's base URL was)", () => {
    const contact = (spec.info as JsonObject).contact as JsonObject | undefined;
    const servers = (spec.servers as JsonObject[]).map((s) => s.url);
    expect(contact === undefined || !servers.includes(contact.url as string)).toBe(true);
  });
});
