// The repeatable `tracker_server` key of storage.conf, client.conf and (ours) tracker.conf.
import { MAX_TRACKERS } from '../../protocol/constants.js';
import { FdfsError } from '../errors.js';
import type { ConfigReader } from './reader.js';
import { formatHostPort, parseTrackerAddress, type TrackerAddress } from './values.js';

/** Every `tracker_server` line (at most 16); a repeated address warns and is kept once. */
export function readTrackerServers(r: ConfigReader, required: boolean): readonly TrackerAddress[] {
  const entries = r.all('tracker_server').filter((e) => e.value !== '');
  if (required && entries.length === 0) r.require('tracker_server');
  const seen = new Set<string>();
  const trackers: TrackerAddress[] = [];
  for (const e of entries) {
    const address = parseTrackerAddress(e.value, e);
    const text = formatHostPort(address);
    if (seen.has(text)) {
      r.warnings.push(`${e.file}:${e.line}: tracker_server ${text} is listed twice (ignored)`);
      continue;
    }
    seen.add(text);
    trackers.push(address);
  }
  if (trackers.length > MAX_TRACKERS) {
    const last = entries[entries.length - 1]!;
    throw new FdfsError(
      'ERR_CONFIG',
      `${last.file}:${last.line}: tracker_server: ${trackers.length} trackers, at most ${MAX_TRACKERS} are allowed`,
    );
  }
  return trackers;
}
