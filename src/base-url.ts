// The base URL of a Konaplate server (`https://sandbox.konaplate.com/open-api`) and the operation's
// URL built from it: one rule for the client's baseUrl option and the conformance suite's target.
import { OPERATION } from "../generated/contract.js";

/**
 * What can be wrong with a base URL. The operation path is appended to it, so a query or a fragment
 * (even an empty `?` or `#`) would end up before the path; user info would send credentials in the
 * URL (and into reports) when they travel in headers.
 */
export type BaseUrlFault = "not-a-url" | "not-http" | "user-info" | "query-or-fragment";

export interface BaseUrlCheck {
  /** The parsed URL, unless it is not one. */
  url: URL | undefined;
  /** Every fault, empty when the base URL is fine. */
  faults: BaseUrlFault[];
}

export function checkBaseUrl(raw: string): BaseUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: undefined, faults: ["not-a-url"] };
  }
  const faults: BaseUrlFault[] = [];
  if (url.protocol !== "http:" && url.protocol !== "https:") faults.push("not-http");
  if (url.username || url.password) faults.push("user-info");
  if (raw.includes("?") || raw.includes("#")) faults.push("query-or-fragment");
  return { url, faults };
}

/** `<base>/api/v1/...`, with or without a trailing slash on the base. */
export function operationUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, "") + OPERATION.path;
  return url.toString();
}
