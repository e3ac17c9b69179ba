// 20 CREATE_LINK (§6.1): a 62-byte fixed part, then the master name, the source name and the
// signature. The reply is the file-id reply of upload.ts.
import { BufferReader, BufferWriter } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import { FILE_EXT_NAME_MAX_LEN, FILE_PREFIX_MAX_LEN, GROUP_NAME_MAX_LEN } from '../constants.js';
import { badBody, checkFilenameLength, checkNameChars, invalidArgument } from './fields.js';

/** Three i64 lengths, group str[16], prefix str[16], ext str[6]. */
export const CREATE_LINK_FIXED_SIZE =
  3 * 8 + GROUP_NAME_MAX_LEN + FILE_PREFIX_MAX_LEN + FILE_EXT_NAME_MAX_LEN;
const MAX_NAME = 127;
const MAX_SIGNATURE = 63;
/** Master name + source name + signature together (§6.1 cmd 20). */
const MAX_VARIABLE = 256;

export interface CreateLinkRequest {
  groupName: string;
  /** Empty: the link gets a freshly generated name; otherwise it is named as a slave of this file. */
  masterFilename: string;
  /** The existing file the link points to. */
  srcFilename: string;
  /** The de-duplication signature, 1..63 bytes (decoded: a view into the body). */
  signature: Buffer;
  /** Slave prefix, used with a master name. */
  prefixName: string;
  ext: string;
}

export function encodeCreateLinkRequest(req: CreateLinkRequest): Buffer {
  const cmd = StorageCommand.CREATE_LINK;
  const masterLen = checkFilenameLength(req.masterFilename, cmd, 0);
  const srcLen = checkFilenameLength(req.srcFilename, cmd);
  const sigLen = req.signature.length;
  if (sigLen < 1 || sigLen > MAX_SIGNATURE) {
    throw invalidArgument(`signature of ${sigLen} bytes, expected 1..${MAX_SIGNATURE}`, cmd);
  }
  if (masterLen + srcLen + sigLen > MAX_VARIABLE) {
    throw invalidArgument(`names and signature exceed ${MAX_VARIABLE} bytes together`, cmd);
  }
  checkNameChars(req.prefixName, FILE_PREFIX_MAX_LEN, 'slave prefix', cmd);
  checkNameChars(req.ext, FILE_EXT_NAME_MAX_LEN, 'extension', cmd);
  return new BufferWriter(CREATE_LINK_FIXED_SIZE + masterLen + srcLen + sigLen)
    .i64(masterLen)
    .i64(srcLen)
    .i64(sigLen)
    .fixedString(GROUP_NAME_MAX_LEN, req.groupName)
    .fixedString(FILE_PREFIX_MAX_LEN, req.prefixName)
    .fixedString(FILE_EXT_NAME_MAX_LEN, req.ext)
    .string(req.masterFilename)
    .string(req.srcFilename)
    .bytes(req.signature)
    .finish();
}

function readLength(r: BufferReader, what: string, min: number, max: number): number {
  const v = r.i64Big(what);
  if (v < BigInt(min) || v > BigInt(max)) {
    throw badBody(StorageCommand.CREATE_LINK, `${what} ${v}, expected ${min}..${max}`);
  }
  return Number(v);
}

/**
 * Server side: body > 62, master 0..127, source 1..127, signature 1..63 bytes, body = 62 + the
 * three, and the three together ≤ 256. Prefix and extension are taken as sent.
 */
export function decodeCreateLinkRequest(body: Buffer): CreateLinkRequest {
  const cmd = StorageCommand.CREATE_LINK;
  if (body.length <= CREATE_LINK_FIXED_SIZE) {
    throw badBody(cmd, `body length ${body.length}, expected more than ${CREATE_LINK_FIXED_SIZE}`);
  }
  const r = new BufferReader(body);
  const masterLen = readLength(r, 'master_filename_len', 0, MAX_NAME);
  const srcLen = readLength(r, 'src_filename_len', 1, MAX_NAME);
  const sigLen = readLength(r, 'src_file_sig_len', 1, MAX_SIGNATURE);
  if (body.length !== CREATE_LINK_FIXED_SIZE + masterLen + srcLen + sigLen) {
    throw badBody(
      cmd,
      `body length ${body.length}, expected ${CREATE_LINK_FIXED_SIZE} + ${masterLen} + ${srcLen} + ${sigLen}`,
    );
  }
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  const prefixName = r.fixedString(FILE_PREFIX_MAX_LEN, 'prefix');
  const ext = r.fixedString(FILE_EXT_NAME_MAX_LEN, 'ext');
  if (masterLen + srcLen + sigLen > MAX_VARIABLE) {
    throw badBody(
      cmd,
      `names and signature take ${masterLen + srcLen + sigLen} bytes, over ${MAX_VARIABLE}`,
    );
  }
  return {
    groupName,
    masterFilename: r.string(masterLen, 'master filename'),
    srcFilename: r.string(srcLen, 'source filename'),
    signature: r.bytes(sigLen, 'signature'),
    prefixName,
    ext,
  };
}
