/**
 * sentinel.current_epoch shared by every thread of the process through shared memory.
 *
 * Why: the current epoch is one number for the whole sentinel. Shards raise it (a hello, a vote
 * request, their own failover) while other shards start failovers of their own; passed around
 * in messages, a shard could start a failover in an epoch older than one another shard already
 * used, and peers refuse votes for it. An atomic maximum register makes every raise visible to
 * every thread at once, and epochs never go backwards anywhere.
 */
export class SharedEpoch {
  readonly buffer: SharedArrayBuffer;
  readonly #cell: BigInt64Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.buffer = buffer;
    this.#cell = new BigInt64Array(buffer, 0, 1);
  }

  get(): number {
    return Number(Atomics.load(this.#cell, 0));
  }

  /** current = max(current, epoch); true when this call raised it */
  raise(epoch: number): boolean {
    const next = BigInt(Math.floor(epoch));
    for (;;) {
      const cur = Atomics.load(this.#cell, 0);
      if (next <= cur) return false;
      if (Atomics.compareExchange(this.#cell, 0, cur, next) === cur) return true;
    }
  }
}
