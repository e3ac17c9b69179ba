// The configuration of the local cluster behind `npm start` / `fdfs dev`: one tracker and two
// storages of group1 on 127.0.0.1, told apart by storage ids with ip:port (§16 #13), so that it
// runs on one address (macOS has only 127.0.0.1). File names carry the source's id
// (use_storage_id = true, id_type_in_filename = id). Everything lives under one data folder;
// the files are rewritten at each start and the data under them is kept.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DEV_HOST = '127.0.0.1';
export const DEV_GROUP = 'group1';

export interface DevPorts {
  tracker: number;
  /** The first storage's; the second uses the next port. */
  storage: number;
}

export interface DevStorageLayout {
  id: string;
  port: number;
  dir: string;
  configPath: string;
}

export interface DevLayout {
  dataDir: string;
  trackerDir: string;
  trackerConfigPath: string;
  storageIdsPath: string;
  clientConfigPath: string;
  trackerAddress: string;
  storages: DevStorageLayout[];
}

export function devLayout(dataDir: string, ports: DevPorts): DevLayout {
  const root = resolve(dataDir);
  return {
    dataDir: root,
    trackerDir: join(root, 'tracker'),
    trackerConfigPath: join(root, 'tracker.conf'),
    storageIdsPath: join(root, 'storage_ids.conf'),
    clientConfigPath: join(root, 'client.conf'),
    trackerAddress: `${DEV_HOST}:${ports.tracker}`,
    storages: [1, 2].map((n) => ({
      id: `10000${n}`,
      port: ports.storage + n - 1,
      dir: join(root, `storage${n}`),
      configPath: join(root, `storage${n}.conf`),
    })),
  };
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** Write every configuration file and create the folders. */
export async function writeDevConfig(layout: DevLayout): Promise<void> {
  await mkdir(layout.trackerDir, { recursive: true });
  const header = '# Written by `fdfs dev` at each start: edit the command, not this file.';
  await writeFile(
    layout.storageIdsPath,
    lines(header, ...layout.storages.map((s) => `${s.id} ${DEV_GROUP} ${DEV_HOST}:${s.port}`)),
  );
  await writeFile(
    layout.trackerConfigPath,
    lines(
      header,
      `base_path = ${layout.trackerDir}`,
      `bind_addr = ${DEV_HOST}`,
      `port = ${layout.trackerAddress.split(':')[1]}`,
      'reserved_storage_space = 1%',
      'use_storage_id = true',
      `storage_ids_filename = ${layout.storageIdsPath}`,
      'id_type_in_filename = id',
      'log_level = info',
    ),
  );
  for (const s of layout.storages) {
    await mkdir(join(s.dir, 'store0'), { recursive: true });
    await writeFile(
      s.configPath,
      lines(
        header,
        `group_name = ${DEV_GROUP}`,
        `bind_addr = ${DEV_HOST}`,
        `port = ${s.port}`,
        `base_path = ${s.dir}`,
        'store_path_count = 1',
        `store_path0 = ${join(s.dir, 'store0')}`,
        'subdir_count_per_path = 16',
        `tracker_server = ${layout.trackerAddress}`,
        'heart_beat_interval = 2',
        'stat_report_interval = 5',
        'log_level = info',
      ),
    );
  }
  await writeFile(
    layout.clientConfigPath,
    lines(
      header,
      `base_path = ${layout.dataDir}`,
      `tracker_server = ${layout.trackerAddress}`,
      'connect_timeout = 5',
      'network_timeout = 30',
      'use_connection_pool = true',
      'use_storage_id = true',
      `storage_ids_filename = ${layout.storageIdsPath}`,
    ),
  );
}
