// The start-up sequence of a storage (§9.13, storage_func_init): group name (109), own address (60),
// the tracker's parameters (75), the storage ids (69) and own id (70), then the IP-change step
// (78, 77). Each step goes round the trackers until one answers; every connection is short.
import { isIP } from 'node:net';
import type { TrackerAddress } from '../../common/config/index.js';
import { FdfsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { Errno } from '../../protocol/errno.js';
import type { StorageIdLine } from '../../protocol/messages/tracker-identity.js';
import type { TrackerParameters } from '../../protocol/messages/tracker-parameters.js';
import {
  changelogReq,
  fetchStorageIds,
  getGroupName,
  getMyIp,
  getServerId,
  parameterReq,
  reportIpChanged,
} from './calls.js';
import { parseChangelogReply } from './changelog.js';
import type { ReporterHost, ReporterIdentity } from './host.js';
import { pause } from '../../common/pause.js';
import {
  statusOf,
  trackerLabel,
  withShortConnection,
  type LinkOptions,
  type TrackerLink,
} from './tracker-link.js';

export interface StartupContext {
  trackers: readonly TrackerAddress[];
  link: LinkOptions;
  host: ReporterHost;
  /** The identity as it was before start-up (its lastIpAddr is compared with the new address). */
  identity: ReporterIdentity;
  retryMs: number;
  logger: Logger;
}

export interface StartupResult {
  groupName: string;
  /** Each tracker's answer to GET_MY_IP; undefined where it did not answer (its reporter asks). */
  ipsByTracker: (readonly string[] | undefined)[];
  /** Our address(es) as the first answering tracker sees us. */
  ownIps: readonly string[];
  params: TrackerParameters;
  /** storage_ids.conf as the tracker has it; empty with storage ids off. */
  storageIds: readonly StorageIdLine[];
  /** Our storage id: server_id, a storage_ids match, GET_SERVER_ID, or the IP text. */
  ownId: string;
}

/** 78 counts as done with these answers too (storage_report_ip_changed). */
const IP_CHANGED_DONE = new Set<number>([0, Errno.EALREADY, Errno.ENOENT, Errno.EBUSY]);

function aborted(ctx: StartupContext): FdfsError {
  return new FdfsError('ERR_ABORTED', 'storage start-up stopped', {
    cause: ctx.link.signal.reason,
  });
}

/** Repeat `attempt` (one pass over the trackers) until it yields a value. */
async function rounds<T>(
  ctx: StartupContext,
  what: string,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  for (let round = 1; ; round++) {
    if (ctx.link.signal.aborted) throw aborted(ctx);
    const value = await attempt();
    if (value !== undefined) return value;
    if (ctx.link.signal.aborted) throw aborted(ctx);
    ctx.logger.warn({ round }, `${what}: no tracker answered, trying again`);
    await pause(ctx.retryMs, ctx.link.signal);
  }
}

/** The first tracker, in order, whose `fn` succeeds; errors are logged, status errors kept. */
async function firstAnswer<T>(
  ctx: StartupContext,
  what: string,
  quit: boolean,
  fn: (link: TrackerLink) => Promise<T>,
): Promise<T | undefined> {
  for (const tracker of ctx.trackers) {
    if (ctx.link.signal.aborted) return undefined;
    try {
      return await withShortConnection(tracker, ctx.link, quit, fn);
    } catch (err) {
      if (err instanceof FdfsError && err.code === 'ERR_CONFIG') throw err;
      ctx.logger.warn({ tracker: trackerLabel(tracker), err: (err as Error).message }, what);
    }
  }
  return undefined;
}

async function resolveGroupName(ctx: StartupContext): Promise<string> {
  const configured = ctx.identity.groupName;
  if (configured !== undefined) return configured;
  const groupName = await rounds(ctx, 'GET_GROUP_NAME (109)', async () => {
    let refused: unknown;
    for (const tracker of ctx.trackers) {
      try {
        return await withShortConnection(tracker, ctx.link, true, ({ conn }) =>
          getGroupName(conn, ctx.identity.port),
        );
      } catch (err) {
        if (statusOf(err) !== undefined) refused = err;
      }
    }
    // A tracker that answers with an error does not know us: storage.conf needs group_name.
    if (refused !== undefined) {
      throw new FdfsError('ERR_CONFIG', 'group_name is not set and no tracker knows our group', {
        cause: refused,
      });
    }
    return undefined;
  });
  ctx.host.onGroupName?.(groupName);
  return groupName;
}

/** 60 to every tracker at once, until at least one answers (§9.13 start-up step 2). */
async function askOwnAddress(
  ctx: StartupContext,
  groupName: string,
): Promise<(readonly string[] | undefined)[]> {
  const answers: (readonly string[] | undefined)[] = ctx.trackers.map(() => undefined);
  await rounds(ctx, 'GET_MY_IP (60)', async () => {
    await Promise.all(
      ctx.trackers.map(async (tracker, i) => {
        try {
          const ips = await withShortConnection(tracker, ctx.link, true, ({ conn }) =>
            getMyIp(conn, groupName, ctx.identity.port),
          );
          answers[i] = ips;
          ctx.host.onOwnAddress(ips, tracker);
        } catch (err) {
          ctx.logger.warn({ tracker: trackerLabel(tracker), err: (err as Error).message }, '60');
        }
      }),
    );
    return answers.some((a) => a !== undefined) ? true : undefined;
  });
  return answers;
}

/** A storage_ids.conf line naming our group, port and one of our addresses. */
export function matchOwnId(
  entries: readonly StorageIdLine[],
  groupName: string,
  ips: readonly string[],
  port: number,
): string | undefined {
  return entries.find(
    (e) =>
      e.groupName === groupName &&
      (e.port === 0 || e.port === port) &&
      e.ips.some((ip) => ips.includes(ip)),
  )?.id;
}

interface IdsAndId {
  storageIds: StorageIdLine[];
  ownId: string;
}

/** 69 (paginated) and, when neither server_id nor the list names us, 70 on the same connection. */
async function fetchIdsAndOwnId(
  ctx: StartupContext,
  groupName: string,
  ownIps: readonly string[],
): Promise<IdsAndId> {
  const { port, serverId } = ctx.identity;
  return rounds(ctx, 'FETCH_STORAGE_IDS (69)', () =>
    firstAnswer(ctx, '69', false, async ({ conn }) => {
      const storageIds = await fetchStorageIds(conn);
      const known = serverId ?? matchOwnId(storageIds, groupName, ownIps, port);
      if (known !== undefined) return { storageIds, ownId: known };
      try {
        return { storageIds, ownId: await getServerId(conn, groupName, ownIps[0]!, port) };
      } catch (err) {
        if (statusOf(err) === undefined) throw err;
        throw new FdfsError(
          'ERR_CONFIG',
          `storage ${ownIps[0]}:${port} of group ${groupName} is not in storage_ids.conf`,
          { cause: err },
        );
      }
    }),
  );
}

/** Without storage ids our id is our IP; an IPv6 address gets the tracker's short code (70). */
async function idWithoutStorageIds(
  ctx: StartupContext,
  groupName: string,
  ownIp: string,
): Promise<string> {
  if (isIP(ownIp) !== 6) return ownIp;
  return rounds(ctx, 'GET_SERVER_ID (70)', () =>
    firstAnswer(ctx, '70', false, ({ conn }) =>
      getServerId(conn, groupName, ownIp, ctx.identity.port),
    ),
  );
}

/**
 * §9.13 start-up step 6 (storage ids off, storage_ip_changed_auto_adjust on, not the first
 * start): 78 to every tracker when our address changed, then rounds of 77 with group and id on
 * short connections until one tracker answers 0 or ENOENT.
 */
async function ipChangeStep(
  ctx: StartupContext,
  groupName: string,
  ownId: string,
  ipsByTracker: readonly (readonly string[] | undefined)[],
): Promise<void> {
  const oldIp = ctx.identity.lastIpAddr;
  const newIp = ipsByTracker.find((a) => a !== undefined)![0]!;
  if (oldIp !== newIp) {
    await rounds(ctx, 'REPORT_IP_CHANGED (78)', async () => {
      let done = 0;
      for (const [i, tracker] of ctx.trackers.entries()) {
        const request = { groupName, oldIp, newIp: ipsByTracker[i]?.[0] ?? newIp };
        try {
          await withShortConnection(tracker, ctx.link, true, ({ conn }) =>
            reportIpChanged(conn, request),
          );
          done++;
        } catch (err) {
          if (IP_CHANGED_DONE.has(statusOf(err) ?? -1)) done++;
          else
            ctx.logger.warn({ tracker: trackerLabel(tracker), err: (err as Error).message }, '78');
        }
      }
      return done > 0 ? true : undefined;
    });
  }
  await rounds(ctx, 'CHANGELOG_REQ (77)', async () => {
    let done = 0;
    for (const tracker of ctx.trackers) {
      try {
        const body = await withShortConnection(tracker, ctx.link, true, ({ conn }) =>
          changelogReq(conn, { groupName, storageId: ownId }),
        );
        const entries = parseChangelogReply(body, groupName);
        if (entries.length > 0) ctx.host.onChangelog?.(entries);
        done++;
      } catch (err) {
        if (statusOf(err) === Errno.ENOENT) done++;
        else ctx.logger.warn({ tracker: trackerLabel(tracker), err: (err as Error).message }, '77');
      }
    }
    return done > 0 ? true : undefined;
  });
}

/** Run the whole sequence; rejects with ERR_ABORTED when the link's signal fires. */
export async function runStartup(ctx: StartupContext): Promise<StartupResult> {
  const groupName = await resolveGroupName(ctx);
  const ipsByTracker = await askOwnAddress(ctx, groupName);
  const ownIps = ipsByTracker.find((a) => a !== undefined)!;
  const params = await rounds(ctx, 'PARAMETER_REQ (75)', () =>
    firstAnswer(ctx, '75', false, ({ conn }) => parameterReq(conn)),
  );
  await ctx.host.onParameters(params);
  let storageIds: StorageIdLine[] = [];
  let ownId: string;
  if (params.useStorageId) {
    ({ storageIds, ownId } = await fetchIdsAndOwnId(ctx, groupName, ownIps));
    ctx.host.onStorageIds(storageIds);
  } else {
    ownId = await idWithoutStorageIds(ctx, groupName, ownIps[0]!);
  }
  ctx.host.onOwnId(ownId);
  if (!params.useStorageId && params.storageIpChangedAutoAdjust && ctx.identity.lastIpAddr !== '') {
    await ipChangeStep(ctx, groupName, ownId, ipsByTracker);
  }
  return { groupName, ipsByTracker, ownIps, params, storageIds, ownId };
}
