// Our own reading of the tracker's list replies, the reference the foreign clients' decodes are
// compared with, and a way to read both while nothing changes in between (heart beats and disk
// reports move counters and free space now and then).
import { isDeepStrictEqual } from 'node:util';
import { TrackerCommand } from '#src/protocol/commands.js';
import { decodeGroupStatList, type GroupStat } from '#src/protocol/structs/index.js';
import type { TrackerAddress } from '../support/cluster-storage.js';
import { connectTracker } from '../support/tracker-queries.js';

/** 91: every group's stats, decoded by us. */
export async function listGroupStats(tracker: TrackerAddress): Promise<GroupStat[]> {
  const conn = await connectTracker(tracker.host, tracker.port);
  try {
    const reply = await conn.request({
      cmd: TrackerCommand.SERVER_LIST_ALL_GROUPS,
      reply: { kind: 'whole', maxLength: 64 * 1024 },
    });
    return decodeGroupStatList(reply.body);
  } finally {
    conn.destroy();
  }
}

/**
 * Read with our decoder, with the client, with our decoder again; retry until both of ours agree,
 * so the client's answer is of that same state.
 */
export async function stableRead<C, O>(
  client: () => Promise<C>,
  ours: () => Promise<O>,
): Promise<{ client: C; ours: O }> {
  for (let attempt = 1; ; attempt++) {
    const before = await ours();
    const got = await client();
    const afterwards = await ours();
    if (isDeepStrictEqual(before, afterwards)) return { client: got, ours: before };
    if (attempt >= 20) throw new Error('the lists kept changing over 20 reads');
  }
}
