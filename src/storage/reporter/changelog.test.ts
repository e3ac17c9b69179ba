import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChangelogReply } from './changelog.js';

test('changelog reply: our group, DELETED and IP_CHANGED lines; the rest is skipped', () => {
  const text = [
    '1795263000 group1 127.0.0.13 4 ', // deletion: empty new id
    '1795263001 group1 127.0.0.14 3 127.0.0.15', // IP change
    '1795263002 group2 127.0.0.16 4 ', // another group
    '1795263003 group1 127.0.0.17 7 x', // not a change a storage acts on
    'garbage',
    '',
  ].join('\n');
  assert.deepEqual(parseChangelogReply(Buffer.from(text), 'group1'), [
    { timestamp: 1795263000, groupName: 'group1', oldId: '127.0.0.13', status: 4, newId: '' },
    {
      timestamp: 1795263001,
      groupName: 'group1',
      oldId: '127.0.0.14',
      status: 3,
      newId: '127.0.0.15',
    },
  ]);
  assert.deepEqual(parseChangelogReply(Buffer.alloc(0), 'group1'), []);
});
