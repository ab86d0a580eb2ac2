// How long a call may be given, for the client's timeoutMs and the conformance suite's --timeout.

/** The largest timeout: Node's timers turn a delay past 2^31-1 ms into 1 ms, so it is refused instead. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
