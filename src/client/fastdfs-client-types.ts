// The option and result types of FastDfsClient's methods.
import type { FileKind } from '../protocol/file-id/index.js';
import type { MetadataInput } from '../protocol/metadata.js';
import type { TrackerStatus } from '../protocol/structs/index.js';
import type { DownloadRange } from './storage-download.js';

export interface CallOptions {
  signal?: AbortSignal;
}
export interface SourceOptions extends CallOptions {
  /** Required when the source is a Readable. */
  size?: number;
}
export interface UploadOptions extends SourceOptions {
  /** Extension without the dot (0..6 characters). */
  ext?: string;
  /** Upload into this group; the tracker chooses otherwise. */
  group?: string;
  /** Set with SET_METADATA 'O' right after the upload (the file is deleted if that fails). */
  metadata?: MetadataInput;
}
export interface SlaveOptions extends SourceOptions {
  ext?: string;
  metadata?: MetadataInput;
}
export interface RangeOptions extends CallOptions, DownloadRange {}

/** What fileInfo tells, from the name alone or (appender, slave, unknown id) from the storage. */
export interface FastDfsFileInfo {
  groupName: string;
  kind: FileKind;
  fileSize: bigint;
  /** Unix seconds. */
  createTimestamp: number;
  crc32: number;
  sourceIpAddr: string;
  /** The server id in the name, '0' for an IPv4 address. */
  sourceId: string;
  /** True when the storage was asked (QUERY_FILE_INFO, §6.1 cmd 22). */
  fromServer: boolean;
}

/** One tracker's answer for `fdfs monitor`: its role by GET_STATUS (64) and GET_LEADER (95). */
export interface TrackerRole {
  tracker: string;
  reachable: boolean;
  /** 'leader' / 'follower'; 'unknown' while no group has joined (64 answers ENOENT then). */
  role: 'leader' | 'follower' | 'unknown' | 'down';
  leader?: string;
  status?: TrackerStatus;
  error?: string;
}
