// The replay table of test/storage-service-vectors.test.ts: for each recorded storage packet of
// issue 4's commands, the files to place first (contents known from the captures, mtimes from the
// recorded replies), the settings the recording cluster had, and how to compare each reply.
import { frameBody, loadPacket } from './vectors.js';

const HELLO = Buffer.from('Hello FastDFS golden vector!\n');
const PIC = Buffer.from('JPEGDATA-0123456789abcdefghijklmnopqrstuv');
const PART1 = Buffer.from('appender-part-1\n');
const PART2 = Buffer.from('appender-part-2\n');
const APPTEST = Buffer.from('appender-test-0123456789-ABCDEFGHIJKLMNO');

/** Cluster B's storage ids (test/vectors/README.md): names with id 100001 resolve to 127.0.0.22. */
export const CLUSTER_B_IDS = [
  { id: '100001', groupName: 'group1', ips: ['127.0.0.22'], port: 23300 },
  { id: '100002', groupName: 'group1', ips: ['127.0.0.23'], port: 23300 },
];

export interface Placed {
  name: string;
  content: Buffer;
  /** mtime (unix seconds): QUERY_FILE_INFO answers it as the create timestamp. */
  mtime?: number;
  /** The raw `-m` file. */
  meta?: Buffer;
}

export type Check =
  /** The reply equals the recording byte for byte. */
  | 'bytes'
  /** A generated name: the decoded fields must agree (`crc`: compare the CRC32 too). */
  | { fileId: { crc: boolean } }
  /** Bytes, except the 8-byte CRC field of a QUERY_FILE_INFO reply (content not recorded). */
  | 'bytes-but-crc'
  /** Our deliberate answer instead of the recorded one. */
  | { ours: { status: number; body: Buffer; why: string } };

export interface Replay {
  file: string;
  place?: Placed[];
  /** How to check each reply, in order ('bytes' when absent). */
  checks?: Check[];
  nameSource?: string;
  storageIds?: boolean;
  ipSize?: 16 | 46;
  slaveLink?: boolean;
}

/** mtime of a recorded QUERY_FILE_INFO reply. */
function infoMtime(file: string): number {
  const reply = loadPacket(file).frames.find((f) => f.from === 'server')!;
  return Number(frameBody(reply).readBigInt64BE(8));
}

const N = {
  hello: 'M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt',
  picWithMeta: 'M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg',
  picPath1: 'M01/00/00/fwAADGsBidSAYOluAAAAKSd8hCE375.jpg',
  empty: 'M01/00/00/fwAADGsBidOANkpDAAAAAAAAAAA0078453',
  tarGz: 'M00/00/00/fwAADGsBidSANa7pAAAAQBU316s.tar.gz',
  appender: 'M01/00/00/fwAADGsBideEXfvuAAAAAHBp7QQ708.log',
  appTest: 'M00/00/00/fwAADGsBidyER8vNAAAAAOG9Nws248.txt',
  bSource: 'M00/00/00/oYYBAGsBjEuAFS4jAAAAZBmMglE557.txt',
  bMaster: 'M00/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001.jpg',
  bAppender: 'M00/00/00/oYYBAGsBjPiEOHNCAAAAAHBp7QQ454.log',
};

export const REPLAYS: Replay[] = [
  // Refused on the fixed fields, unknown, missing files: no file needed.
  { file: 'storage-11-upload-file-bad-ext-einval.json' },
  { file: 'storage-11-upload-file-size-mismatch-einval.json' },
  { file: 'storage-250-unknown-command-einval.json' },
  { file: 'storage-111-active-test.json' },
  { file: 'storage-82-quit.json' },
  { file: 'storage-12-delete-file-bad-name-einval.json' },
  { file: 'storage-12-delete-file-missing-enoent.json' },
  { file: 'storage-13-set-metadata-bad-flag-einval.json' },
  { file: 'storage-14-download-file-missing-enoent.json' },
  { file: 'storage-14-download-file-wrong-group-einval.json' },
  { file: 'storage-15-get-metadata-none-enoent.json', place: [{ name: N.hello, content: HELLO }] },
  { file: 'storage-22-query-file-info-missing-enoent.json' },
  { file: 'storage-22-query-file-info-missing-silent.json' },
  { file: 'storage-22-query-file-info-short-name.json' },
  { file: 'storage-24-append-file-not-appender-einval.json' },
  // Uploads: generated names.
  ...[
    'storage-11-upload-file.json',
    'storage-11-upload-file-tar-gz.json',
    'storage-11-upload-file-store-path-1.json',
    'storage-11-upload-file-empty.json',
    'storage-23-upload-appender-file.json',
  ].map((file) => ({ file, checks: [{ fileId: { crc: true } }] as Check[] })),
  {
    file: 'storage-11-upload-file-id-name.json',
    nameSource: '100001',
    storageIds: true,
    checks: [{ fileId: { crc: true } }],
  },
  {
    file: 'storage-11-upload-file-id-type-ip.json',
    nameSource: '127.0.0.22',
    checks: [{ fileId: { crc: true } }],
  },
  {
    // fdfs_test upload: UPLOAD, SET_METADATA 'O' on the name C gave, ACTIVE_TEST.
    file: 'storage-11-upload-file-with-metadata.json',
    place: [{ name: N.picWithMeta, content: PIC }],
    checks: [{ fileId: { crc: true } }, 'bytes', 'bytes'],
  },
  {
    // fdfs_appender_test: UPLOAD_APPENDER, SET_METADATA, TRUNCATE 20, APPEND 40, MODIFY at 60.
    file: 'storage-23-appender-test-session.json',
    place: [{ name: N.appTest, content: APPTEST }],
    checks: [{ fileId: { crc: true } }, 'bytes', 'bytes', 'bytes', 'bytes'],
  },
  // Files in place.
  { file: 'storage-12-delete-file.json', place: [{ name: N.tarGz, content: Buffer.alloc(64) }] },
  {
    file: 'storage-12-delete-file-slave-link.json',
    place: [{ name: 'M00/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001_big.jpg', content: PIC }],
  },
  {
    file: 'storage-13-set-metadata-overwrite.json',
    place: [{ name: N.picWithMeta, content: PIC }],
  },
  { file: 'storage-13-set-metadata-merge.json', place: [{ name: N.picWithMeta, content: PIC }] },
  { file: 'storage-14-download-file.json', place: [{ name: N.hello, content: HELLO }] },
  { file: 'storage-14-download-file-range.json', place: [{ name: N.hello, content: HELLO }] },
  {
    file: 'storage-14-download-file-overlong-range.json',
    place: [{ name: N.hello, content: HELLO }],
  },
  {
    file: 'storage-14-download-file-offset-eof-einval.json',
    place: [{ name: N.hello, content: HELLO }],
  },
  { file: 'storage-14-download-file-recovery.json', place: [{ name: N.picPath1, content: PIC }] },
  ...[
    'storage-14-download-file-empty-file-einval.json',
    'storage-14-download-file-recovery-empty-einval.json',
  ].map((file): Replay => ({
    file,
    place: [{ name: N.empty, content: Buffer.alloc(0) }],
    checks: [
      { ours: { status: 0, body: Buffer.alloc(0), why: '§16 #3: an empty file downloads' } },
    ],
  })),
  {
    file: 'storage-15-get-metadata.json',
    place: [
      {
        name: N.picWithMeta,
        content: PIC,
        meta: Buffer.from('ext_name\x02jpg\x01file_size\x02115120\x01height\x0280\x01width\x02160'),
      },
    ],
  },
  {
    file: 'storage-15-get-metadata-after-merge.json',
    place: [
      {
        name: N.picWithMeta,
        content: PIC,
        meta: Buffer.from('author\x02vec\x01color\x02red\x01size\x02small'),
      },
    ],
  },
  {
    file: 'storage-20-create-link-slave-name.json',
    nameSource: '127.0.0.22',
    place: [{ name: N.bSource, content: Buffer.alloc(100, 0x41) }],
  },
  {
    // No master: a generated name with a random CRC and the source's size (§16 #17).
    file: 'storage-20-create-link.json',
    nameSource: '127.0.0.22',
    place: [{ name: N.bSource, content: Buffer.alloc(100, 0x41) }],
    checks: [{ fileId: { crc: false } }],
  },
  {
    file: 'storage-21-upload-slave-file.json',
    place: [{ name: N.picWithMeta, content: PIC }],
    checks: ['bytes', 'bytes'],
  },
  {
    file: 'storage-21-upload-slave-file-link.json',
    nameSource: '100001',
    storageIds: true,
    slaveLink: true,
    place: [{ name: N.bMaster, content: PIC }],
    checks: ['bytes', 'bytes'],
  },
  {
    file: 'storage-22-query-file-info-normal-negative-crc.json',
    place: [
      {
        name: N.hello,
        content: HELLO,
        mtime: infoMtime('storage-22-query-file-info-normal-negative-crc.json'),
      },
    ],
  },
  {
    file: 'storage-22-query-file-info-normal-ip46.json',
    ipSize: 46,
    place: [
      {
        name: 'M00/00/00/fwAADGsBi0yACCvnAAAAHdnGElo921.txt',
        content: HELLO,
        mtime: infoMtime('storage-22-query-file-info-normal-ip46.json'),
      },
    ],
  },
  {
    file: 'storage-22-query-file-info-id-name.json',
    storageIds: true,
    place: [
      {
        name: 'M00/00/00/oYYBAGsBjBmAfxZ9AAAAHdnGElo077.txt',
        content: HELLO,
        mtime: infoMtime('storage-22-query-file-info-id-name.json'),
      },
    ],
  },
  {
    // The appender of storage-23-upload-appender-file before its append: CRC computed.
    file: 'storage-22-query-file-info.json',
    place: [
      {
        name: N.appender,
        content: PART1,
        mtime: infoMtime('storage-22-query-file-info.json'),
      },
    ],
  },
  {
    file: 'storage-22-query-file-info-no-crc-flag.json',
    place: [
      {
        name: N.appender,
        content: Buffer.concat([PART1, PART2]),
        mtime: infoMtime('storage-22-query-file-info-no-crc-flag.json'),
      },
    ],
  },
  {
    // An appender whose content was not recorded: everything but the computed CRC.
    file: 'storage-22-query-file-info-ip46.json',
    ipSize: 46,
    place: [
      {
        name: 'M01/00/00/fwAADGsBi02EGBtKAAAAAHBp7QQ803.log',
        content: Buffer.alloc(
          Number(
            frameBody(loadPacket('storage-22-query-file-info-ip46.json').frames[1]!).readBigInt64BE(
              0,
            ),
          ),
        ),
        mtime: infoMtime('storage-22-query-file-info-ip46.json'),
      },
    ],
    checks: ['bytes-but-crc'],
  },
  {
    file: 'storage-22-query-file-info-slave.json',
    place: [
      {
        name: `${N.picWithMeta.slice(0, -4)}_big.jpg`,
        content: PIC,
        mtime: infoMtime('storage-22-query-file-info-slave.json'),
      },
    ],
  },
  {
    file: 'storage-22-query-file-info-slave-link.json',
    storageIds: true,
    place: [
      {
        name: `${N.bMaster.slice(0, -4)}_big.jpg`,
        content: PIC,
        mtime: infoMtime('storage-22-query-file-info-slave-link.json'),
      },
    ],
  },
  { file: 'storage-24-append-file.json', place: [{ name: N.appender, content: PART1 }] },
  { file: 'storage-34-modify-file.json', place: [{ name: N.appTest, content: Buffer.alloc(60) }] },
  {
    file: 'storage-34-modify-file-crafted.json',
    place: [{ name: N.bAppender, content: Buffer.alloc(32) }],
  },
  {
    file: 'storage-36-truncate-file.json',
    place: [{ name: N.appTest, content: Buffer.alloc(40) }],
  },
  {
    file: 'storage-36-truncate-file-crafted.json',
    place: [{ name: N.bAppender, content: Buffer.alloc(32) }],
  },
  {
    file: 'storage-36-truncate-file-extend.json',
    place: [{ name: N.bAppender, content: Buffer.alloc(20) }],
  },
  {
    // The regenerated name keeps the store path, subdirs and EXT7; size and CRC of the content.
    file: 'storage-38-regenerate-appender-filename.json',
    place: [{ name: N.appender, content: Buffer.concat([PART1, PART2]) }],
    checks: [{ fileId: { crc: true } }],
  },
];
