// FastDFS's base64 variant (§7.2): libfastcommon `base64_init_ex(ctx, 0, '-', '_', '.')`.
// The alphabet is RFC 4648's URL-safe one, the pad character is '.', and there are no line breaks.
// File names use the unpadded form (20 bytes → 27 characters, 12 bytes → 16).
import { FdfsError, type ErrorCode } from '../errors.js';

/** The pad character FastDFS writes. Decoding also accepts '='. */
export const FDFS_BASE64_PAD = '.';

const ALPHABET_RE = /^[A-Za-z0-9_-]*$/;

/** Encode `bytes`; `pad` appends '.' up to a multiple of 4 characters, as C does with its pad flag on. */
export function fdfsBase64Encode(bytes: Uint8Array, pad = false): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  return pad ? text + FDFS_BASE64_PAD.repeat((4 - (text.length % 4)) % 4) : text;
}

/** Length of the unpadded encoding of `byteLength` bytes. */
export function fdfsBase64Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 6);
}

/** True when `text` uses only the alphabet (no pad characters). */
export function isFdfsBase64Text(text: string): boolean {
  return ALPHABET_RE.test(text);
}

/**
 * Decode padded or unpadded text (§7.2: "append one pad and decode"). Any character outside the
 * alphabet, a pad anywhere but at the end, or a length no encoding can have is an error. Unused low
 * bits of the last character are ignored, as libfastcommon does.
 */
export function fdfsBase64Decode(
  text: string,
  what = 'base64 text',
  code: ErrorCode = 'ERR_INVALID_ARGUMENT',
): Buffer {
  const body = text.replace(/[.=]{1,2}$/, '');
  if (!isFdfsBase64Text(body)) {
    throw new FdfsError(
      code,
      `${what} ${JSON.stringify(text)} has a character outside [A-Za-z0-9_-]`,
    );
  }
  if (body.length % 4 === 1 || (body.length !== text.length && text.length % 4 !== 0)) {
    throw new FdfsError(
      code,
      `${what} ${JSON.stringify(text)} has a length (${text.length}) no base64 encoding has`,
    );
  }
  return Buffer.from(body, 'base64url');
}
