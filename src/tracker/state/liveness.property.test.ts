// Property: whatever storages do (join, beat, disk reports, disconnect) and however time passes,
// a query never returns a storage that is not ACTIVE, nor one silent for longer than
// check_active_interval (§9.3), whether or not the periodic check has run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StorageStatus } from '../../protocol/status.js';
import { ClusterState, type StorageAddress } from './cluster-state.js';
import type { FileSource } from './download-selection.js';
import type { Outcome } from './outcome.js';
import { makePolicy } from './policy.js';

const INTERVAL = 100;
const IPS = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'];
const GROUP_OF = (i: number) => (i < 2 ? 'group1' : 'group2');

type Op =
  | { kind: 'join'; who: number; init: boolean }
  | { kind: 'beat'; who: number }
  | { kind: 'disk'; who: number; free: number }
  | { kind: 'disconnect'; who: number }
  | { kind: 'syncDestReq'; who: number }
  | { kind: 'tick' }
  | { kind: 'wait'; seconds: number }
  | { kind: 'query'; which: 'store' | 'fetch' | 'fetchAll' | 'update'; file: FileSource };

const who = fc.integer({ min: 0, max: IPS.length - 1 });
const fileArb = fc.record({
  source: fc.constantFrom(...IPS, ''),
  timestamp: fc.integer({ min: 500, max: 3000 }),
  kind: fc.constantFrom('normal' as const, 'appender' as const, 'slave' as const),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), who, init: fc.boolean() }),
  fc.record({ kind: fc.constant('beat' as const), who }),
  fc.record({ kind: fc.constant('disk' as const), who, free: fc.integer({ min: 0, max: 1000 }) }),
  fc.record({ kind: fc.constant('disconnect' as const), who }),
  fc.record({ kind: fc.constant('syncDestReq' as const), who }),
  fc.record({ kind: fc.constant('tick' as const) }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 0, max: 150 }) }),
  fc.record({
    kind: fc.constant('query' as const),
    which: fc.constantFrom(
      'store' as const,
      'fetch' as const,
      'fetchAll' as const,
      'update' as const,
    ),
    file: fileArb,
  }),
);

function returned(
  outcome: Outcome<StorageAddress | StorageAddress[] | { storages: StorageAddress[] }>,
) {
  if (!outcome.ok) return [];
  const v = outcome.value;
  return Array.isArray(v) ? v : 'storages' in v ? v.storages : [v];
}

test('queries only return ACTIVE storages that beat within check_active_interval', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
      const state = new ClusterState(
        makePolicy({ checkActiveInterval: INTERVAL, reservedSpace: { kind: 'mb', mb: 10 } }),
      );
      let now = 1000;
      const lastBeat = new Map<string, number>();
      const joined = new Set<number>();
      const key = (i: number) => ({ groupName: GROUP_OF(i), storageId: IPS[i]! });
      for (const op of ops) {
        switch (op.kind) {
          case 'join':
            if (
              state.join({
                groupName: GROUP_OF(op.who),
                peerIp: IPS[op.who]!,
                port: 23000,
                storePathCount: 1,
                subdirCountPerPath: 256,
                uploadPriority: 10,
                joinTime: now,
                upTime: now,
                version: '6.16.1',
                initFlag: op.init,
                status: op.init ? StorageStatus.INIT : StorageStatus.ACTIVE,
                storageId: '',
              }).ok
            ) {
              joined.add(op.who);
            }
            break;
          case 'beat':
            if (joined.has(op.who) && state.beat(key(op.who), null, now).ok) {
              lastBeat.set(IPS[op.who]!, now);
            }
            break;
          case 'disk':
            if (joined.has(op.who)) {
              state.reportDiskUsage(key(op.who), [{ totalMb: 1000, freeMb: op.free }]);
            }
            break;
          case 'disconnect':
            if (joined.delete(op.who)) state.disconnect(key(op.who));
            break;
          case 'syncDestReq':
            if (joined.has(op.who)) state.syncDestReq(key(op.who), now);
            break;
          case 'tick':
            state.checkHeartbeats(now);
            break;
          case 'wait':
            now += op.seconds;
            break;
          case 'query': {
            const group = GROUP_OF(
              IPS.indexOf(op.file.source) < 0 ? 0 : IPS.indexOf(op.file.source),
            );
            const outcome =
              op.which === 'store'
                ? state.queryStore({}, now)
                : op.which === 'fetch'
                  ? state.queryFetch(group, op.file, now)
                  : op.which === 'fetchAll'
                    ? state.queryFetchAll(group, op.file, now)
                    : state.queryUpdate(group, op.file, now);
            for (const storage of returned(outcome)) {
              const groupName = GROUP_OF(IPS.indexOf(storage.ip));
              const status = state.storage(groupName, storage.id)?.status;
              assert.equal(status, StorageStatus.ACTIVE, `${storage.id} returned while ${status}`);
              const beat = lastBeat.get(storage.id) ?? Number.NEGATIVE_INFINITY;
              assert.ok(now - beat <= INTERVAL, `${storage.id} silent since ${beat}, now ${now}`);
            }
            break;
          }
        }
      }
    }),
    { numRuns: 300 },
  );
});
