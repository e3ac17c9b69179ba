// The tracker's changelog as CHANGELOG_REQ (77) returns it (§5.3, §9.9): lines
// `<unix_time> <group> <storage_id> <status> <new_id>\n`. A storage keeps the lines of its own group
// that delete a storage or change its IP, and skips anything else, as the C storage does.
import { StorageStatus } from '../../protocol/status.js';
import type { ChangelogEntry } from './host.js';

const FIELD_COUNT = 5;

/** The entries of `groupName` with status DELETED or IP_CHANGED; malformed lines are skipped. */
export function parseChangelogReply(body: Buffer, groupName: string): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [];
  for (const raw of body.toString('utf8').split('\n')) {
    const line = raw.replace(/\0+/g, '');
    if (line === '') continue;
    // A deletion has an empty new id: "ts group id 4 " still splits into five fields.
    const fields = line.split(' ');
    if (fields.length !== FIELD_COUNT) continue;
    const [ts, group, oldId, statusText, newId] = fields as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (group !== groupName || !/^\d+$/.test(statusText) || oldId === '') continue;
    const status = Number(statusText);
    if (status !== StorageStatus.DELETED && status !== StorageStatus.IP_CHANGED) continue;
    entries.push({ timestamp: Number(ts) || 0, groupName: group, oldId, status, newId });
  }
  return entries;
}
