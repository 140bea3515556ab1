import test from 'ava';
import { parseHello } from '../../../src/sentinel/hello.js';

const RUNID = 'a'.repeat(40);

test('hello: a control character anywhere drops the hello (log and config injection through a run id)', (t) => {
  t.truthy(parseHello(`127.0.0.1,26379,${RUNID},0,m,127.0.0.1,6379,0`));
  for (const bad of ['\n', '\r', '\0', '\x1b', '\x7f', '\t']) {
    t.is(parseHello(`127.0.0.1,26379,${RUNID}${bad}sentinel notification-script m /tmp/x,0,m,127.0.0.1,6379,0`), null, JSON.stringify(bad));
    t.is(parseHello(`127.0.0.1,26379,${RUNID},0,m${bad},127.0.0.1,6379,0`), null, `${JSON.stringify(bad)} in the master name`);
    t.is(parseHello(`127.0.0.1${bad},26379,${RUNID},0,m,127.0.0.1,6379,0`), null, `${JSON.stringify(bad)} in the ip`);
  }
});

test('hello: bytes above 0x7f are not control characters', (t) => {
  t.is(parseHello(`127.0.0.1,26379,${RUNID},0,m\xe9,127.0.0.1,6379,0`)?.masterName, 'm\xe9');
});
