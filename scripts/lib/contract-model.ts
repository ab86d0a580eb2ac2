// Derives the kit's tables (banks, codes, cases, discrepancies) from the spec, refusing a spec whose
// parts disagree with each other, so nothing downstream needs a hand-kept copy.
import { isObject, resolvePointer, type Json, type JsonObject } from "./spec-source.js";

export const OPERATION_PATH = "/api/v1/bankaccounts/user/valid";
export const OPERATION_METHOD = "post";
export const NAME_SEPARATOR = " — ";

export interface NamedValue { value: string; first: string; second: string }
export interface CaseModel {
  id: string;
  title: string;
  /** The request example's description: the English gloss and where its values come from. */
  description: string | null;
  status: number;
  /** null where the documentation gives no code for the case. */
  code: string | null;
  mockCode: string;
  body: JsonObject;
  violates: { field: string; rule: string } | null;
}
export interface DiscrepancyModel { pointer: string; topic: string; sources: Record<string, string>; decision: string }
export interface HeaderModel { name: string; required: boolean; component: string }
export interface EncryptionModel { keyManagement: string; keySize: number; contentEncryption: string; contentEncryptionAccepted: string[] }
export interface ContractModel {
  operationId: string;
  method: string;
  path: string;
  servers: { url: string; description: string }[];
  requestHeaders: HeaderModel[];
  responseHeaders: Record<string, { name: string; required: boolean }[]>;
  banks: NamedValue[];
  codes: NamedValue[];
  userIdRange: { minimum: bigint; maximum: bigint };
  cases: CaseModel[];
  encryption: EncryptionModel;
  discrepancies: DiscrepancyModel[];
}

const fail = (msg: string): never => {
  throw new Error(`spec/openapi.yaml: ${msg}`);
};

function obj(value: Json | undefined, where: string): JsonObject {
  return isObject(value) ? value : fail(`${where} must be a mapping`);
}
function str(value: Json | undefined, where: string): string {
  return typeof value === "string" ? value : fail(`${where} must be a string`);
}
function deref(doc: JsonObject, node: Json | undefined, where: string): JsonObject {
  const o = obj(node, where);
  return typeof o.$ref === "string" ? obj(resolvePointer(doc, o.$ref), o.$ref) : o;
}

/** An enum whose every value has an `x-enumDescriptions` entry "first — second", and no other entry. */
export function namedEnum(doc: JsonObject, schemaName: string): NamedValue[] {
  const where = `components.schemas.${schemaName}`;
  const schema = obj(resolvePointer(doc, `#/components/schemas/${schemaName}`), where);
  const values = Array.isArray(schema.enum) ? schema.enum.map((v, i) => str(v, `${where}.enum[${i}]`)) : fail(`${where}.enum must be a list`);
  const names = obj(schema["x-enumDescriptions"], `${where}.x-enumDescriptions`);
  const extra = Object.keys(names).filter((k) => !values.includes(k));
  if (extra.length) fail(`${where}.x-enumDescriptions names values not in the enum: ${extra.join(", ")}`);
  if (new Set(values).size !== values.length) fail(`${where}.enum repeats a value`);
  return values.map((value) => {
    const text = str(names[value], `${where}.x-enumDescriptions.${value} (every enum value needs one)`);
    const parts = text.split(NAME_SEPARATOR);
    if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim()) {
      fail(`${where}.x-enumDescriptions.${value} must read "<first>${NAME_SEPARATOR}<second>", got "${text}"`);
    }
    return { value, first: parts[0]!.trim(), second: parts[1]!.trim() };
  });
}

function collectDiscrepancies(node: Json, pointer: string, out: DiscrepancyModel[]): void {
  if (Array.isArray(node)) node.forEach((v, i) => collectDiscrepancies(v, `${pointer}/${i}`, out));
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const here = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (key === "x-konaplate-discrepancy") {
      const d = obj(value, here);
      const sources = obj(d.sources, `${here}.sources`);
      out.push({
        pointer,
        topic: str(d.topic, `${here}.topic`),
        sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, str(v, `${here}.sources.${k}`)])),
        decision: str(d.decision, `${here}.decision`),
      });
    } else {
      collectDiscrepancies(value, here, out);
    }
  }
}

export function buildModel(doc: JsonObject): ContractModel {
  const operation = obj(obj(obj(doc.paths, "paths")[OPERATION_PATH], `paths.${OPERATION_PATH}`)[OPERATION_METHOD], "the operation");
  const operationId = str(operation.operationId, "operationId");

  const requestHeaders = (Array.isArray(operation.parameters) ? operation.parameters : fail("operation.parameters must be a list")).map((p, i) => {
    const ref = str(obj(p, `parameters[${i}]`).$ref, `parameters[${i}].$ref`);
    const param = deref(doc, p, `parameters[${i}]`);
    if (param.in !== "header") fail(`${ref} must be a header parameter`);
    return { name: str(param.name, `${ref}.name`), required: param.required === true, component: ref.split("/").pop()! };
  });

  const responses = obj(operation.responses, "responses");
  const responseHeaders: ContractModel["responseHeaders"] = {};
  for (const [status, response] of Object.entries(responses)) {
    const headers = obj(obj(response, `responses.${status}`).headers, `responses.${status}.headers`);
    responseHeaders[status] = Object.entries(headers).map(([name, h]) => ({ name, required: deref(doc, h, `responses.${status}.headers.${name}`).required === true }));
  }

  const requestExamples = obj(obj(obj(obj(operation.requestBody, "requestBody").content, "requestBody.content")["application/json"], "requestBody json").examples, "requestBody examples");
  const responseExamples = new Map<string, { status: number; example: JsonObject }>();
  for (const [status, response] of Object.entries(responses)) {
    const media = obj(obj(obj(response, `responses.${status}`).content, `responses.${status}.content`)["application/json"], `responses.${status} json`);
    for (const [name, example] of Object.entries(obj(media.examples, `responses.${status} examples`))) {
      if (responseExamples.has(name)) fail(`response example "${name}" appears under two statuses`);
      responseExamples.set(name, { status: Number(status), example: obj(example, `responses.${status}.examples.${name}`) });
    }
  }
  const unpaired = [...responseExamples.keys()].filter((n) => !(n in requestExamples));
  if (unpaired.length) fail(`response examples without a request example of the same name: ${unpaired.join(", ")}`);

  const cases = Object.entries(requestExamples).map(([id, ex]): CaseModel => {
    const request = obj(ex, `request example ${id}`);
    const response = responseExamples.get(id) ?? fail(`request example "${id}" has no response example of the same name`);
    const body = obj(request.value, `request example ${id}.value`);
    const mockCode = str(obj(obj(response.example.value, `${id} response value`).response, `${id} response.response`).code, `${id} response code`);
    const documented = response.example["x-konaplate-code-documented"] !== false;
    const violates = request["x-konaplate-violates"];
    return {
      id,
      title: str(request.summary, `request example ${id}.summary`),
      description: request.description === undefined ? null : str(request.description, `request example ${id}.description`).trim().replace(/\s*\n\s*/g, " "),
      status: response.status,
      code: documented ? mockCode : null,
      mockCode,
      body,
      violates: violates === undefined ? null : { field: str(obj(violates, "x-konaplate-violates").field, "field"), rule: str(obj(violates, "x-konaplate-violates").rule, "rule") },
    };
  });

  const userId = obj(resolvePointer(doc, "#/components/schemas/UserId"), "UserId");
  const bound = (v: Json | undefined, name: string) => (typeof v === "bigint" ? v : fail(`UserId.${name} must be an integer`));

  const discrepancies: DiscrepancyModel[] = [];
  collectDiscrepancies(doc, "#", discrepancies);

  const enc = obj(obj(resolvePointer(doc, "#/components/schemas/EncryptedPayload"), "EncryptedPayload")["x-konaplate-encryption"], "EncryptedPayload.x-konaplate-encryption");
  const encryption: EncryptionModel = {
    keyManagement: str(enc.keyManagement, "x-konaplate-encryption.keyManagement"),
    keySize: Number(typeof enc.keySize === "bigint" ? enc.keySize : fail("x-konaplate-encryption.keySize must be an integer")),
    contentEncryption: str(enc.contentEncryption, "x-konaplate-encryption.contentEncryption"),
    contentEncryptionAccepted: (Array.isArray(enc.contentEncryptionAccepted) ? enc.contentEncryptionAccepted : fail("x-konaplate-encryption.contentEncryptionAccepted must be a list")).map((v, i) => str(v, `contentEncryptionAccepted[${i}]`)),
  };

  return {
    operationId,
    method: OPERATION_METHOD,
    path: OPERATION_PATH,
    servers: (Array.isArray(doc.servers) ? doc.servers : []).map((s, i) => ({ url: str(obj(s, `servers[${i}]`).url, "url"), description: str(obj(s, `servers[${i}]`).description, "description") })),
    requestHeaders,
    responseHeaders,
    banks: namedEnum(doc, "BankCode"),
    codes: namedEnum(doc, "DocumentedCode"),
    userIdRange: { minimum: bound(userId.minimum, "minimum"), maximum: bound(userId.maximum, "maximum") },
    cases,
    encryption,
    discrepancies,
  };
}
