import type { EventBus } from '../events/bus.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import type { SentinelState } from '../sentinel/state.js';
import { WebhookRunner } from '../webhooks/webhook-runner.js';
import { ScriptRunner, scriptOutputLine } from './script-runner.js';
import { ThreadSpawner } from './thread-spawner.js';

export interface ScriptServices {
  readonly scripts: ScriptRunner;
  readonly webhooks: WebhookRunner;
  stop(): Promise<void>;
}

/**
 * The script runner (on the spawner thread) and the webhook runner, subscribed to the event
 * bus: main.ts's one call for both.
 */
export function startScriptServices(opts: {
  readonly state: SentinelState;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly log: (level: LineLevel, message: string) => void;
}): ScriptServices {
  const { state, events, clock, log } = opts;
  const spawner = new ThreadSpawner({
    output: (o) => log(...scriptOutputLine(o)),
    crashed: (message) => log('warning', message),
  });
  const scripts = new ScriptRunner({ state, events, clock, spawner });
  const webhooks = new WebhookRunner({ state, clock, log });
  const unsubscribe = [events.subscribe((e) => scripts.notify(e)), events.subscribe((e) => webhooks.notify(e))];
  return {
    scripts,
    webhooks,
    async stop() {
      for (const u of unsubscribe) u();
      webhooks.stop();
      await scripts.stop();
    },
  };
}
