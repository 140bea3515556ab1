/**
 * Messages between a bench and a simulator process (child_process IPC), and the address plan.
 * One closed union per direction; plain data.
 */
import type { FaultAction, SimStats } from './server.js';

export interface SimAddr {
  readonly ip: string;
  readonly port: number;
}

export interface SimGroupSpec {
  readonly master: SimAddr;
  readonly replicas: readonly SimAddr[];
}

export interface SimOptions {
  /** slave_priority of every replica (Redis's default 100; 0 = never promoted) */
  readonly replicaPriority: number;
  readonly propagatePublish: boolean;
  readonly password: string | null;
  readonly seed: number;
}

export type ToSim =
  | { readonly type: 'start'; readonly groups: readonly SimGroupSpec[]; readonly options: SimOptions }
  | { readonly type: 'fault'; readonly id: number; readonly action: FaultAction; readonly addrs: readonly string[] }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'stop' };

export type FromSim =
  | { readonly type: 'ready'; readonly instances: number; readonly listenMs: number }
  | { readonly type: 'failed'; readonly message: string }
  /** `at`: epoch ms (timeOrigin + now) right after the fault was done; `unknown`: addresses not here */
  | { readonly type: 'done'; readonly id: number; readonly at: number; readonly unknown: readonly string[] }
  | { readonly type: 'stats'; readonly id: number; readonly stats: SimStats };

/**
 * The address of instance `i` of a fleet: 127.<octet + i / 64000>.<(i / 250) mod 256>.<1 + i mod 250>,
 * all on the same port. Host octets 0 and 251–255 are left out so no address looks like a network
 * or broadcast address to a reader.
 */
export function simIp(i: number, octet: number): string {
  const second = octet + Math.floor(i / 64_000);
  if (second > 254) throw new Error(`instance ${i} does not fit in 127.${octet}.0.0 and above`);
  return `127.${second}.${Math.floor(i / 250) % 256}.${1 + (i % 250)}`;
}
