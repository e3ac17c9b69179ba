// Look-ups in storage_ids.conf (§10.4). Entries with `ip:port` let several storages share one
// address (§16 #13), so an address look-up always takes the port too.
import type { StorageIdEntry } from './policy.js';

export class StorageIdTable {
  private readonly byIdMap = new Map<string, StorageIdEntry>();
  private readonly byAddressMap = new Map<string, StorageIdEntry>();

  constructor(private readonly entries: readonly StorageIdEntry[]) {
    for (const entry of entries) {
      this.byIdMap.set(entry.id, entry);
      for (const ip of entry.ips) {
        const key = `${ip}|${entry.port}`;
        if (!this.byAddressMap.has(key)) this.byAddressMap.set(key, entry);
      }
    }
  }

  byId(id: string): StorageIdEntry | undefined {
    return this.byIdMap.get(id);
  }

  /** The entry for (ip, port); an entry without a port (0) matches any port, as in the C look-up. */
  byAddress(ip: string, port: number): StorageIdEntry | undefined {
    return this.byAddressMap.get(`${ip}|${port}`) ?? this.byAddressMap.get(`${ip}|0`);
  }

  /** The first entry of `groupName` that lists `ip` (file names carry no port, §7.2). */
  byGroupAndIp(groupName: string, ip: string): StorageIdEntry | undefined {
    return this.entries.find((e) => e.groupName === groupName && e.ips.includes(ip));
  }
}
