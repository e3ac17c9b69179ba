// The QUERY_FETCH_ALL (105) reply (§5.1): every storage that holds a file, in the 6.16 form or the
// legacy form of 6.15.5 and earlier (§14.6, §16 #21).
import { BufferReader, BufferWriter } from '../buffer.js';
import { TrackerCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN } from '../constants.js';
import {
  ipFieldSize,
  PORT_SIZE,
  readServers,
  writeAddress,
  type FetchAllForm,
  type QueryReplyHint,
  type ReplyLayout,
  type ServerAddress,
} from './addresses.js';
import { badBody, invalidArgument, type ResponseIpSize } from './fields.js';

/** Reply of 105: every storage that holds the file. */
export interface FetchAllReply {
  groupName: string;
  servers: ServerAddress[];
}

/** 105 reply, in the 6.16 form (every server ip + port) or the legacy form (§14.6). */
export function encodeFetchAllReply(
  reply: FetchAllReply,
  ipSize: ResponseIpSize,
  form: FetchAllForm = '6.16',
): Buffer {
  const cmd = TrackerCommand.SERVICE_QUERY_FETCH_ALL;
  const n = reply.servers.length;
  if (n === 0) throw invalidArgument('no storage server to list', cmd);
  const ipField = ipFieldSize(ipSize);
  const size =
    form === '6.16'
      ? GROUP_NAME_MAX_LEN + n * (ipField + PORT_SIZE)
      : GROUP_NAME_MAX_LEN + ipField + PORT_SIZE + (n - 1) * ipField;
  const w = new BufferWriter(size).fixedString(GROUP_NAME_MAX_LEN, reply.groupName);
  reply.servers.forEach((s, i) => {
    // Legacy form: servers after the first are sent as an IP only and share the first port.
    if (form === 'legacy' && i > 0) w.fixedString(ipField, s.ip);
    else writeAddress(w, s, ipSize, cmd);
  });
  return w.finish();
}

/**
 * Candidates in the order of §14.6: the 6.16 form with S = 16 and S = 46, then the legacy form
 * with S = 16 and S = 46. A hint moves matching candidates first (IP size before form). The first
 * candidate that reads plausible addresses (non-empty IPs, ports 1..65535) wins; failing that, the
 * first that reads ports within 0..65535. So 69 bytes read as one server with S = 46 unless the
 * port found there is implausible, in which case they are three legacy servers with S = 16.
 */
export function decodeFetchAllReply(
  body: Buffer,
  hint: QueryReplyHint = {},
): FetchAllReply & ReplyLayout & { form: FetchAllForm } {
  const score = (c: { ipSize: ResponseIpSize; form: FetchAllForm }): number =>
    (c.ipSize === hint.ipSize ? 2 : 0) + (c.form === hint.form ? 1 : 0);
  const candidates = FETCH_ALL_LAYOUTS.slice().sort((a, b) => score(b) - score(a));
  for (const strict of [true, false]) {
    for (const { ipSize, form } of candidates) {
      const n = fetchAllCount(body.length, ipSize, form);
      if (n === undefined) continue;
      const servers = readServers(body, ipSize, n, form, strict);
      if (!servers) continue;
      const groupName = new BufferReader(body).fixedString(GROUP_NAME_MAX_LEN, 'group_name');
      return { groupName, servers, ipSize, form };
    }
  }
  throw badBody(
    TrackerCommand.SERVICE_QUERY_FETCH_ALL,
    `reply body length ${body.length} fits no layout (16 + N·(S−1+8), or 16 + S−1+8 + (N−1)·(S−1), S = 16 | 46)`,
  );
}

const FETCH_ALL_LAYOUTS: readonly { ipSize: ResponseIpSize; form: FetchAllForm }[] = [
  { ipSize: 16, form: '6.16' },
  { ipSize: 46, form: '6.16' },
  { ipSize: 16, form: 'legacy' },
  { ipSize: 46, form: 'legacy' },
];

function fetchAllCount(
  length: number,
  ipSize: ResponseIpSize,
  form: FetchAllForm,
): number | undefined {
  const first = GROUP_NAME_MAX_LEN + ipSize - 1 + PORT_SIZE;
  if (length < first) return undefined;
  const each = form === '6.16' ? ipSize - 1 + PORT_SIZE : ipSize - 1;
  const rest = length - first;
  return rest % each === 0 ? 1 + rest / each : undefined;
}
