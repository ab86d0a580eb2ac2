// Reads spec/openapi.yaml exactly: integers stay bigint, so 9999999999999999999 keeps every digit.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { SPEC_PATH } from "../../common/package-files.js";
import { resolvePointer as resolveJsonPointer } from "../../src/json-pointer.js";

export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function readSpec(path = SPEC_PATH): JsonObject {
  const doc = parse(readFileSync(path, "utf8"), { intAsBigInt: true }) as Json;
  if (!isObject(doc)) throw new Error(`${path}: expected an OpenAPI document (a YAML mapping)`);
  return doc;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows a local `#/a/b` JSON pointer (with the kit's one resolver); a `$ref` at the end is not followed. */
export function resolvePointer(doc: JsonObject, ref: string): Json {
  return resolveJsonPointer(doc, ref) as Json;
}

/** JSON text with bigints written as plain digits, 2-space indent, trailing newline. */
export function stringifyExact(value: Json): string {
  return `${write(value, "")}\n`;
}

function write(value: Json, indent: string): string {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + write(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(",\n")}\n${indent}}`;
}

/** A copy where every bigint is a number: for tools that only read plain JSON values. */
export function withNumbers(value: Json): Json {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(withNumbers);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNumbers(v)]));
  return value;
}
