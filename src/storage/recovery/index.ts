// Disk recovery for a StorageServer (§8.8): which store paths need it (their data folder had to be
// made although sync_old_done = 1, or a `.recovery.flag` was left by an unfinished run), and the
// trackers and peers they are recovered through. Runs between the start-up sequence and the
// report loops, so we join only once every path is whole again.
import type { StorageConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import { StorageClient, storagePoolOptions } from '../../client/storage-client.js';
import { PoolSet } from '../../common/pool.js';
import { decodeFileId } from '../../protocol/file-id/index.js';
import type { StartupResult } from '../reporter/index.js';
import { localAddressFor, type LinkOptions } from '../reporter/tracker-link.js';
import type { Store } from '../store/index.js';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { formatRecoveryFlag, recoveryFlagPath, STATUS_UNKNOWN } from './recovery-files.js';
import { hasRecoveryFlag, recoverStorePath, type PathRecoveryResult } from './disk-recovery.js';
import { NetworkSource, sourceCandidates } from './source.js';
import { fetchGroupView, reportStatusToAll, type GroupView } from './tracker-calls.js';

export { recoverStorePath, type PathRecoveryResult, type RecoveryEnv } from './disk-recovery.js';
export { pathBinlogLines, pathBinlogStream } from './path-binlog.js';

export interface DiskRecoveryOptions {
  config: StorageConfig;
  store: Store;
  startup: StartupResult;
  link: LinkOptions;
  port: number;
  logger: Logger;
}

/**
 * Flag each store path that came back empty at once, with 99 / 0 / −1 as C's prepare step does:
 * a crash before the recovery proper (during the tracker start-up sequence, say) must not leave
 * the path empty for good, since it is whole-looking on the next start.
 */
export async function flagPathsToRecover(store: Store): Promise<void> {
  for (const index of store.needsRecovery) {
    const { dataDir } = store.layout.storePath(index);
    if (await hasRecoveryFlag(dataDir)) continue;
    await writeFileAtomic(
      recoveryFlagPath(dataDir),
      formatRecoveryFlag({
        savedStorageStatus: STATUS_UNKNOWN,
        fetchBinlogDone: false,
        recoveryThreads: -1,
      }),
    );
  }
}

/** The store paths to recover, in index order. */
export async function pathsToRecover(store: Store): Promise<number[]> {
  const out: number[] = [];
  for (const p of store.layout.paths) {
    if (store.needsRecovery.includes(p.index) || (await hasRecoveryFlag(p.dataDir))) {
      out.push(p.index);
    }
  }
  return out;
}

/** The size a file name encodes, or undefined when it is not a decodable normal name. */
function sizeOfName(groupName: string, logicName: string): number | undefined {
  try {
    const decoded = decodeFileId(`${groupName}/${logicName}`);
    return decoded.kind === 'normal' && decoded.fileSize !== null
      ? Number(decoded.fileSize)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function runDiskRecovery(o: DiskRecoveryOptions): Promise<PathRecoveryResult[]> {
  const paths = await pathsToRecover(o.store);
  if (paths.length === 0) return [];
  const { startup, link, config } = o;
  const logger = o.logger.child({ component: 'disk-recovery' });
  const groupName = startup.groupName;
  const self = { id: startup.ownId, ip: startup.ownIps[0] ?? '', port: o.port };
  // Every connection binds to bind_addr when client_bind is on (§16 #7), as the reporters' do.
  const bindAddress = link.bindAddrs[0];
  const pools = new PoolSet(
    storagePoolOptions({
      connectTimeoutMs: link.connectTimeoutMs,
      networkTimeoutMs: link.networkTimeoutMs,
      ...(bindAddress === undefined ? {} : { localAddress: bindAddress }),
    }),
  );
  const client = new StorageClient({ pools });
  let view: GroupView | undefined;
  let turn = 0;
  const askView = async (): Promise<GroupView | undefined> => {
    view = await fetchGroupView(config.trackerServers, link, groupName, self, logger);
    return view;
  };
  const results: PathRecoveryResult[] = [];
  try {
    for (const storePathIndex of paths) {
      const result = await recoverStorePath(
        {
          layout: o.store.layout,
          threads: config.diskRecoveryThreads,
          logger,
          signal: link.signal,
          groupView: async () => {
            for (;;) {
              const v = await askView();
              if (v) {
                return {
                  status: v.status,
                  storageCount: v.storages.length,
                  storePathCount: v.group.storePathCount,
                };
              }
              if (link.signal.aborted) throw new Error('disk recovery stopped');
              await new Promise((r) => setTimeout(r, 1000).unref());
            }
          },
          pickSource: async () => {
            const v = (await askView()) ?? view;
            const candidates = v ? sourceCandidates(v.storages, self) : [];
            if (candidates.length === 0) return undefined;
            const s = candidates[turn++ % candidates.length]!;
            return new NetworkSource({
              groupName,
              host: s.ipAddr,
              port: s.storagePort,
              client,
              connectTimeoutMs: link.connectTimeoutMs,
              networkTimeoutMs: link.networkTimeoutMs,
              signal: link.signal,
              ...(bindAddress === undefined
                ? {}
                : { localAddress: localAddressFor(s.ipAddr, link.bindAddrs) ?? bindAddress }),
            });
          },
          reportStatus: async (status) => {
            const accepted = await reportStatusToAll(
              config.trackerServers,
              link,
              groupName,
              { id: self.id, ipAddr: self.ip, port: self.port, status },
              logger,
            );
            logger.info({ status, accepted }, 'disk recovery: status reported to the trackers');
          },
          sizeOfName: (name) => sizeOfName(groupName, name),
        },
        storePathIndex,
      );
      results.push(result);
    }
  } finally {
    await client.close();
    await pools.close();
  }
  return results;
}
