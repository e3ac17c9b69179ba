// Executes the commands of the scenario scripts (testdata/*.txt) against one ClusterState.
// Test support only: scenarios.test.ts feeds it and compares what it prints.
import { formatChangelogLine } from './changes.js';
import { ClusterState } from './cluster-state.js';
import type { FileSource } from './download-selection.js';
import { makePolicy, type TrackerPolicy } from './policy.js';
import {
  Args,
  caption,
  copyThroughJson,
  decodeLogicName,
  dumpState,
  formatAddress,
  formatGroupStat,
  formatOutcome,
  formatSource,
  formatStorageStat,
  parseIdLine,
  parseReserved,
  parseStatus,
} from './scenario-format.test.helper.js';
import { emptyCounters } from './stats.js';
import type { StorageKey } from './status-rules.js';

type Command = (args: Args, input: readonly string[]) => string;

export class ScenarioDriver {
  private policy: TrackerPolicy = makePolicy();
  private state = new ClusterState(this.policy);
  private now = 1000;
  private readonly conns = new Map<string, StorageKey>();
  private readonly commands: Record<string, Command> = {
    config: (a, input) => this.config(a, input),
    join: (a) => this.join(a),
    beat: (a) => this.beat(a),
    disk: (a) => this.disk(a),
    'sync-report': (a) => this.syncReport(a),
    tick: () => this.tick(),
    disconnect: (a) => this.disconnect(a),
    'status-report': (a) => this.statusReport(a),
    'replica-chg': (a, input) => this.replicaChange(a, input),
    'change-status': (a) => this.changeStatus(a),
    'sync-dest-req': (a) => this.syncDestReq(a),
    'sync-notify': (a) => this.syncNotify(a),
    'sync-src-req': (a) => this.syncSrcReq(a),
    'sync-dest-query': (a) => this.syncDestQuery(a),
    'query-store': (a) => this.queryStore(a, false),
    'query-store-all': (a) => this.queryStore(a, true),
    'query-fetch': (a) => this.queryFetch(a),
    'query-update': (a) => this.queryUpdate(a),
    'query-fetch-all': (a) => this.queryFetchAll(a),
    'list-groups': () => this.state.listGroups().map(formatGroupStat).join('\n') || '(none)',
    'list-storages': (a) => this.listStorages(a),
    'delete-storage': (a) => this.deleteStorage(a),
    'delete-group': (a) => formatOutcome(this.state.deleteGroup(a.str('group')), () => 'ok'),
    briefs: (a) => this.briefs(a),
    'ip-changed': (a) => this.ipChanged(a),
    changelog: (a) => this.changelog(a),
    'storage-status': (a) => this.storageStatus(a),
    saves: () => this.saves(),
    restart: () => this.restart(),
    dump: () => dumpState(this.state),
  };

  run(line: string, input: readonly string[]): string {
    const [name, ...words] = line.trim().split(/\s+/);
    const command = name === undefined ? undefined : this.commands[name];
    if (!command) throw new Error(`unknown command: ${line}`);
    const args = new Args(words);
    if (args.has('time')) this.now = args.num('time');
    return command(args, input);
  }

  private config(a: Args, input: readonly string[]): string {
    const useStorageId = a.num('use_storage_id', input.length > 0 ? 1 : 0) === 1;
    this.policy = makePolicy({
      storeLookup: a.num('store_lookup', 0) as 0 | 1 | 2,
      storeGroup: a.str('store_group', ''),
      storeServer: a.num('store_server', 0) as 0 | 1 | 2,
      storePath: a.num('store_path', 0) as 0 | 2,
      downloadServer: a.num('download_server', 0) as 0 | 1,
      reservedSpace: parseReserved(a.str('reserved', '1024MB')),
      checkActiveInterval: a.num('check_active_interval', 100),
      storageSyncFileMaxDelay: a.num('sync_max_delay', 86400),
      storageSyncFileMaxTime: a.num('sync_max_time', 300),
      useStorageId,
      idTypeInFilename: a.str('id_type', 'ip') === 'id' ? 'id' : 'ip',
      trustStorageServerId: a.num('trust_id', 1) === 1,
      storageIds: input.map(parseIdLine),
    });
    this.state = new ClusterState(this.policy);
    this.conns.clear();
    return 'ok';
  }

  /** The joined connection named by ip= (and port= when several share the address). */
  private conn(a: Args): StorageKey {
    const ip = a.str('ip');
    const port = a.optional('port');
    if (port !== undefined) {
      const key = this.conns.get(`${ip}:${port}`);
      if (!key) throw new Error(`no joined connection from ${ip}:${port}`);
      return key;
    }
    const matches = [...this.conns].filter(([k]) => k.startsWith(`${ip}:`));
    if (matches.length !== 1) throw new Error(`${matches.length} joined connections from ${ip}`);
    return matches[0]![1];
  }

  private statusOf(key: StorageKey): string {
    const record = this.state.storage(key.groupName, key.storageId);
    return record ? caption(record.status) : 'GONE';
  }

  private join(a: Args): string {
    const ip = a.str('ip');
    const port = a.num('port', 23000);
    const result = this.state.join({
      groupName: a.str('group'),
      peerIp: ip,
      port,
      storePathCount: a.num('paths', 1),
      subdirCountPerPath: a.num('subdirs', 256),
      uploadPriority: a.num('priority', 10),
      joinTime: a.num('join_time', this.now),
      upTime: this.now,
      version: a.str('version', '6.16.1'),
      initFlag: a.num('init', 1) === 1,
      status: a.has('status') ? parseStatus(a.str('status')) : 0,
      storageId: a.str('id', ''),
    });
    if (result.ok) {
      const { groupName, storageId } = result.value;
      this.conns.set(`${ip}:${port}`, { groupName, storageId });
    }
    return formatOutcome(
      result,
      (v) => `ok id=${v.storageId} status=${caption(v.status)} src=${v.syncSrcId}`,
    );
  }

  private beat(a: Args): string {
    const key = this.conn(a);
    const uploads = a.optional('uploads');
    const stats =
      uploads === undefined
        ? null
        : {
            connection: { allocCount: 1, currentCount: 1, maxCount: 1 },
            counters: { ...emptyCounters(), total_upload_count: BigInt(uploads) },
            lastSourceUpdate: this.now,
            lastSyncUpdate: 0,
          };
    return formatOutcome(
      this.state.beat(key, stats, this.now),
      () => `ok status=${this.statusOf(key)}`,
    );
  }

  private disk(a: Args): string {
    const key = this.conn(a);
    const paths = a
      .str('paths')
      .split(',')
      .map((p) => {
        const [total, free] = p.split('/').map(Number);
        return { totalMb: total ?? 0, freeMb: free ?? 0 };
      });
    return formatOutcome(
      this.state.reportDiskUsage(key, paths),
      () => `ok status=${this.statusOf(key)}`,
    );
  }

  private syncReport(a: Args): string {
    const key = this.conn(a);
    const entries = a
      .str('src')
      .split(',')
      .map((e) => {
        const colon = e.lastIndexOf(':');
        return { srcId: e.slice(0, colon), timestamp: Number(e.slice(colon + 1)) };
      });
    return formatOutcome(this.state.syncReport(key, entries), () => {
      const record = this.state.storage(key.groupName, key.storageId);
      return `ok synced=${record?.lastSyncedTimestamp ?? 0}`;
    });
  }

  private tick(): string {
    const expired = this.state.checkHeartbeats(this.now);
    if (expired.length === 0) return 'no change';
    return `offline: ${expired.map((k) => `${k.groupName}/${k.storageId}`).join(' ')}`;
  }

  private disconnect(a: Args): string {
    const key = this.conn(a);
    this.state.disconnect(key);
    for (const [k, v] of this.conns) if (v === key) this.conns.delete(k);
    return `ok status=${this.statusOf(key)}`;
  }

  private statusReport(a: Args): string {
    const groupName = a.str('group');
    const id = a.str('id');
    const brief = {
      id,
      ip: a.str('ip', id),
      port: a.num('port', 0),
      status: parseStatus(a.str('status')),
    };
    return formatOutcome(
      this.state.reportStatus(groupName, brief),
      () => `ok ${id}=${this.statusOf({ groupName, storageId: id })}`,
    );
  }

  private replicaChange(a: Args, input: readonly string[]): string {
    const groupName = a.str('group');
    const briefs = input.map((line) => {
      const [id = '', ip = '', status = ''] = line.trim().split(/\s+/);
      return { id, ip, port: 0, status: parseStatus(status) };
    });
    return formatOutcome(this.state.replicaChange(groupName, briefs), () =>
      briefs.map((b) => `${b.id}=${this.statusOf({ groupName, storageId: b.id })}`).join(' '),
    );
  }

  private changeStatus(a: Args): string {
    const key = this.conn(a);
    const outcome = this.state.changeStatus(key, parseStatus(a.str('status')));
    return formatOutcome(outcome, (s) => `ok status=${caption(s)}`);
  }

  private syncDestReq(a: Args): string {
    const key = this.conn(a);
    return formatOutcome(
      this.state.syncDestReq(key, this.now),
      (s) => `ok ${formatSource(s)} status=${this.statusOf(key)}`,
    );
  }

  private syncNotify(a: Args): string {
    const key = this.conn(a);
    const body = { srcId: a.str('src', ''), untilTimestamp: a.num('until', 0) };
    return formatOutcome(this.state.syncNotify(key, body), () => `ok status=${this.statusOf(key)}`);
  }

  private syncSrcReq(a: Args): string {
    return formatOutcome(
      this.state.syncSrcReq(a.str('group'), a.str('dest')),
      (s) => `ok ${formatSource(s)}`,
    );
  }

  private syncDestQuery(a: Args): string {
    return formatOutcome(this.state.syncDestQuery(this.conn(a)), (s) => `ok ${formatSource(s)}`);
  }

  private repeat(a: Args, once: () => string): string {
    const lines: string[] = [];
    for (let i = a.num('n', 1); i > 0; i--) lines.push(once());
    return lines.join('\n');
  }

  private queryStore(a: Args, all: boolean): string {
    const query = { groupName: a.optional('group'), all, requesterIp: a.optional('from') };
    return this.repeat(a, () =>
      formatOutcome(
        this.state.queryStore(query, this.now),
        (t) => `${t.groupName} ${t.storages.map(formatAddress).join(',')} path=${t.storePathIndex}`,
      ),
    );
  }

  /** `file=<logic name>`, or `src= ts=|age= kind=`. */
  private file(a: Args): FileSource {
    const name = a.optional('file');
    if (name !== undefined) return decodeLogicName(name);
    const timestamp = a.has('age') ? this.now - a.num('age') : a.num('ts');
    const kind = a.str('kind', 'normal') as FileSource['kind'];
    return { source: a.str('src', ''), timestamp, kind };
  }

  private queryFetch(a: Args): string {
    const file = this.file(a);
    return this.repeat(a, () =>
      formatOutcome(
        this.state.queryFetch(a.str('group'), file, this.now, a.optional('from')),
        formatAddress,
      ),
    );
  }

  private queryUpdate(a: Args): string {
    const file = this.file(a);
    return this.repeat(a, () =>
      formatOutcome(
        this.state.queryUpdate(a.str('group'), file, this.now, a.optional('from')),
        formatAddress,
      ),
    );
  }

  private queryFetchAll(a: Args): string {
    const outcome = this.state.queryFetchAll(
      a.str('group'),
      this.file(a),
      this.now,
      a.optional('from'),
    );
    return formatOutcome(outcome, (list) => list.map(formatAddress).join(','));
  }

  private listStorages(a: Args): string {
    const outcome = this.state.listStorages(a.str('group'), a.optional('id'), a.optional('from'));
    return formatOutcome(outcome, (list) => list.map(formatStorageStat).join('\n') || '(none)');
  }

  private deleteStorage(a: Args): string {
    const outcome = this.state.deleteStorage(a.str('group'), a.str('id'), this.now);
    return formatOutcome(outcome, () => 'ok');
  }

  private briefs(a: Args): string {
    const groupName = a.str('group');
    const members = this.state
      .memberBriefs(groupName)
      .map((b) => `${b.id}/${b.ip}:${b.port}=${caption(b.status)}`);
    return `changes=${this.state.groupChangeCount(groupName)} ${members.join(' ')}`.trimEnd();
  }

  private ipChanged(a: Args): string {
    const change = {
      groupName: a.str('group'),
      oldIp: a.str('old'),
      newIp: a.str('new'),
      peerIp: a.str('from', a.str('new')),
    };
    return formatOutcome(this.state.reportIpChanged(change, this.now), () => 'ok');
  }

  /** CHANGELOG_REQ: the range read next, then (with `read`) the offset advanced past it. */
  private changelog(a: Args): string {
    const groupName = a.str('group');
    const id = a.str('id');
    const outcome = this.state.changelogRange(groupName, id);
    if (outcome.ok && a.has('read')) {
      this.state.advanceChangelog(groupName, id, outcome.value.length);
    }
    return formatOutcome(outcome, (r) => `ok offset=${r.offset} length=${r.length}`);
  }

  private storageStatus(a: Args): string {
    const outcome = this.state.storageStatus(a.str('group'), a.str('ip'), a.num('port', 23000));
    return formatOutcome(outcome, (b) => `ok ${b.id}/${b.ip}:${b.port}=${caption(b.status)}`);
  }

  private saves(): string {
    const p = this.state.takePendingSaves();
    const lines = [
      `groups=${p.groups ? 1 : 0} storages=${p.storages ? 1 : 0} sync=${p.syncTimestamps ? 1 : 0}`,
    ];
    for (const entry of p.changelog)
      lines.push(`changelog: ${JSON.stringify(formatChangelogLine(entry))}`);
    return lines.join('\n');
  }

  /** A tracker restart: save, start a new state with the same policy, load. */
  private restart(): string {
    const saved = copyThroughJson(this.state.snapshot());
    this.state = new ClusterState(this.policy);
    this.state.restore(saved);
    this.conns.clear();
    return 'ok';
  }
}
