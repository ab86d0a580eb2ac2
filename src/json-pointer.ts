// JSON pointers into an OpenAPI document (`#/components/schemas/UserId`, RFC 6901): the one resolver
// of the kit, used on the spec as the validators, the refusal derivation and the sandbox read it
// (src/spec-document.ts) and on the YAML the generator reads. Pure: it reads no file.

const isContainer = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** A key as a pointer segment: `~` as `~0`, `/` as `~1` (`/api/v1/...` becomes `~1api~1v1~1...`). */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The node a local pointer (`#/a/b`) names in `doc`. A `$ref` on the way is a node like any other,
 * not followed (followRefs does that); a missing key throws, naming the pointer and the key.
 */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith("#/")) throw new Error(`only local refs are supported, got ${pointer}`);
  let node = doc;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isContainer(node) || !Object.hasOwn(node, key)) throw new Error(`unresolved $ref ${pointer} (at "${key}")`);
    node = node[key];
  }
  return node;
}

/** `node` itself, or when it is a `{"$ref": ...}` the node it names, through chains of refs. */
export function followRefs(doc: unknown, node: unknown): unknown {
  let current = node;
  for (let depth = 0; isContainer(current) && typeof current.$ref === "string"; depth++) {
    if (depth > 32) throw new Error("$ref chain too deep");
    current = resolvePointer(doc, current.$ref);
  }
  return current;
}
