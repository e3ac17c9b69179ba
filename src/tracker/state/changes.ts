// What the caller must save now (§9.9, §16 #11). The state never touches the disk; it only says
// which files are out of date and which changelog lines to append.

/** One line of storage_changelog.dat: `<time> <group> <storage_id> <status> <new_id>\n` (§9.9). */
export interface ChangelogEntry {
  time: number;
  groupName: string;
  storageId: string;
  status: number;
  /** The new IP for IP_CHANGED; empty for DELETED (the line then ends with a space). */
  newId: string;
}

export function formatChangelogLine(entry: ChangelogEntry): string {
  return `${entry.time} ${entry.groupName} ${entry.storageId} ${entry.status} ${entry.newId}\n`;
}

export interface PendingSaves {
  /** storage_groups_new.dat must be rewritten. */
  groups: boolean;
  /** storage_servers_new.dat must be rewritten (every status change, §16 #11). */
  storages: boolean;
  /** storage_sync_timestamp.dat must be rewritten. */
  syncTimestamps: boolean;
  /** Lines to append to storage_changelog.dat, in order. */
  changelog: ChangelogEntry[];
}

export class ChangeTracker {
  private pending: PendingSaves = ChangeTracker.none();

  private static none(): PendingSaves {
    return { groups: false, storages: false, syncTimestamps: false, changelog: [] };
  }

  markGroups(): void {
    this.pending.groups = true;
  }

  markStorages(): void {
    this.pending.storages = true;
  }

  markSyncTimestamps(): void {
    this.pending.syncTimestamps = true;
  }

  appendChangelog(entry: ChangelogEntry): void {
    this.pending.changelog.push(entry);
  }

  get hasPending(): boolean {
    const p = this.pending;
    return p.groups || p.storages || p.syncTimestamps || p.changelog.length > 0;
  }

  /** Returns what is pending and forgets it. */
  take(): PendingSaves {
    const taken = this.pending;
    this.pending = ChangeTracker.none();
    return taken;
  }
}
