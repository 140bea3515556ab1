import { Command } from 'ioredis';

/**
 * A command whose bytes on the wire are ours: the name goes out as renamed by the master's
 * rename-command map, every string as latin1 bytes (Argus's byte strings), while ioredis sees
 * the logical lower-case name. ioredis keys its state on that name (SUBSCRIBE enters subscriber
 * mode, so `message` frames are routed), so a renamed SUBSCRIBE still works; its own
 * `toWritable` would write the name as UTF-8.
 *
 * Replies stay Buffers (`replyEncoding: null`); decode.ts turns them into latin1 strings.
 */
export class WireCommand extends Command {
  private readonly wire: Buffer;

  constructor(logicalName: string, wireName: string, args: readonly string[]) {
    super(logicalName.toLowerCase(), [...args], { replyEncoding: null });
    this.wire = encodeCommand(wireName, args);
  }

  override toWritable(_socket: object): Buffer {
    return this.wire;
  }
}

/** RESP2 multi-bulk, every string taken as latin1 (one byte per char). */
export function encodeCommand(name: string, args: readonly string[]): Buffer {
  let s = `*${args.length + 1}\r\n$${name.length}\r\n${name}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}
