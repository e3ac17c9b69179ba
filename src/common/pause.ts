// A pause that a stop signal cuts short (it resolves, never rejects): for loops that check their
// own stop condition after each pause.
import { setTimeout as wait } from 'node:timers/promises';

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}
