// The C tools' value formats (§12): local dates, human sizes, sync delays, CRCs.

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `%Y-%m-%d %H:%M:%S` of a unix time in local time (TZ is honoured), as formatDatetime(). */
export function formatDateTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

const UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'] as const;

/**
 * bytes_to_human_str of `mb` MiB: the largest unit that fits, one decimal under 10, else a whole
 * number ("9.5 GB", "504 GB", "100 MB"); 0 is "0  B" (the empty unit).
 */
export function humanSize(mb: number): string {
  let value = mb * 1024 * 1024;
  let unit = 0;
  while (unit < UNITS.length - 1 && value >= 1024) {
    value /= 1024;
    unit++;
  }
  const text = value < 10 ? value.toFixed(1) : value.toFixed(0);
  return `${value === 0 ? '0' : text} ${UNITS[unit]}B`;
}

/** `%7s` */
export const pad7 = (text: string): string => text.padStart(7);

/** A sync delay as fdfs_monitor words it: "1 hour 5 seconds", "0 second" when ≤ 0. */
export function delayText(seconds: number): string {
  if (seconds <= 0) return '0 second';
  const parts: [number, string][] = [
    [Math.floor(seconds / 86400), 'day'],
    [Math.floor((seconds % 86400) / 3600), 'hour'],
    [Math.floor((seconds % 3600) / 60), 'minute'],
    [seconds % 60, 'second'],
  ];
  return parts
    .filter(([n]) => n !== 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`)
    .join(' ');
}

/** `%d (0x%08x)` of a CRC32: signed decimal, then 8 lower-case hex digits. */
export function crcSignedHex(crc32: number): string {
  return `${crc32 | 0} (0x${(crc32 >>> 0).toString(16).padStart(8, '0')})`;
}
