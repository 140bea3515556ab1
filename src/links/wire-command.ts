/**
 * A command as it goes on the wire: RESP2 multi-bulk, the name as renamed by the master's
 * rename-command map and every string taken as latin1 (one byte per char: Argus's byte strings).
 */
export function encodeCommand(name: string, args: readonly string[]): string {
  let s = `*${args.length + 1}\r\n$${name.length}\r\n${name}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}
