// The tracker the `tracker` scenario drives: one started here in a child process (its own temp
// folder, log level warn) with two fake storages of group1 joined and beating, or an existing one
// named by `--tracker host:port` (fake storages join it only when it knows no group yet).
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { TrackerCommand } from '#src/protocol/commands.js';
import { StorageStatus } from '#src/protocol/status.js';
import { decodeGroupStatList } from '#src/protocol/structs/group-stat.js';
import { Cluster } from '../test/support/cluster.js';
import { FakeStorage } from '../test/support/fake-storage.js';
import {
  connectTracker,
  fileNameFrom,
  listStorages,
  queryStore,
} from '../test/support/tracker-queries.js';

export interface TrackerTarget {
  host: string;
  port: number;
  /** The tracker's pid when it runs here (RSS and CPU are read from /proc); else undefined. */
  pid: number | undefined;
  group: string;
  /** A file name (without the group) that QUERY_FETCH can route: old enough to be on every storage. */
  fetchName: string;
  /** Body lengths of correct 101 and 102 replies (16- or 46-byte IP fields). */
  storeReplyLength: number;
  fetchReplyLength: number;
  close(): Promise<void>;
}

/** Beats every few seconds keep the fake storages ACTIVE through long runs. */
const BEAT_INTERVAL_MS = 5000;
const STORAGE_PORT = 23000;

/** A normal file three days old whose source is `sourceIp` (§9.7 rule 2: every storage has it). */
function oldFileName(sourceIp: string): string {
  return fileNameFrom(sourceIp, Math.floor(Date.now() / 1000) - 3 * 86400);
}

async function joinFakeStorages(
  host: string,
  port: number,
  allocateHost: () => string,
): Promise<{ storages: FakeStorage[]; timer: NodeJS.Timeout }> {
  const storages = [0, 1].map(
    () =>
      new FakeStorage({
        tracker: { host, port },
        ip: allocateHost(),
        groupName: 'group1',
        port: STORAGE_PORT,
      }),
  );
  await storages[0]!.startAsFirstOfGroup();
  await storages[1]!.rejoin();
  const timer = setInterval(() => {
    for (const s of storages) s.beat().catch(() => s.rejoin().catch(() => undefined));
  }, BEAT_INTERVAL_MS);
  timer.unref();
  return { storages, timer };
}

/** Reply lengths from one real answer: 16 + (S − 1) + 8 (+ 1 for QUERY_STORE). */
async function replyLengths(host: string, port: number, group: string) {
  const conn = await connectTracker(host, port);
  try {
    const { ipSize } = await queryStore(conn, group);
    return { storeReplyLength: 16 + ipSize - 1 + 8 + 1, fetchReplyLength: 16 + ipSize - 1 + 8 };
  } finally {
    conn.destroy();
  }
}

/** A tracker process started for the bench, with its data under `dataDir` (or a temp folder). */
export async function startOwnTracker(dataDir: string | undefined): Promise<TrackerTarget> {
  const cluster = new Cluster('bench-tracker', dataDir ?? tmpdir());
  try {
    const tracker = await cluster.startTracker({
      config: { log_level: 'warn', max_connections: 4096, network_timeout: 30 },
    });
    const { storages, timer } = await joinFakeStorages(tracker.host, tracker.port, () =>
      cluster.allocateHost(),
    );
    return {
      host: tracker.host,
      port: tracker.port,
      pid: tracker.pid,
      group: 'group1',
      fetchName: oldFileName(storages[0]!.ip),
      ...(await replyLengths(tracker.host, tracker.port, 'group1')),
      close: async () => {
        clearInterval(timer);
        for (const s of storages) s.close();
        await cluster.destroy();
      },
    };
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
}

/** "host:port" → an existing tracker; fake storages join it if it has no group yet. */
export async function useExistingTracker(address: string): Promise<TrackerTarget> {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m || isIP(m[1]!) === 0) throw new Error(`--tracker ${address}: expected ip:port`);
  const host = m[1]!;
  const port = Number(m[2]);
  const conn = await connectTracker(host, port);
  let group: string | undefined;
  let source: string | undefined;
  try {
    const listed = await conn.request({
      cmd: TrackerCommand.SERVER_LIST_ALL_GROUPS,
      reply: { kind: 'whole', maxLength: 1024 * 1024 },
    });
    const groups = listed.body.length === 0 ? [] : decodeGroupStatList(listed.body);
    for (const g of groups) {
      const active = (await listStorages(conn, g.groupName)).find(
        (s) => s.status === StorageStatus.ACTIVE,
      );
      if (active) {
        group = g.groupName;
        source = active.ipAddr;
        break;
      }
    }
  } finally {
    conn.destroy();
  }
  let close = async (): Promise<void> => undefined;
  if (group === undefined || source === undefined) {
    if (!host.startsWith('127.')) {
      throw new Error(`--tracker ${address} has no ACTIVE storage; join storages to it first`);
    }
    let octet = 200;
    const { storages, timer } = await joinFakeStorages(host, port, () => `127.0.0.${octet++}`);
    group = 'group1';
    source = storages[0]!.ip;
    close = async () => {
      clearInterval(timer);
      for (const s of storages) s.close();
    };
  }
  return {
    host,
    port,
    pid: undefined,
    group,
    fetchName: oldFileName(source),
    ...(await replyLengths(host, port, group)),
    close,
  };
}
