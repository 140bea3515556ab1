import test from 'ava';
import type { SentinelEvent } from '../../../src/events/event.js';
import { eventFields } from '../../../src/events/event-fields.js';

const ev = (type: string, text: string, master: string | null = null): SentinelEvent => ({ level: 'warning', type, text, master, time: 0 });

test('event fields: instance and role from the description prefix, master from the event', (t) => {
  t.deepEqual(eventFields(ev('+monitor', 'master m 127.0.0.1 6379 quorum 2', 'm')), {
    event: '+monitor', master: 'm', instance: '127.0.0.1:6379', role: 'master', text: 'master m 127.0.0.1 6379 quorum 2',
  });
  t.like(eventFields(ev('+slave', 'slave 10.0.0.2:6380 10.0.0.2 6380 @ m 10.0.0.1 6379', 'm')), {
    instance: '10.0.0.2:6380', role: 'slave', master: 'm',
  });
  t.like(eventFields(ev('+sdown', 'master m 127.0.0.1 6379', 'm')), { instance: '127.0.0.1:6379' });
});

test('event fields: epoch from +new-epoch and +vote-for-leader; none where the text carries none', (t) => {
  t.deepEqual(eventFields(ev('+new-epoch', '7')), { event: '+new-epoch', epoch: 7, text: '7' });
  t.like(eventFields(ev('+vote-for-leader', `${'a'.repeat(40)} 12`, 'm')), { epoch: 12, master: 'm' });
  t.false('epoch' in eventFields(ev('+sdown', 'master m 1.2.3.4 1', 'm')));
  t.deepEqual(eventFields(ev('+tilt', '#tilt mode entered')), { event: '+tilt', text: '#tilt mode entered' });
});

test('event fields: +switch-master names its master even without one on the event', (t) => {
  t.like(eventFields(ev('+switch-master', 'm 10.0.0.1 6379 10.0.0.2 6380')), { master: 'm' });
  t.false('instance' in eventFields(ev('+switch-master', 'm 10.0.0.1 6379 10.0.0.2 6380')));
});
