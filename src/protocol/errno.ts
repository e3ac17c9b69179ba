// Status codes on the wire are Linux errno values, whatever the host OS (§2).

export const Errno = {
  OK: 0,
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOSPC: 28,
  ENAMETOOLONG: 36,
  ENONET: 64,
  EOPNOTSUPP: 95,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EALREADY: 114,
  EINPROGRESS: 115,
  ECANCELED: 125,
} as const;

export type ErrnoValue = (typeof Errno)[keyof typeof Errno];

const names = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** glibc's strerror() text for the codes FastDFS uses, as the C tools print it. */
const messages: Record<number, string> = {
  0: 'Success',
  1: 'Operation not permitted',
  2: 'No such file or directory',
  4: 'Interrupted system call',
  5: 'Input/output error',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  14: 'Bad address',
  16: 'Device or resource busy',
  17: 'File exists',
  20: 'Not a directory',
  21: 'Is a directory',
  22: 'Invalid argument',
  28: 'No space left on device',
  36: 'File name too long',
  64: 'Machine is not on the network',
  95: 'Operation not supported',
  107: 'Transport endpoint is not connected',
  110: 'Connection timed out',
  111: 'Connection refused',
  114: 'Operation already in progress',
  115: 'Operation now in progress',
  125: 'Operation canceled',
};

/** "ENOENT" for 2; "E<n>" for a value outside the table. */
export function errnoName(code: number): string {
  return names.get(code) ?? `E${code}`;
}

/** The strerror() text of a Linux errno ("Unknown error N" outside the table, as glibc says). */
export function errnoMessage(code: number): string {
  return messages[code] ?? `Unknown error ${code}`;
}

/** Map a Node.js system error code ("ENOENT", "ENOSPC", ...) to the Linux errno FastDFS sends. */
export function errnoFromNodeCode(code: string | undefined): number {
  if (code && code in Errno) return Errno[code as keyof typeof Errno];
  if (code === 'EACCES' || code === 'EPERM') return Errno.EACCES;
  return Errno.EIO;
}
