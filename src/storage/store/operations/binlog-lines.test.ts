// The binlog text the operations write, line by line as §8.3 lays it out (no parser in between):
// `<timestamp> <op> <logic_filename>[ <extra>]\n`, source ops in upper case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentOf, withStore } from '../store.test.helper.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

test('every operation writes its §8.3 line, in order, ending with a newline', async () => {
  await withStore(
    async ({ store, binlogText, clock }) => {
      const t = store.now();
      const a = await store.upload({
        storePathIndex: 0,
        size: 16,
        ext: 'log',
        content: contentOf(Buffer.from('appender-part-1\n')),
        appender: true,
      });
      await store.append({
        logicName: a.logicName,
        size: 16,
        content: contentOf(Buffer.from('appender-part-2\n')),
      });
      await store.truncate({ logicName: a.logicName, newSize: 20 });
      await store.modify({
        logicName: a.logicName,
        offset: 4,
        size: 8,
        content: contentOf(Buffer.from('MODIFIED')),
      });
      await store.setMetadata(a.logicName, 'O', [{ name: 'k', value: 'v' }]);
      await store.setMetadata(a.logicName, 'M', [{ name: 'k2', value: 'v2' }]);
      clock.ms += 1000;
      const renamed = await store.regenerateAppenderName(a.logicName);
      const slave = await store.uploadSlave({
        masterLogicName: renamed,
        prefix: '_big',
        ext: 'log',
        size: 3,
        content: contentOf(Buffer.from('big')),
      });
      const link = await store.createLink({ sourceLogicName: renamed, ext: 'txt' });
      await store.delete(slave.logicName);
      const n = esc(a.logicName);
      const r = esc(renamed);
      const s = esc(slave.logicName);
      const g = esc(slave.linkTarget!);
      const expected = [
        `\\d+ C ${n}`,
        `\\d+ A ${n} 16 16`,
        `\\d+ T ${n} 32 20`,
        `\\d+ M ${n} 4 8`,
        `${t} C ${n}-m`,
        `${t} U ${n}-m`,
        `${t + 1} R ${r} ${n}`,
        `\\d+ C ${g}`,
        `${t + 1} L ${s} ${g}`,
        `${t + 1} L ${esc(link)} ${r}`,
        `${t + 1} D ${g}`,
        `${t + 1} D ${s}`,
      ];
      const text = await binlogText();
      assert.ok(text.endsWith('\n'));
      const lines = text.slice(0, -1).split('\n');
      assert.equal(lines.length, expected.length, text);
      lines.forEach((line, i) =>
        assert.match(line, new RegExp(`^${expected[i]}$`), `line ${i + 1}`),
      );
    },
    { settings: { storeSlaveFileUseLink: true } },
  );
});
