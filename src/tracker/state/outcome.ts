// The result of every rule of the tracker state. A rule violation is data, not an exception: the
// command handler sends the errno back as the reply status (§2) and keeps the connection (§16 #20).

export interface Failure {
  readonly ok: false;
  /** Linux errno value for the reply header (`Errno` in src/protocol/errno.ts). */
  readonly errno: number;
  /** Why, for the log line; never sent on the wire. */
  readonly reason: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export const DONE: Outcome<void> = Object.freeze({ ok: true, value: undefined });

export function fail(errno: number, reason: string): Failure {
  return { ok: false, errno, reason };
}
