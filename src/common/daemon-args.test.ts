import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonUsage, parseDaemonArgs } from './daemon-args.js';

test('the action defaults to start, as sf_parse_daemon_mode_and_action does', () => {
  assert.deepEqual(parseDaemonArgs(['/etc/fdfs/tracker.conf']), {
    kind: 'run',
    configPath: '/etc/fdfs/tracker.conf',
    action: 'start',
    foreground: false,
  });
});

test('start, stop, restart and status are the actions', () => {
  for (const action of ['start', 'stop', 'restart', 'status'] as const) {
    const args = parseDaemonArgs(['t.conf', action]);
    assert.equal(args.kind, 'run');
    assert.equal(args.kind === 'run' && args.action, action);
  }
});

test('-N, --no-daemon and --foreground log to stderr, before or after the config', () => {
  for (const flag of ['-N', '--no-daemon', '--foreground']) {
    const before = parseDaemonArgs([flag, 't.conf', 'start']);
    const after = parseDaemonArgs(['t.conf', 'start', flag]);
    assert.ok(before.kind === 'run' && before.foreground, flag);
    assert.ok(after.kind === 'run' && after.foreground, flag);
  }
});

test('help and version', () => {
  assert.deepEqual(parseDaemonArgs(['-h']), { kind: 'help' });
  assert.deepEqual(parseDaemonArgs(['t.conf', '--help']), { kind: 'help' });
  assert.deepEqual(parseDaemonArgs(['-V']), { kind: 'version' });
  assert.deepEqual(parseDaemonArgs(['--version']), { kind: 'version' });
});

test('no arguments: the usage and exit 1; a bad action or option: EINVAL (22)', () => {
  assert.deepEqual(parseDaemonArgs([]), { kind: 'usage', exitCode: 1 });
  assert.deepEqual(parseDaemonArgs(['-N']), { kind: 'usage', exitCode: 1 });
  assert.deepEqual(parseDaemonArgs(['t.conf', 'reload']), {
    kind: 'usage',
    message: 'invalid action: reload',
    exitCode: 22,
  });
  assert.deepEqual(parseDaemonArgs(['--daemon', 't.conf']), {
    kind: 'usage',
    message: 'invalid option: --daemon',
    exitCode: 22,
  });
  assert.equal(parseDaemonArgs(['t.conf', 'start', 'extra']).kind, 'usage');
});

test('the usage text is FastDFS 6.x sf_usage', () => {
  const text = daemonUsage('fdfs_trackerd');
  assert.match(
    text,
    /^\nUsage: fdfs_trackerd \[options\] <config_file> \[start \| stop \| restart \| status\]\n\noptions:\n/,
  );
  assert.match(text, /\t-N \| --no-daemon/);
  assert.match(text, /\t-V \| --version: show version info\n/);
  assert.match(text, /\t-h \| --help: for this usage\n\n$/);
});
