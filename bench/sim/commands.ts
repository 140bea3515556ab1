/**
 * The commands a simulated instance answers: what Sentinel sends (monitoring.md §3–4,
 * failover.md §6) with redis-server's replies and side effects, plus the few a person poking at
 * the simulator with redis-cli expects. PURE apart from the client hooks the I/O side supplies
 * (`push` for pub/sub frames to other clients, `kill` for CLIENT KILL and QUIT).
 */
import { array, arrayOf, bulk, err, int, nullBulk, ok, simple, type Reply } from '../../src/resp/reply.js';
import { writeReply } from '../../src/resp/reply-writer.js';
import { infoText } from './info.js';
import type { SimClient, SimInstance, SimWorld } from './model.js';

export interface Clock {
  /** monotonic ms */
  readonly now: number;
  /** epoch ms, for INFO's dates */
  readonly wallMs: number;
}

const PONG = simple('PONG');
const QUEUED = simple('QUEUED');
const BUSY = err('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
const NOAUTH = err('NOAUTH Authentication required.');
const NOT_INTEGER = err('ERR value is not an integer or out of range');

/** Redis's arity: n > 0 exactly n words, n < 0 at least -n. Commands missing here are unknown. */
const ARITY: Readonly<Record<string, number>> = {
  ping: -1, echo: 2, info: -1, client: -2, auth: -2, subscribe: -2, unsubscribe: -1, psubscribe: -2, punsubscribe: -1,
  publish: 3, slaveof: 3, replicaof: 3, multi: 1, exec: 1, discard: 1, config: -2, script: -2, role: 1, select: 2,
  quit: -1, reset: 1,
};

/** Allowed in RESP2 once a client has subscriptions (networking.c, Redis 7). */
const SUBSCRIBED_OK = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);
/** Run at once inside MULTI instead of being queued. */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'quit', 'reset']);
/** What a busy script still lets through. */
const BUSY_OK = new Set(['auth', 'script', 'quit']);

const unknown = (name: string, args: readonly string[]): Reply =>
  err(`ERR unknown command '${name}', with args beginning with: ${args.map((a) => `'${a}' `).join('')}`);

const parseIntStrict = (s: string): number | null => (/^-?\d{1,18}$/.test(s) ? Number(s) : null);

/** `message` frames for one PUBLISH, encoded once for every subscriber. */
function messageFrame(channel: string, message: string): Buffer {
  return writeReply(arrayOf(bulk('message'), bulk(channel), bulk(message)), 2);
}

/**
 * Delivers a PUBLISH to `inst`'s subscribers and, as Redis replicates PUBLISH, to those of the
 * replicas below it. Returns the receivers on `inst` itself (PUBLISH's reply).
 */
export function deliver(world: SimWorld, inst: SimInstance, channel: string, message: string): number {
  let frame: Buffer | null = null;
  let here = 0;
  const visit = (node: SimInstance, depth: number): void => {
    if (node.state !== 'up') return; // a hung or dead server sends nothing
    for (const c of node.clients) {
      if (!c.subscriptions.has(channel)) continue;
      frame ??= messageFrame(channel, message);
      c.push(frame);
      if (depth === 0) here++;
    }
    if (world.propagatePublish && depth < 4) for (const r of world.replicasOf(node)) visit(r, depth + 1);
  };
  visit(inst, 0);
  return here;
}

function subscribe(client: SimClient, channels: readonly string[], on: boolean): Reply[] {
  const targets = channels.length ? channels : on ? [] : [...client.subscriptions];
  if (!on && targets.length === 0) return [arrayOf(bulk('unsubscribe'), nullBulk, int(0))];
  return targets.map((ch) => {
    if (on) client.subscriptions.add(ch);
    else client.subscriptions.delete(ch);
    return arrayOf(bulk(on ? 'subscribe' : 'unsubscribe'), bulk(ch), int(client.subscriptions.size));
  });
}

/** CLIENT KILL: the old `ip:port` form (+OK / error) and the filter form (count of killed). */
function clientKill(inst: SimInstance, self: SimClient, args: readonly string[]): Reply {
  if (args.length === 1) {
    for (const c of inst.clients) {
      if (c.addr === args[0]) {
        c.kill();
        return ok;
      }
    }
    return err('ERR No such client');
  }
  if (args.length % 2 !== 0) return err('ERR syntax error');
  let type: string | null = null;
  let addr: string | null = null;
  let id: number | null = null;
  let skipMe = true;
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i]!.toLowerCase();
    const v = args[i + 1]!;
    if (k === 'type') type = v.toLowerCase();
    else if (k === 'addr') addr = v;
    else if (k === 'id') id = parseIntStrict(v);
    else if (k === 'skipme') skipMe = v.toLowerCase() !== 'no';
    else return err('ERR syntax error');
  }
  if (type !== null && !['normal', 'pubsub', 'master', 'replica', 'slave'].includes(type)) {
    return err(`ERR Unknown client type '${type}'`);
  }
  let killed = 0;
  for (const c of [...inst.clients]) {
    if (skipMe && c === self) continue;
    const pubsub = c.subscriptions.size > 0;
    // Sentinel's links are normal or pubsub clients; no replication link is simulated as a client.
    if (type !== null && !((type === 'normal' && !pubsub) || (type === 'pubsub' && pubsub))) continue;
    if (addr !== null && c.addr !== addr) continue;
    if (id !== null && c.id !== id) continue;
    c.kill();
    killed++;
  }
  return int(killed);
}

function client(inst: SimInstance, self: SimClient, args: readonly string[]): Reply {
  const sub = args[0]!.toLowerCase();
  switch (sub) {
    case 'setname':
      if (args.length !== 2) return err("ERR wrong number of arguments for 'client|setname' command");
      if (/[ \n]/.test(args[1]!)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
      self.name = args[1]!;
      return ok;
    case 'getname':
      return self.name ? bulk(self.name) : nullBulk;
    case 'id':
      return int(self.id);
    case 'kill':
      return args.length >= 2 ? clientKill(inst, self, args.slice(1)) : err("ERR wrong number of arguments for 'client|kill' command");
    case 'list': {
      let out = '';
      for (const c of inst.clients) out += `id=${c.id} addr=${c.addr} name=${c.name} sub=${c.subscriptions.size} multi=${c.multi ? c.multi.length : -1}\n`;
      return bulk(out);
    }
    default:
      return ok;
  }
}

function slaveOf(world: SimWorld, inst: SimInstance, host: string, portArg: string, now: number): Reply {
  if (host.toLowerCase() === 'no' && portArg.toLowerCase() === 'one') {
    world.promote(inst, now);
    return ok;
  }
  const port = parseIntStrict(portArg);
  if (port === null || port < 0 || port > 65535) return NOT_INTEGER;
  if (inst.role === 'slave' && inst.masterHost === host && inst.masterPort === port) {
    return simple('OK Already connected to specified master');
  }
  world.replicate(inst, host, port, now);
  return ok;
}

function role(world: SimWorld, inst: SimInstance, now: number): Reply {
  const offset = world.offset(inst, now);
  if (inst.role === 'master') {
    return arrayOf(bulk('master'), int(offset), array(world.replicasOf(inst).map((r) => arrayOf(bulk(r.ip), bulk(String(r.port)), bulk(String(offset))))));
  }
  const up = world.linkUp(inst, now);
  return arrayOf(bulk('slave'), bulk(inst.masterHost ?? ''), int(inst.masterPort), bulk(up ? 'connected' : 'connect'), int(offset));
}

/** One command outside MULTI's queueing; `name` is lower-case, arity already checked. */
function run(world: SimWorld, inst: SimInstance, self: SimClient, name: string, args: readonly string[], clock: Clock): Reply[] {
  switch (name) {
    case 'ping':
      if (self.subscriptions.size > 0) return [arrayOf(bulk('pong'), bulk(args[0] ?? ''))];
      return [args.length ? bulk(args[0]!) : PONG];
    case 'echo':
      return [bulk(args[0]!)];
    case 'info':
      inst.infoServed++;
      return [bulk(infoText(world, inst, args, clock.now, clock.wallMs))];
    case 'client':
      return [client(inst, self, args)];
    case 'auth': {
      if (args.length > 2) return [err('ERR syntax error')];
      const pass = args[args.length - 1]!;
      if (world.password === null) {
        return [args.length === 1 ? err('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?') : ok];
      }
      if (pass !== world.password) return [err('WRONGPASS invalid username-password pair or user is disabled.')];
      self.authed = true;
      return [ok];
    }
    case 'subscribe':
      return subscribe(self, args, true);
    case 'unsubscribe':
      return subscribe(self, args, false);
    case 'psubscribe':
    case 'punsubscribe':
      return [err('ERR the simulator does not serve pattern subscriptions')];
    case 'publish':
      inst.publishes++;
      return [int(deliver(world, inst, args[0]!, args[1]!))];
    case 'slaveof':
    case 'replicaof':
      return [slaveOf(world, inst, args[0]!, args[1]!, clock.now)];
    case 'multi':
      if (self.multi) return [err('ERR MULTI calls can not be nested')];
      self.multi = [];
      self.multiFailed = false;
      return [ok];
    case 'exec': {
      const queued = self.multi;
      if (!queued) return [err('ERR EXEC without MULTI')];
      self.multi = null;
      if (self.multiFailed) return [err('EXECABORT Transaction discarded because of previous errors.')];
      // Each queued command runs as it would alone; SLAVEOF NO ONE takes effect before EXEC's
      // reply, so an INFO pipelined behind it already says role:master.
      return [array(queued.flatMap(([n, ...a]) => run(world, inst, self, n!, a, clock)))];
    }
    case 'discard':
      if (!self.multi) return [err('ERR DISCARD without MULTI')];
      self.multi = null;
      return [ok];
    case 'config': {
      const sub = args[0]!.toLowerCase();
      if (sub === 'get') return [array([])];
      return [ok]; // REWRITE, SET, RESETSTAT: nothing to persist in a simulation
    }
    case 'script':
      if (args[0]!.toLowerCase() !== 'kill') return [ok];
      if (!inst.busy) return [err('NOTBUSY No scripts in execution right now.')];
      inst.busy = false;
      return [ok];
    case 'role':
      return [role(world, inst, clock.now)];
    case 'select':
      return [args[0] === '0' ? ok : err('ERR DB index is out of range')];
    case 'quit':
      self.kill();
      return [ok];
    case 'reset':
      self.multi = null;
      self.subscriptions.clear();
      self.name = '';
      return [simple('RESET')];
    default:
      return [unknown(name, args)];
  }
}

/**
 * Executes one command from `self` on `inst` and returns the frames to write back to it, in
 * order (several for a multi-channel SUBSCRIBE). A hung or dead instance never gets here: the
 * I/O side stops reading its sockets.
 */
export function execute(world: SimWorld, inst: SimInstance, self: SimClient, argv: readonly string[], clock: Clock): Reply[] {
  inst.commands++;
  const name = argv[0]!.toLowerCase();
  const args = argv.slice(1);
  const arity = ARITY[name];
  if (arity === undefined || (arity > 0 ? argv.length !== arity : argv.length < -arity)) {
    if (self.multi) self.multiFailed = true;
    return [arity === undefined ? unknown(argv[0]!, args) : err(`ERR wrong number of arguments for '${name}' command`)];
  }
  if (world.password !== null && !self.authed && name !== 'auth' && name !== 'quit') return [NOAUTH];
  if (self.subscriptions.size > 0 && !SUBSCRIBED_OK.has(name)) {
    return [err(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`)];
  }
  if (inst.busy && !BUSY_OK.has(name)) return [BUSY];
  if (self.multi && !NOT_QUEUED.has(name)) {
    self.multi.push([name, ...args]);
    return [QUEUED];
  }
  return run(world, inst, self, name, args, clock);
}

/** A client record for tests and for the I/O side. */
export function newClient(id: number, addr: string, hooks: Pick<SimClient, 'push' | 'kill'>): SimClient {
  return { id, addr, name: '', subscriptions: new Set(), multi: null, multiFailed: false, authed: false, ...hooks };
}
