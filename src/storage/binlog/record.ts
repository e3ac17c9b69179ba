// Binlog lines (§8.3): `<timestamp> <op> <logic_filename>[ <extra>]\n`. Upper-case ops were
// accepted from a client on this storage; lower-case ones arrived from a peer.

export type CreateLikeOp = 'C' | 'c' | 'D' | 'd' | 'U' | 'u';
export type RangeOp = 'A' | 'a' | 'M' | 'm';
export type TruncateOp = 'T' | 't';
export type PairOp = 'L' | 'l' | 'R' | 'r';
export type BinlogOp = CreateLikeOp | RangeOp | TruncateOp | PairOp;

export type BinlogRecord =
  | { timestamp: number; op: CreateLikeOp; filename: string }
  /** A: offset = size before the append, length = bytes appended; M: the modified range. */
  | { timestamp: number; op: RangeOp; filename: string; offset: number; length: number }
  | { timestamp: number; op: TruncateOp; filename: string; oldSize: number; newSize: number }
  /** L: filename = the link, srcFilename = its target; R: filename = new name, srcFilename = old. */
  | { timestamp: number; op: PairOp; filename: string; srcFilename: string };

export type ParsedBinlogLine =
  { ok: true; record: BinlogRecord } | { ok: false; reason: string; line: string };

const OPS = new Set('CcDdUuAaMmTtLlRr');

/** Is `op` a source (upper-case) operation? */
export function isSourceOp(op: BinlogOp): boolean {
  return op >= 'A' && op <= 'Z';
}

export function formatBinlogLine(r: BinlogRecord): string {
  switch (r.op) {
    case 'A':
    case 'a':
    case 'M':
    case 'm':
      return `${r.timestamp} ${r.op} ${r.filename} ${r.offset} ${r.length}\n`;
    case 'T':
    case 't':
      return `${r.timestamp} ${r.op} ${r.filename} ${r.oldSize} ${r.newSize}\n`;
    case 'L':
    case 'l':
    case 'R':
    case 'r':
      return `${r.timestamp} ${r.op} ${r.filename} ${r.srcFilename}\n`;
    default:
      return `${r.timestamp} ${r.op} ${r.filename}\n`;
  }
}

/**
 * Parse one line (without its `\n`). Malformed lines are reported, never thrown: the C storage
 * writes `<ts> L  <target>` and `<ts> l ` for links (§16 #2), and a reader must skip them.
 */
export function parseBinlogLine(line: string): ParsedBinlogLine {
  const bad = (reason: string): ParsedBinlogLine => ({ ok: false, reason, line });
  const s1 = line.indexOf(' ');
  if (s1 <= 0) return bad('no timestamp');
  const timestamp = Number(line.slice(0, s1));
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) return bad('bad timestamp');
  const op = line[s1 + 1];
  if (op === undefined || !OPS.has(op) || (line.length > s1 + 2 && line[s1 + 2] !== ' ')) {
    return bad('bad op');
  }
  const rest = line.slice(s1 + 3);
  const parts = rest.split(' ');
  const filename = parts[0] ?? '';
  if (filename === '') return bad(`no file name after op ${op}`);
  switch (op) {
    case 'A':
    case 'a':
    case 'M':
    case 'm':
    case 'T':
    case 't': {
      if (parts.length !== 3) return bad(`op ${op} needs a name and two numbers`);
      const a = Number(parts[1]);
      const b = Number(parts[2]);
      if (
        !Number.isSafeInteger(a) ||
        !Number.isSafeInteger(b) ||
        a < 0 ||
        b < 0 ||
        parts[1] === '' ||
        parts[2] === ''
      ) {
        return bad(`op ${op}: bad numbers`);
      }
      return op === 'T' || op === 't'
        ? { ok: true, record: { timestamp, op, filename, oldSize: a, newSize: b } }
        : { ok: true, record: { timestamp, op, filename, offset: a, length: b } };
    }
    case 'L':
    case 'l':
    case 'R':
    case 'r':
      if (parts.length !== 2 || parts[1] === '') return bad(`op ${op} needs two file names`);
      return { ok: true, record: { timestamp, op, filename, srcFilename: parts[1]! } };
    default:
      if (parts.length !== 1) return bad(`op ${op} takes one file name`);
      return { ok: true, record: { timestamp, op: op as CreateLikeOp, filename } };
  }
}

/** Every line of a binlog text; a last line without `\n` is incomplete and not returned (§8.3). */
export function parseBinlogText(text: string): {
  lines: ParsedBinlogLine[];
  completeBytes: number;
} {
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n').slice(0, -1).map(parseBinlogLine);
  return { lines, completeBytes: Buffer.byteLength(text.slice(0, end)) };
}

/** `binlog.000`: 3-digit zero-padded index (§8.3). */
export function binlogFileName(index: number): string {
  return `binlog.${String(index).padStart(3, '0')}`;
}

/** Rotation size of a binlog file (§8.3). */
export const BINLOG_ROTATE_SIZE = 1024 * 1024 * 1024;
