import type { Clock } from '../runtime/clock.js';
import type { InstanceRecord, MasterRecord } from '../sentinel/instance.js';
import { instanceDescription, type EventLevel, type SentinelEvent } from './event.js';

export type EventSink = (event: SentinelEvent) => void;

/** Redis truncates event text to its log buffer (1024 bytes including the prefix). */
const MAX_TEXT = 1024 - 1;

/**
 * Every event goes through here: the logger, the pub/sub hub, the notification scripts and
 * (later) the HTTP event history subscribe as sinks, so no producer knows its consumers.
 */
export class EventBus {
  readonly #sinks: EventSink[] = [];
  readonly #clock: Clock;
  readonly #announceHostnames: () => boolean;

  /**
   * `announceHostnames`: the setting as it is now (sentinel announce-hostnames). Without it,
   * instance descriptions show addresses as the records hold them.
   */
  constructor(clock: Clock, announceHostnames: () => boolean = () => true) {
    this.#clock = clock;
    this.#announceHostnames = announceHostnames;
  }

  subscribe(sink: EventSink): () => void {
    this.#sinks.push(sink);
    return () => {
      const i = this.#sinks.indexOf(sink);
      if (i >= 0) this.#sinks.splice(i, 1);
    };
  }

  /**
   * An event about an instance: the text is the instance description, then `detail` after one
   * space when given. `master` is the instance's master (the record itself for a master). On the
   * main thread a name's IP is the one its shard last reported with the master's facts.
   */
  instanceEvent(level: EventLevel, type: string, ri: InstanceRecord, master: MasterRecord, detail?: string): void {
    const desc = instanceDescription(ri, master, { announceHostnames: this.#announceHostnames() });
    this.publish(level, type, detail === undefined ? desc : `${desc} ${detail}`, master.name);
  }

  /** An event whose text has no instance prefix (+new-epoch, +switch-master, +tilt ...). */
  publish(level: EventLevel, type: string, text: string, master: string | null = null): void {
    const event: SentinelEvent = {
      level,
      type,
      text: text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text,
      master,
      time: this.#clock.wall(),
    };
    for (const sink of this.#sinks) sink(event);
  }
}
