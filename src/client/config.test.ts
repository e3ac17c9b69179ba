import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientConfig } from '../common/config/index.js';
import { clientOptionsFromConfig } from './config.js';

const BASE = 'tracker_server = 10.0.0.1:22122\ntracker_server = 10.0.0.2,192.168.0.2:22122\n';

test('client.conf gives the trackers, timeouts in ms and the pooling', () => {
  const pooled = parseClientConfig(
    `${BASE}connect_timeout = 5\nnetwork_timeout = 60\nuse_connection_pool = true\n` +
      'connection_pool_max_idle_time = 120\n',
    { file: 'client.conf' },
  );
  const options = clientOptionsFromConfig(pooled);
  assert.deepEqual(options.tracker.trackers, [
    { hosts: ['10.0.0.1'], port: 22122 },
    { hosts: ['10.0.0.2', '192.168.0.2'], port: 22122 },
  ]);
  assert.equal(options.tracker.connectTimeoutMs, 5000);
  assert.equal(options.storage.networkTimeoutMs, 60_000);
  assert.equal(options.storage.poolOptions?.maxIdleTimeMs, 120_000);
  const unpooled = clientOptionsFromConfig(parseClientConfig(BASE, { file: 'client.conf' }));
  assert.equal(unpooled.tracker.poolOptions?.maxIdleTimeMs, 0, 'closed once idle, as in C');
  assert.equal(unpooled.tracker.connectTimeoutMs, 10_000);
  assert.equal(unpooled.tracker.networkTimeoutMs, 30_000);
});
