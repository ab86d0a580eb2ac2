// The contract as the kit reads it at run time: generated/openapi.json, the exact JSON copy of
// spec/openapi.yaml, read once per process and losslessly (an integer past 2^53, such as the userId
// maximum 9999999999999999999, is a bigint with every digit). The validators, the refusal
// derivation and the sandbox all read this one document, so it is frozen: no reader can change
// what another reads.
import { readFileSync } from "node:fs";
import { OPERATION } from "../generated/contract.js";
import { parseJson } from "./json.js";
import { pointerSegment } from "./json-pointer.js";

export type SpecDocument = Record<string, unknown>;

/** The pointer of the operation (`#/paths/~1api~1v1~1bankaccounts~1user~1valid/post`). */
export const OPERATION_POINTER = `#/paths/${pointerSegment(OPERATION.path)}/${OPERATION.method.toLowerCase()}`;

function deepFreeze<T>(node: T): T {
  if (node !== null && typeof node === "object" && !Object.isFrozen(node)) {
    Object.freeze(node);
    for (const value of Object.values(node)) deepFreeze(value);
  }
  return node;
}

let document: SpecDocument | undefined;

/** The spec document, parsed on first use. */
export function specDocument(): SpecDocument {
  document ??= deepFreeze(parseJson(readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8")) as SpecDocument);
  return document;
}
