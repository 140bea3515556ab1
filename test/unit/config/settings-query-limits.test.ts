import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { readSettings } from '../../../src/config/settings.js';

const settingsOf = (text: string) => readSettings(loadConfig(text, '/etc/sentinel.conf', [], 0).server);

test('readSettings: client-query-buffer-limit and proto-max-bulk-len default to Redis\'s 1gb and 512mb', (t) => {
  t.like(settingsOf(''), { clientQueryBufferLimit: 1024 ** 3, protoMaxBulkLen: 512 * 1024 ** 2 });
});

test('readSettings: reads client-query-buffer-limit and proto-max-bulk-len with memory units', (t) => {
  t.like(settingsOf('client-query-buffer-limit 2mb\nproto-max-bulk-len 1500000\n'), {
    clientQueryBufferLimit: 2 * 1024 ** 2, protoMaxBulkLen: 1_500_000,
  });
  t.like(settingsOf('client-query-buffer-limit 3MB\nproto-max-bulk-len 1gb\n'), {
    clientQueryBufferLimit: 3 * 1024 ** 2, protoMaxBulkLen: 1024 ** 3,
  });
});
