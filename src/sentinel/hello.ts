import { atoi, strtoull } from '../config/c-numbers.js';
import { hasControlChars } from '../config/quote.js';

/** sentinel.c SENTINEL_HELLO_CHANNEL */
export const HELLO_CHANNEL = '__sentinel__:hello';

/** The 8 fields of a hello (monitoring.md §5.1), in wire order. */
export interface Hello {
  /** announce-ip, or the local address of the connection the hello goes out on */
  readonly ip: string;
  readonly port: number;
  readonly runid: string;
  readonly currentEpoch: number;
  readonly masterName: string;
  /** the current master address (announced form) */
  readonly masterIp: string;
  readonly masterPort: number;
  readonly masterConfigEpoch: number;
}

/** sentinel.c sentinelSendHello's payload: 8 comma-separated fields, no spaces, epochs unsigned decimal. */
export function formatHello(h: Hello): string {
  return [h.ip, h.port, h.runid, h.currentEpoch, h.masterName, h.masterIp, h.masterPort, h.masterConfigEpoch].join(',');
}

/**
 * sentinel.c sentinelProcessHelloMessage, parsing part: exactly 8 fields (empty ones count) or
 * null; ports by atoi, epochs by strtoull, so junk reads as 0 rather than failing.
 *
 * Argus also drops a hello holding a control character. No sentinel sends one, and anyone who may
 * PUBLISH to a sentinel or to a data node could otherwise plant a peer whose run id carries a
 * newline: a forged line in the log and in every event about it, and in redis-sentinel 7.0 a
 * `known-sentinel` line that injects config (Argus quotes it on rewrite).
 */
export function parseHello(payload: string): Hello | null {
  if (hasControlChars(payload)) return null;
  const t = payload.split(',');
  if (t.length !== 8) return null;
  const [ip, port, runid, currentEpoch, masterName, masterIp, masterPort, masterConfigEpoch] = t as [
    string, string, string, string, string, string, string, string,
  ];
  return {
    ip,
    port: atoi(port),
    runid,
    currentEpoch: Number(strtoull(currentEpoch)),
    masterName,
    masterIp,
    masterPort: atoi(masterPort),
    masterConfigEpoch: Number(strtoull(masterConfigEpoch)),
  };
}

/**
 * The pub/sub path ignores any payload that contains our own myid anywhere (sentinel.c
 * sentinelReceiveHelloMessages uses strstr); the Sentinel PUBLISH command has no such filter.
 */
export const isOwnHello = (payload: string, myid: string): boolean => myid !== '' && payload.includes(myid);
