// http.conf (PROTOCOL.md §10.5): read by clients (usually through `#include http.conf` in
// client.conf) for anti-leech tokens (§11), and by the HTTP gateway.
import { dirname, resolve } from 'node:path';
import { loadIni, parseIni, type IniDocument, type IniEntry, type IniSource } from './ini.js';
import { ConfigReader } from './reader.js';
import { configValueError } from './values.js';

export interface AntiStealSettings {
  /** http.anti_steal.check_token */
  readonly checkToken: boolean;
  /** http.anti_steal.token_ttl (s) */
  readonly tokenTtl: number;
  /** http.anti_steal.secret_key (required with check_token, at most 128 bytes) */
  readonly secretKey: string;
  /** http.anti_steal.token_check_fail: file sent when a check fails ('' = answer 400) */
  readonly tokenCheckFail: string;
}

export interface HttpSettings {
  /** http.default_content_type ('' when absent) */
  readonly defaultContentType: string;
  /** http.mime_types_filename, resolved against the directory of the file naming it */
  readonly mimeTypesFilename: string | undefined;
  readonly antiSteal: AntiStealSettings;
  /** http.multi_range.enabled */
  readonly multiRangeEnabled: boolean;
}

export interface HttpConfig extends HttpSettings {
  readonly file: string;
  /** Ignored lines and unknown keys, each naming file:line. */
  readonly warnings: readonly string[];
}

const MAX_SECRET_KEY_BYTES = 128;

function entryDir(doc: IniDocument, e: IniEntry): string {
  return e.file === doc.file ? doc.baseDir : dirname(resolve(e.file));
}

function readSecretKey(r: ConfigReader, checkToken: boolean): string {
  const key = 'http.anti_steal.secret_key';
  const e = checkToken ? r.require(key, 'http.anti_steal.check_token is true') : r.entry(key);
  if (e && Buffer.byteLength(e.value, 'utf8') > MAX_SECRET_KEY_BYTES) {
    throw configValueError(e, e.value, `at most ${MAX_SECRET_KEY_BYTES} bytes`);
  }
  return e?.value ?? '';
}

/** The `http.*` keys of http.conf (also found in client.conf through #include). */
export function readHttpSettings(r: ConfigReader): HttpSettings {
  const mime = r.entry('http.mime_types_filename');
  const checkToken = r.bool('http.anti_steal.check_token', false);
  return {
    defaultContentType: r.string('http.default_content_type', ''),
    mimeTypesFilename: mime && resolve(entryDir(r.doc, mime), mime.value),
    antiSteal: {
      checkToken,
      tokenTtl: r.int('http.anti_steal.token_ttl', 600, { min: 0 }),
      secretKey: readSecretKey(r, checkToken),
      tokenCheckFail: r.string('http.anti_steal.token_check_fail', ''),
    },
    multiRangeEnabled: r.bool('http.multi_range.enabled', true),
  };
}

function httpConfigFrom(doc: IniDocument): HttpConfig {
  const r = new ConfigReader(doc);
  const settings = readHttpSettings(r);
  return { ...settings, file: doc.file, warnings: r.finish() };
}

/** Parse http.conf text (tests, embedded configs). */
export function parseHttpConfig(text: string, source: IniSource): HttpConfig {
  return httpConfigFrom(parseIni(text, source));
}

/** Read http.conf (start-up only). */
export async function loadHttpConfig(path: string): Promise<HttpConfig> {
  return httpConfigFrom(await loadIni(path));
}
