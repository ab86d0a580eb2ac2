// Headers whose values never reach output: reports, logs and pages show REDACTED instead.

export const REDACTED = "[redacted]";

/** Request headers whose values are, or are derived from, the project's secrets. */
const SECRET_HEADERS = new Set(["x-km-access-key", "x-km-tran-token", "authorization", "proxy-authorization", "cookie", "set-cookie"]);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}
