import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FdfsError, isFdfsError, serverStatusError, type ErrorCode } from './errors.js';
import { Errno } from './errno.js';
import { StorageCommand, TrackerCommand } from './commands.js';

test('FdfsError carries its code, message and name, and is an Error', () => {
  const err = new FdfsError('ERR_BAD_FILE_ID', 'file id "x" has no "/"');
  assert.ok(err instanceof Error);
  assert.ok(err instanceof FdfsError);
  assert.equal(err.name, 'FdfsError');
  assert.equal(err.code, 'ERR_BAD_FILE_ID');
  assert.equal(err.message, 'file id "x" has no "/"');
  assert.equal(err.command, undefined);
  assert.equal(err.server, undefined);
  assert.equal(err.cause, undefined);
  assert.ok(err.stack?.includes('errors.test'));
});

test('errno defaults to the value registered for the code, for every code', () => {
  for (const code of Object.keys(ErrorCodes) as ErrorCode[]) {
    const err = new FdfsError(code, 'm');
    assert.equal(err.errno, ErrorCodes[code], code);
  }
  assert.equal(new FdfsError('ERR_BAD_BODY', 'm').errno, Errno.EINVAL);
  assert.equal(new FdfsError('ERR_CONNECT_TIMEOUT', 'm').errno, Errno.ETIMEDOUT);
  assert.equal(new FdfsError('ERR_ABORTED', 'm').errno, Errno.ECANCELED);
});

test('an explicit errno overrides the default, 0 included', () => {
  assert.equal(new FdfsError('ERR_IO', 'disk full', { errno: Errno.ENOSPC }).errno, Errno.ENOSPC);
  assert.equal(new FdfsError('ERR_SERVER_STATUS', 'm', { errno: Errno.ENOENT }).errno, 2);
  assert.equal(new FdfsError('ERR_IO', 'm', { errno: 0 }).errno, 0, '?? keeps 0, unlike ||');
});

test('cause, command and server are kept', () => {
  const cause = new Error('socket hang up');
  const err = new FdfsError('ERR_CONNECTION_CLOSED', 'closed', {
    cause,
    command: StorageCommand.UPLOAD_FILE,
    server: '127.0.0.12:23000',
  });
  assert.equal(err.cause, cause);
  assert.equal(err.command, 11);
  assert.equal(err.server, '127.0.0.12:23000');
  // A falsy cause other than undefined is still a cause.
  assert.equal(new FdfsError('ERR_IO', 'm', { cause: 0 }).cause, 0);
  assert.equal('cause' in new FdfsError('ERR_IO', 'm', {}), false);
});

test('errnoName names the errno, and an errno outside the table as E<n>', () => {
  assert.equal(new FdfsError('ERR_BAD_BODY', 'm').errnoName, 'EINVAL');
  assert.equal(new FdfsError('ERR_CONNECT', 'm').errnoName, 'ECONNREFUSED');
  assert.equal(new FdfsError('ERR_SERVER_STATUS', 'm', { errno: 28 }).errnoName, 'ENOSPC');
  assert.equal(new FdfsError('ERR_SERVER_STATUS', 'm', { errno: 200 }).errnoName, 'E200');
});

test('serverStatusError names the errno (name and number), the command and the server', () => {
  const err = serverStatusError(
    Errno.ENOENT,
    TrackerCommand.SERVICE_QUERY_FETCH_ONE,
    'QUERY_FETCH_ONE(102)',
    '127.0.0.11:22122',
  );
  assert.equal(err.code, 'ERR_SERVER_STATUS');
  assert.equal(err.errno, 2);
  assert.equal(err.errnoName, 'ENOENT');
  assert.equal(err.command, 102);
  assert.equal(err.server, '127.0.0.11:22122');
  assert.match(err.message, /QUERY_FETCH_ONE\(102\)/);
  assert.match(err.message, /127\.0\.0\.11:22122/);
  assert.match(err.message, /ENOENT \(2\)/);
  assert.match(err.message, /No such file or directory/);
  assert.equal(
    err.message,
    'QUERY_FETCH_ONE(102) failed from 127.0.0.11:22122: ENOENT (2) No such file or directory',
  );
});

test('serverStatusError without a server says nothing about one', () => {
  const err = serverStatusError(Errno.EINVAL, StorageCommand.DOWNLOAD_FILE, 'DOWNLOAD_FILE(14)');
  assert.equal(err.server, undefined);
  assert.equal(err.message, 'DOWNLOAD_FILE(14) failed: EINVAL (22) Invalid argument');
  const odd = serverStatusError(200, 250, 'CMD(250)', 'h:1');
  assert.match(odd.message, /E200 \(200\) Unknown error 200/);
});

test('isFdfsError tells our errors from others', () => {
  assert.equal(isFdfsError(new FdfsError('ERR_CLOSED', 'closed')), true);
  assert.equal(isFdfsError(new Error('x')), false);
  assert.equal(isFdfsError({ code: 'ERR_CLOSED', errno: 107 }), false);
  assert.equal(isFdfsError(undefined), false);
});
