// Where each of the 140 recorded C tool runs (test/vectors/tools/INDEX.json) is compared with our
// tool of the same name (issue 6): replayed byte for byte (tools-replay, the runs whose packets are
// linked), compared on a live cluster of ours (the tools-live* suites below, through the mask of
// docs/CLI.md), compared by test/tools-tracker-stat.test.ts (fdfs_tracker_stat), or excluded with a reason.
// tools-coverage.test.ts fails when a run is in none of them; each live suite fails unless it
// compared every run it is listed with here (LiveComparison.assertAllCompared).
import { loadPackets } from './vectors.js';

/** The live suites (test/<suite>.test.ts) and the recorded runs each compares. */
export const LIVE_CASES = {
  // Cluster A: one tracker, one storage with two store paths.
  'tools-live': [
    'a-upload-hello',
    'a-upload-tgz',
    'a-file-info-hello',
    'a-download-hello',
    'a-delete-tgz',
    'a-upload-appender',
    'a-append-file',
    'a-file-info-appender-appended',
    'a-file-info-appender-appended-n',
    'a-regenerate-filename',
    'a-file-info-regenerated',
    'a-file-info-appender-gone',
    'a-file-info-appender-gone-s',
    'a-test-upload',
    'a-file-info-master',
    'a-test-getmeta',
    'a-test-setmeta-O',
    'a-test-getmeta-after-O',
    'a-test-download',
    'a-test-query-servers',
    'a-file-info-slave',
    'a-file-info-slave-n',
    'a-test-delete-slave',
    'a-file-info-missing-normal',
    'a-test1-upload',
    'a-appender-test',
    'a-monitor-list',
    'a-monitor-group',
    'a-monitor-bad-op',
    'a-storage-stat',
    'a-storage-stat-d',
    'a-volumn-stat',
    'a-volumn-stat-d',
  ],
  // Cluster A's error and usage cases, and the tools that need no server.
  'tools-live-errors': [
    'a-crc32-empty',
    'a-crc32-hello',
    't-crc32-big',
    't-crc32-missing',
    't-delete-bad-id',
    't-download-bad-id',
    't-file-info-no-group',
    't-file-info-short-id',
    't-test-usage',
    't-upload-file-usage',
    't-upload-missing-local',
  ],
  // Cluster A with a second storage in group1, replicating (§8.7 full copy reported done).
  'tools-live-pair': [
    'as-upload-hello',
    'as-upload-pic',
    'as-upload-appender',
    'as-append-file',
    'as-regenerate-filename',
    'as-appender-test',
    'as-delete-hello',
    'as-test-upload',
    'as-test-setmeta-M',
    'as-test-delete-master',
    'as-monitor-list',
    'as-monitor-list-2',
  ],
  // The same pair behind a tracker with response_ip_addr_size = IPv6 (46-byte IP fields).
  'tools-live-ipv6': [
    'x-upload-hello',
    'x-upload-hello-2',
    'x-upload-appender',
    'x-file-info-hello',
    'x-file-info-appender',
    'x-download-hello',
    'x-delete-hello2',
    'x-test-upload',
    'x-file-info-slave',
    'x-test1-upload',
    'x-test-query-servers',
    'x-monitor-list',
    'x-volumn-stat',
  ],
  // Cluster B: storage ids, two trackers, group1 = 100001, group2 = 100003.
  'tools-live-b': [
    'b-upload-hello',
    'b-upload-pic',
    'b-upload-tgz',
    'b-upload-appender',
    'b-append-file',
    'b-regenerate-filename',
    'b-file-info-hello',
    'b-file-info-hello-loadparams',
    'b-file-info-hello-noids',
    'b-file-info-pic',
    'b-file-info-pic-noids',
    'b-file-info-appender',
    'b-download-hello',
    'b-test-upload',
    'b-file-info-slave-link',
    'b-test-getmeta-slave',
    'b-test-download-slave',
    'b-delete-slave-link',
    'b-delete-missing',
    'b-download-missing',
    'b-test1-upload',
  ],
  // Cluster B after 100002 joined group1 (its full copy reported done).
  'tools-live-bs': [
    'bs-upload-appender-try1',
    'bs-upload-appender-try2',
    'bs-append-file',
    'bs-file-info-appender',
    'bs-regenerate-filename',
    'bs-upload-hello-try1',
    'bs-upload-hello-try2',
    'bs-test-setmeta-O',
    'bs-test-setmeta-M',
    'bs-test-setmeta-O-empty',
    'bs-delete-hello',
  ],
  // Cluster B's admin side: fdfs_monitor and the stat tools on both trackers, 100003 stopped and
  // deleted, both trackers restarted, then id_type_in_filename = ip.
  'tools-live-b-admin': [
    'b-monitor-list',
    'b-monitor-list-leader',
    'b-monitor-group',
    'b-monitor-bad-tracker',
    'b-storage-stat',
    'b-storage-stat-d',
    'b-volumn-stat',
    'b-volumn-stat-d',
    'bd-monitor-list-group2-offline',
    'bd-monitor-delete-storage-active',
    'bd-monitor-delete-group',
    'bd-monitor-delete-group-again',
    'bd-monitor-delete-storage',
    'bd-monitor-delete-storage-again',
    'bd-monitor-list-after',
    'bt-monitor-delete-group',
    'bt-monitor-list',
    'c-monitor-list',
  ],
} as const satisfies Record<string, readonly string[]>;

export type LiveSuite = keyof typeof LIVE_CASES;

/**
 * Runs of fdfs_tracker_stat: test/tools-tracker-stat.test.ts prints each one byte for byte against
 * fake trackers (the one with a recorded connection replayed request for request).
 */
export const TRACKER_STAT_RUNS: readonly string[] = [
  'a-tracker-stat',
  'a-tracker-stat-d',
  'b-tracker-stat',
  'b-tracker-stat-F',
  'b-tracker-stat-L',
  'b-tracker-stat-d',
  't-tracker-stat-A',
  't-tracker-stat-N',
  'x-tracker-stat',
];

/** Runs compared nowhere, each with its reason. Keep this short. */
export const EXCLUDED: Readonly<Record<string, string>> = {};

/** The run cases linked packets name (context.runCase); tools-replay replays those of the tool runs. */
export function replayedCases(): Set<string> {
  const linked = loadPackets()
    .map((p) => (p.context as { runCase?: string }).runCase)
    .filter((c): c is string => c !== undefined);
  return new Set(linked);
}
