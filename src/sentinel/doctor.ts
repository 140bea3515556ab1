import type { LinkReply } from '../links/types.js';
import { HELLO_CHANNEL } from './hello.js';
import type { MasterRecord, ReplicaRecord } from './instance.js';
import { renameCommand } from './reconfigure.js';

/**
 * Argus: SENTINEL DOCTOR <master|*>, the permission doctor. redis-sentinel learns that its user
 * lacks a command only when it needs it, often in the middle of a failover, and says nothing
 * (link-errors.ts). The doctor asks each data node ahead of time, with ACL DRYRUN (Redis 7.0+)
 * on the sentinel's own command connection, whether the user Sentinel logs in as may run every
 * command Sentinel sends there. Nothing is executed: DRYRUN only judges.
 */

export type DoctorStatus = 'ok' | 'missing' | 'unchecked';

/** A node the doctor examines: the master or one of its replicas. */
export type DataNode = MasterRecord | ReplicaRecord;

/** One command the node would refuse, with Redis's reply text (NOPERM …, or ERR … for a bad name). */
export interface DoctorRefusal {
  readonly command: string;
  readonly error: string;
}

/** The doctor's finding about one node (SENTINEL DOCTOR prints one map per node). */
export interface DoctorNodeReport {
  readonly master: string;
  /** ip:port */
  readonly name: string;
  readonly role: 'master' | 'slave';
  readonly user: string;
  readonly status: DoctorStatus;
  /** the commands refused (status `missing`); empty otherwise */
  readonly missing: readonly DoctorRefusal[];
  /** why nothing could be checked (status `unchecked`), null otherwise */
  readonly reason: string | null;
}

/** One question for ACL DRYRUN: `argv` holds the command's wire name (rename-command applied) and arguments. */
export interface DoctorProbe {
  readonly label: string;
  readonly argv: readonly string[];
}

/**
 * The user the node sees on Sentinel's connections: `auth-user`, but only with `auth-pass`
 * (sentinelSendAuthIfNeeded sends nothing without a password, so the connection is `default`'s).
 */
export const doctorUser = (master: MasterRecord): string =>
  master.authUser !== null && master.authPass !== null ? master.authUser : 'default';

/** `ip:port` (`[v6]:port`), as the reply names a node. */
export const nodeAddress = (ri: DataNode): string =>
  ri.addr.host.includes(':') ? `[${ri.addr.host}]:${ri.addr.port}` : `${ri.addr.host}:${ri.addr.port}`;

/**
 * Every command Sentinel sends to a master or replica (security.md §2.1; AUTH is always allowed),
 * each under the name the master's rename-command table gives it: a command renamed on the node
 * must be checked under its new name, and one the table misses shows as `Command … not found`.
 */
export function doctorProbes(master: MasterRecord, clientName: string): DoctorProbe[] {
  const n = (name: string): string => renameCommand(master, name);
  const { host, port } = master.addr;
  const probe = (label: string, command: string, ...args: string[]): DoctorProbe => {
    const wire = n(command);
    const renamed = wire.toUpperCase() !== command ? ` (renamed ${wire})` : '';
    return { label: `${label}${renamed}`, argv: [wire, ...args] };
  };
  return [
    probe('PING', 'PING'),
    probe('INFO', 'INFO'),
    probe('SLAVEOF NO ONE', 'SLAVEOF', 'NO', 'ONE'),
    probe('SLAVEOF <host> <port>', 'SLAVEOF', host, String(port)),
    probe('CONFIG REWRITE', 'CONFIG', 'REWRITE'),
    probe('CLIENT KILL', 'CLIENT', 'KILL', 'TYPE', 'normal'),
    probe('CLIENT SETNAME', 'CLIENT', 'SETNAME', clientName),
    probe(`PUBLISH ${HELLO_CHANNEL}`, 'PUBLISH', HELLO_CHANNEL, 'hello'),
    probe(`SUBSCRIBE ${HELLO_CHANNEL}`, 'SUBSCRIBE', HELLO_CHANNEL),
    probe('SCRIPT KILL', 'SCRIPT', 'KILL'),
    probe('MULTI', 'MULTI'),
    probe('EXEC', 'EXEC'),
    probe('FAILOVER', 'FAILOVER'),
  ];
}

/** `ACL` arguments asking whether `user` may run `probe` (the `ACL` name goes through rename-command on the link). */
export const dryrunArgs = (user: string, probe: DoctorProbe): string[] => ['DRYRUN', user, ...probe.argv];

/** The node's `redis_version` from its last INFO, [major, minor]; null before the first INFO. */
export function redisVersionOf(info: string | null): [number, number] | null {
  const m = info === null ? null : /^redis_version:(\d+)\.(\d+)/m.exec(info);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Why the node cannot be asked at all, before anything is sent; null when it can. */
export function doctorPrecheck(ri: DataNode): string | null {
  if (!ri.link.ccConnected) return 'no command connection to the node (down or unreachable)';
  const version = redisVersionOf(ri.info);
  if (version !== null && version[0] < 7) {
    return `ACL DRYRUN needs Redis 7.0 or later; the node runs ${version.join('.')}, so the permissions cannot be checked`;
  }
  return null;
}

/** A reply that says DRYRUN itself failed: nothing about the command it was asked about. */
function dryrunFailure(reply: LinkReply): string | null {
  if (reply.kind === 'closed') return `the connection closed before ACL DRYRUN answered (${reply.reason})`;
  if (reply.kind !== 'error') return null;
  const text = reply.message;
  if (/^(NOPERM|NOAUTH|WRONGPASS)\b/.test(text)) {
    return `ACL DRYRUN was refused: ${text} (the check needs +acl|dryrun for this user)`;
  }
  if (/unknown (sub)?command/i.test(text)) return `the node does not support ACL DRYRUN (Redis 7.0 or later): ${text}`;
  if (/^ERR User .* not found/.test(text)) return text;
  return null;
}

/**
 * What the node said about each probe (`replies[i]` answers `probes[i]`). DRYRUN answers `OK`
 * or explains a refusal in a bulk string ("This user has no permissions to run the
 * 'config|rewrite' command"), shown as the NOPERM reply the command itself would get; an error
 * about the probed command (not found: a rename-command mismatch) counts as missing too.
 */
export function judgeDryruns(
  probes: readonly DoctorProbe[],
  replies: readonly LinkReply[],
): { status: DoctorStatus; missing: DoctorRefusal[]; reason: string | null } {
  const missing: DoctorRefusal[] = [];
  for (const [i, probe] of probes.entries()) {
    const reply = replies[i] ?? { kind: 'closed', reason: 'no reply' };
    const failure = dryrunFailure(reply);
    if (failure !== null) return { status: 'unchecked', missing: [], reason: failure };
    if (reply.kind === 'error') missing.push({ command: probe.label, error: reply.message });
    else if (reply.kind === 'ok' && reply.value !== 'OK') {
      const text = String(reply.value);
      missing.push({ command: probe.label, error: `NOPERM ${text.charAt(0).toLowerCase()}${text.slice(1)}` });
    }
  }
  return { status: missing.length > 0 ? 'missing' : 'ok', missing, reason: null };
}

/** The report of a node that could not be asked. */
export function uncheckedNode(master: MasterRecord, ri: DataNode, reason: string): DoctorNodeReport {
  return {
    master: master.name,
    name: nodeAddress(ri),
    role: ri.kind === 'master' ? 'master' : 'slave',
    user: doctorUser(master),
    status: 'unchecked',
    missing: [],
    reason,
  };
}
