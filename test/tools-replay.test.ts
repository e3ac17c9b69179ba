// Every recorded C tool run whose packets are linked (context.runCase; fdfs_tracker_stat belongs
// to the tracker-cluster work) replayed to our tool of the same name: fake servers at the recorded
// addresses answer with the recorded replies, each request must be the recorded bytes, and stdout
// must be the C tool's byte for byte. Where the C tool printed a failure, we print it on stderr as
// one line and exit with its errno instead (docs/CLI.md); the rest of stdout is still identical.
//
// The C tools also opened connections the recorder did not link to the run (for instance the
// QUERY_FILE_INFO of fdfs_appender_test, or the tracker query before a linked storage upload).
// Those exchanges are answered from what the run printed: the storage the tracker named, the file
// ids, and the file info blocks (size, time, CRC). Only the recorded connections are checked byte
// for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageCommand as S, TrackerCommand as T } from '#src/protocol/commands.js';
import {
  encodeFetchOneReply,
  encodeFileIdReply,
  encodeFileInfoReply,
  encodeStoreAllReply,
  encodeStoreOneReply,
} from '#src/protocol/messages/index.js';
import { connectionScripts, ReplayCluster, type Fill } from './support/tool-replay.js';
import { recordedFailure } from './support/tool-live.js';
import { commandArgs, runFolder, runOurTool, toolRuns, type ToolRun } from './support/tool-runs.js';
import { loadPackets } from './support/vectors.js';

const linkedCases = new Set(
  loadPackets()
    .map((p) => (p.context as { runCase?: string }).runCase)
    .filter((c): c is string => c !== undefined),
);
const runs = toolRuns().filter((r) => linkedCases.has(r.case) && r.tool !== 'fdfs_tracker_stat');

function clusterOf(run: ToolRun): 'A' | 'B' {
  return /^(a|as|x)-/.test(run.case) ? 'A' : 'B';
}

const CLUSTERS = {
  A: { trackers: ['127.0.0.11:22200'], storage: '127.0.0.12:23200' },
  B: { trackers: ['127.0.0.21:22300', '127.0.0.24:22300'], storage: '127.0.0.22:23300' },
};

/** group/Mxx/... file ids the run printed, in order ("group_name=, remote_filename=" too). */
function printedFileIds(stdout: string): string[] {
  const ids: string[] = [];
  const re =
    /(?:(group\d+)\/|group_name=(group\d+), remote_filename=)(M[0-9A-F]{2}\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_.-]+)/g;
  for (const m of stdout.matchAll(re)) ids.push(`${m[1] ?? m[2]}/${m[3]}`);
  return [...new Set(ids)];
}

interface InfoBlock {
  ip: string;
  time: number;
  size: number;
  crc: number;
}

/** The "source ip address / file timestamp / file size [/ file crc32]" blocks of fdfs_test output. */
function infoBlocks(stdout: string): InfoBlock[] {
  const re =
    /source ip address: (\S+)\nfile timestamp=(\S+ \S+)\nfile size=(\d+)\n(?:file crc32=(\d+)\n)?/g;
  return [...stdout.matchAll(re)].map((m) => ({
    ip: m[1]!,
    time: Date.parse(`${m[2]!.replace(' ', 'T')}Z`) / 1000,
    size: Number(m[3]),
    crc: Number(m[4] ?? 0),
  }));
}

function fillFor(run: ToolRun, storage: string): Fill {
  const ids = printedFileIds(run.stdout);
  // fdfs_test decodes the master's name itself and asks the storage about the slave only.
  const blocks = infoBlocks(run.stdout).slice(run.tool === 'fdfs_appender_test' ? 0 : 1);
  const colon = storage.lastIndexOf(':');
  const where = {
    groupName: 'group1',
    ip: storage.slice(0, colon),
    port: Number(storage.slice(colon + 1)),
  };
  const pathIndex = Number(/\/M(\d\d)\//.exec(ids[0] ?? '/M00/')?.[1] ?? 0);
  const fileIdReply = (id: string | undefined): Buffer | undefined => {
    if (id === undefined) return undefined;
    const slash = id.indexOf('/');
    return encodeFileIdReply({ groupName: id.slice(0, slash), filename: id.slice(slash + 1) });
  };
  // The servers fdfs_test listed, and the one it was told to upload to.
  const listed = [
    ...run.stdout.matchAll(/\tserver \d+\. group_name=\w*, ip_addr=(\S+), port=(\d+)/g),
  ].map((m) => ({ ip: m[1]!, port: Number(m[2]) }));
  const chosen = /^group_name=(\w+), ip_addr=(\S+), port=(\d+)$/m.exec(run.stdout);
  const storeOne = chosen
    ? { groupName: chosen[1]!, ip: chosen[2]!, port: Number(chosen[3]) }
    : where;
  return (server, cmd) => {
    // What another tracker answered to an admin command, as the C tool logged it.
    const status = new RegExp(
      `server: ${server.replaceAll('.', '\\.')}, response status (\\d+) != 0`,
    ).exec(run.stderr);
    switch (cmd) {
      case T.SERVER_DELETE_STORAGE:
      case T.SERVER_DELETE_GROUP:
      case T.SERVER_SET_TRUNK_SERVER:
        return status ? { status: Number(status[1]) } : Buffer.alloc(0);
      case T.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE:
      case T.SERVICE_QUERY_STORE_WITH_GROUP_ONE:
        return encodeStoreOneReply({ ...storeOne, storePathIndex: pathIndex }, 16);
      case T.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL:
      case T.SERVICE_QUERY_STORE_WITH_GROUP_ALL:
        return encodeStoreAllReply(
          {
            groupName: 'group1',
            servers: listed.length > 0 ? listed : [where],
            storePathIndex: pathIndex,
          },
          16,
        );
      case T.SERVICE_QUERY_FETCH_ONE:
      case T.SERVICE_QUERY_UPDATE:
        return encodeFetchOneReply(where, 16);
      case S.UPLOAD_FILE:
      case S.UPLOAD_APPENDER_FILE:
        return fileIdReply(ids[0]);
      case S.UPLOAD_SLAVE_FILE:
        return fileIdReply(ids[1]);
      case S.QUERY_FILE_INFO: {
        const b = blocks.shift();
        return (
          b &&
          encodeFileInfoReply(
            { fileSize: b.size, createTimestamp: b.time, crc32: b.crc, sourceIp: b.ip },
            16,
          )
        );
      }
      case S.SET_METADATA:
      case S.APPEND_FILE:
      case S.MODIFY_FILE:
      case S.TRUNCATE_FILE:
      case 111:
        return Buffer.alloc(0);
      default:
        return undefined;
    }
  };
}

test('the 40 linked runs of our tools are all replayed', () => {
  assert.equal(runs.length, 40, runs.map((r) => r.case).join(' '));
});

for (const run of runs) {
  test(`${run.tool} ${run.case} replays as recorded`, async () => {
    const cluster = clusterOf(run);
    const scripts = connectionScripts(run.case);
    const storages = [...scripts.keys()].filter((a) => !CLUSTERS[cluster].trackers.includes(a));
    const storage = storages[0] ?? CLUSTERS[cluster].storage;
    const replay = new ReplayCluster(scripts, fillFor(run, storage));
    const folder = runFolder(cluster);
    try {
      await replay.listen([...CLUSTERS[cluster].trackers, storage, ...scripts.keys()]);
      const result = await runOurTool(run.tool, commandArgs(run.command), folder.dir);
      const problems = replay.check();
      assert.deepEqual(problems, [], `${problems.join('\n')}\nstderr: ${result.stderr}`);
      const failed = recordedFailure(run);
      if (failed === undefined) {
        assert.equal(result.stderr, '', 'nothing on stderr');
        assert.equal(result.stdout, run.stdout);
        assert.equal(result.code, 0);
      } else {
        const expectedStdout = failed.inStdout
          ? run.stdout.replace(`${failed.line}\n`, '')
          : run.stdout;
        assert.equal(result.stdout, expectedStdout);
        const lines = result.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line on stderr: ${result.stderr}`);
        assert.ok(
          lines[0]!.startsWith(failed.line),
          `stderr ${lines[0]} starts with ${failed.line}`,
        );
        assert.equal(result.code, failed.errno);
      }
    } finally {
      await replay.close();
      folder.remove();
    }
  });
}
