import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { nodeStoreFs } from './fs-layer.js';
import { pathHasRoom, statPathSpace, StorePathChooser, type ChoosePathRequest } from './space.js';

const MB = 1024 * 1024;
const mb = (n: number) => ({ kind: 'mb' as const, mb: n });

test('the per-path reserved check: absolute MB split over the paths, or a ratio (§8.11)', () => {
  const space = { totalMb: 1000, freeMb: 300 };
  assert.equal(pathHasRoom(space, mb(500), 2), true); // 300 > 250
  assert.equal(pathHasRoom(space, mb(600), 2), false); // 300 > 300 is false
  assert.equal(pathHasRoom(space, mb(500), 2, 60), false); // the file's MB come off first
  assert.equal(pathHasRoom(space, { kind: 'ratio', ratio: 0.2 }, 2), true);
  assert.equal(pathHasRoom(space, { kind: 'ratio', ratio: 0.3 }, 2), false);
  assert.equal(pathHasRoom({ totalMb: 0, freeMb: 0 }, { kind: 'ratio', ratio: 0.1 }, 1), false);
});

test('statPathSpace reports total and free MB of a real file system', async () => {
  const s = await statPathSpace(nodeStoreFs, tmpdir());
  assert.ok(s.totalMb > 0 && s.freeMb >= 0 && s.freeMb <= s.totalMb, JSON.stringify(s));
});

function request(over: Partial<ChoosePathRequest>): ChoosePathRequest {
  return {
    requested: -1,
    mode: 0,
    reserved: mb(0),
    spaces: [undefined, undefined, undefined],
    fileSize: 0,
    ...over,
  };
}

test("the tracker's index is used unless it is −1 or read-only; anything else is EINVAL", () => {
  const chooser = new StorePathChooser([false, true, false]);
  assert.equal(chooser.choose(request({ requested: 2 })), 2);
  assert.equal(chooser.choose(request({ requested: 0 })), 0);
  // Read-only path 1: the storage chooses (round robin from its own position).
  assert.notEqual(chooser.choose(request({ requested: 1 })), 1);
  for (const bad of [3, -2, 255, 1.5]) {
    assert.throws(() => chooser.choose(request({ requested: bad })), {
      code: 'ERR_INVALID_ARGUMENT',
    });
  }
  // A given path without room is ENOSPC (no fallback).
  assert.throws(
    () =>
      chooser.choose(
        request({ requested: 0, reserved: mb(300), spaces: [{ totalMb: 1000, freeMb: 50 }] }),
      ),
    { errno: 28 },
  );
});

test('round robin skips read-only paths and paths without room; ENOSPC when none is left', () => {
  const chooser = new StorePathChooser([false, true, false]);
  const picks = Array.from({ length: 4 }, () => chooser.choose(request({})));
  assert.deepEqual(picks, [0, 2, 0, 2]);
  const spaces = [{ totalMb: 1000, freeMb: 10 }, undefined, { totalMb: 1000, freeMb: 900 }];
  assert.deepEqual(
    [0, 1, 2].map(() => chooser.choose(request({ reserved: mb(300), spaces }))),
    [2, 2, 2],
  );
  assert.throws(() => chooser.choose(request({ reserved: mb(300), spaces, fileSize: 850 * MB })), {
    errno: 28,
    code: 'ERR_IO',
  });
});

test('load balance takes the writable path with the most free MB', () => {
  const chooser = new StorePathChooser([false, true, false]);
  const spaces = [
    { totalMb: 1000, freeMb: 400 },
    { totalMb: 1000, freeMb: 990 },
    { totalMb: 1000, freeMb: 500 },
  ];
  assert.equal(chooser.choose(request({ mode: 2, spaces })), 2);
  assert.equal(
    chooser.choose(request({ mode: 2, spaces, reserved: { kind: 'ratio', ratio: 0.45 } })),
    2,
  );
  assert.throws(() => chooser.choose(request({ mode: 2, spaces, reserved: mb(2000) })), {
    errno: 28,
  });
});
