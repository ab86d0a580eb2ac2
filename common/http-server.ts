// What every local HTTP server of the kit (the mock's layer in front of Prism, the sandbox) does the
// same way with Node's http module.
import type { IncomingMessage, Server } from "node:http";

/** Request headers as one string each (lower-case names; a repeated header joined with ", ", as HTTP folds them). */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

const closing = new WeakMap<Server, Promise<void>>();

/**
 * Stops listening and ends every connection, idle or busy (a kept-alive client would otherwise hold
 * the server open); settles once the server has closed. Calling it again gives the same promise.
 */
export function closeServer(server: Server): Promise<void> {
  let closed = closing.get(server);
  if (!closed) {
    closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    server.closeAllConnections();
    closing.set(server, closed);
  }
  return closed;
}
