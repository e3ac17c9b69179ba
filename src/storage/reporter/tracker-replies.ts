// What a reporter does with a tracker's answers (§5.3): the sync response of 83/84/89 (leader,
// trunk server, member list — the last two only from the leader) and the changelog of 77, which
// can move our sync source (C: tracker_check_response, tracker_deal_changelog_response).
import { StorageStatus } from '../../protocol/status.js';
import type { BeatResponse } from '../../protocol/structs/beat-response.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';
import { parseChangelogReply } from './changelog.js';
import { checkTwoLeaders } from './leader-check.js';
import type { ReporterScope } from './reporter-context.js';

/** What the caller must do after a reply. */
export interface ReplyOutcome {
  /** The leader moved us back below a status it gave us before: join again (C). */
  needRejoin: boolean;
}

export function handleSyncResponse(scope: ReporterScope, reply: BeatResponse | null): ReplyOutcome {
  if (!reply) return { needRejoin: false };
  if (reply.leader) onLeaderBrief(scope, reply.leader);
  if (reply.trunkServer) {
    const trunk = reply.trunkServer;
    scope.ctx.host.onTrunkServer?.(trunk.ipAddr === '' && trunk.id === '' ? null : trunk);
  }
  return { needRejoin: reply.groupServers ? onMembers(scope, reply.groupServers) : false };
}

/** An all-zero brief means "no leader"; a leader we do not have in tracker_server is logged. */
function onLeaderBrief(scope: ReporterScope, brief: StorageBrief): void {
  const { ctx, log } = scope;
  const { state, host, events } = ctx;
  if (brief.ipAddr === '') {
    if (state.setLeader(-1)) {
      host.onLeader(null);
      events.emit('leader', null);
    }
    return;
  }
  const index = state.trackerIndexOf(brief.ipAddr, brief.port);
  if (index < 0) {
    log.warn({ leader: `${brief.ipAddr}:${brief.port}` }, 'leader is not a configured tracker');
    return;
  }
  const previous = state.leaderIndex;
  if (previous >= 0 && previous !== index) void checkTwoLeaders(scope, previous, index);
  if (state.setLeader(index)) {
    host.onLeader(brief);
    events.emit('leader', brief);
  }
}

/** Returns needRejoin. */
function onMembers({ ctx, index }: ReporterScope, list: readonly StorageBrief[]): boolean {
  const { state, host, events } = ctx;
  if (!state.acceptsMembersFrom(index)) return false;
  const { own, needRejoin } = state.acceptMembers(list, ctx.now());
  if (own) {
    state.setTrackerStatus(index, own.status);
    host.onStatus(own.status, index === state.leaderIndex);
    events.emit('status', own.status, index === state.leaderIndex);
  }
  host.onGroupMembers(list);
  events.emit('members', list);
  return needRejoin;
}

/** Our sync source changed for a reason other than 87: remember it and let the host persist it. */
export async function setSyncSource(
  { ctx, log }: ReporterScope,
  source: SyncBody,
  cause: 'cleared' | 'renamed',
): Promise<void> {
  log.info({ source, cause }, 'sync source changed');
  ctx.state.syncSource = source;
  await ctx.host.onSyncSource(source, cause);
}

/** 77's lines: tell the host, and follow our sync source when it is deleted or renamed (C). */
export async function applyChangelog(scope: ReporterScope, body: Buffer): Promise<void> {
  const { state, host } = scope.ctx;
  const entries = parseChangelogReply(body, state.self.groupName);
  if (entries.length === 0) return;
  host.onChangelog?.(entries);
  for (const e of entries) {
    if (e.oldId !== state.syncSource.srcId) continue;
    if (e.status === StorageStatus.DELETED) {
      await setSyncSource(scope, { ...state.syncSource, srcId: '' }, 'cleared');
    } else if (!state.self.useStorageId && e.newId !== '') {
      await setSyncSource(scope, { ...state.syncSource, srcId: e.newId }, 'renamed');
    }
  }
}
