/**
 * The composition root: reads the command line and the config, wires the config saver, the
 * event bus, the RESP server and the command table, and owns the process's life (signals,
 * pid file, exit codes). No logic of its own beyond start-up order, which follows redis-sentinel.
 */
import { fdLimitWarning, openFilesLimit } from './runtime/fd-limit.js';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgv, USAGE } from './cli/argv.js';
import { dispatch } from './commands/dispatch.js';
import type { ClientSession, ProcessInfo, SentinelContext } from './commands/types.js';
import { formatFatalConfigError } from './config/fatal.js';
import { ConfigSaver, strerror } from './config/flush.js';
import { endExpiredMaintenance } from './sentinel/maintenance.js';
import { loadConfig } from './config/load.js';
import { rewriteConfig, rewriteStateConfig } from './config/rewrite.js';
import { aclOf } from './acl/registry.js';
import type { LogLevel } from './config/server-options.js';
import { readSettings } from './config/settings.js';
import { configureTls, TLS_FATAL_LINE, TlsConfigError, tlsWanted, type TlsSetup } from './runtime/tls-config.js';
import { ConfigLineError, isArgusError } from './errors.js';
import { fileConfigIo } from './runtime/config-io.js';
import { AuditLog, AUDIT_CAPACITY } from './events/audit.js';
import { EventBus } from './events/bus.js';
import { eventFields } from './events/event-fields.js';
import { EventRing } from './events/history.js';
import { systemClock } from './runtime/clock.js';
import { JitterTimer } from './runtime/jitter-timer.js';
import { HeapTrim } from './runtime/reclaim.js';
import { WallStepWatch, wallStepLine } from './runtime/wall-step.js';
import { Logger } from './runtime/logger.js';
import { removePidfile, writePidfile } from './runtime/pidfile.js';
import { systemRandom } from './runtime/random.js';
import { newServerStats, RespServer } from './server/server.js';
import { ShardHost } from './actors/shard-host.js';
import { startScriptServices } from './scripts/services.js';
import { resolveShardCount } from './actors/placement.js';
import { hostResolver } from './commands/sentinel/host-check.js';
import { ARGUS_VERSION, REDIS_COMPAT_VERSION } from './version.js';
import { EventStream } from './http/event-stream.js';
import { HttpEndpoint } from './http/http-server.js';
import { ArgusMetrics } from './http/metrics.js';

export function versionLine(): string {
  return `Argus sentinel v=${ARGUS_VERSION} redis=${REDIS_COMPAT_VERSION} node=${process.versions.node} bits=64`;
}

/** Exit now with Redis's status 1 after a start-up refusal. */
function die(log: Logger, message: string): never {
  log.warning(message);
  process.exit(1);
}

export async function main(args: readonly string[]): Promise<void> {
  const clock = systemClock;
  const invocation = parseArgv(args);
  if (invocation.kind === 'version') {
    process.stdout.write(`${versionLine()}\n`);
    return;
  }
  if (invocation.kind === 'help') {
    process.stderr.write(USAGE);
    return;
  }

  const bootLog = new Logger(clock);
  if (invocation.configPath === null) die(bootLog, 'Sentinel needs config file on disk to save state. Exiting...');
  // Made absolute before `dir` is applied, so a relative path keeps working after the chdir.
  const configPath = resolve(invocation.configPath);
  let text: string;
  try {
    text = readFileSync(configPath, 'latin1');
  } catch (e) {
    die(bootLog, `Fatal error, can't open config file '${configPath}': ${strerror(e)}`);
  }

  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(text, configPath, invocation.options, clock.monotonic(), fileConfigIo);
  } catch (e) {
    if (e instanceof ConfigLineError) {
      process.stderr.write(formatFatalConfigError(e, REDIS_COMPAT_VERSION));
      process.exit(1);
    }
    // An include that cannot be read is logged, not printed as a FATAL block (as Redis).
    if (isArgusError(e, 'ARGUS_ERR_CONFIG_FILE')) die(bootLog, e.message);
    throw e;
  }
  const { server, state, stateFile } = loaded;
  // With a state file the main file is only read (a read-only ConfigMap will do); the state file
  // must be writable when it exists, and is created by the first save when it does not.
  const savePath = stateFile?.path ?? configPath;
  try {
    if (stateFile === null || existsSync(savePath)) accessSync(savePath, constants.W_OK);
  } catch (e) {
    const what = stateFile === null ? 'config file' : 'state config file';
    die(bootLog, `Sentinel ${what} ${savePath} is not writable: ${strerror(e)}. Exiting...`);
  }

  // `dir` was applied by the loader at its line, as Redis does (later includes and script
  // paths resolve from there).
  const settings = readSettings(server);
  const log = new Logger(clock, settings.loglevel, settings.logfile, settings.logFormat);
  const wallSteps = new WallStepWatch(clock.monotonic(), clock.wall());
  log.warning('oO0OoO0OoO0Oo Argus is starting oO0OoO0OoO0Oo');
  log.warning(
    `Argus version=${ARGUS_VERSION} (Redis ${REDIS_COMPAT_VERSION} Sentinel compatible), bits=64, ` +
      `node=${process.versions.node}, pid=${process.pid}, just started`,
  );
  log.warning('Configuration loaded');
  const fdWarning = fdLimitWarning(openFilesLimit(), state, settings.maxclients);
  if (fdWarning !== null) log.warning(fdWarning);

  // tls.c tlsConfigure, before anything listens or connects: a bad certificate stops start-up.
  let tls: TlsSetup = { server: null, client: null };
  if (tlsWanted(settings)) {
    try {
      tls = configureTls(settings);
    } catch (e) {
      if (!(e instanceof TlsConfigError)) throw e;
      log.warning(e.message);
      die(log, TLS_FATAL_LINE);
    }
  }

  // Hostnames resolve off the event loop with a deadline, here (SENTINEL MONITOR) and in the shards.
  const dns = { timeoutMs: settings.dnsTimeoutMs, servers: settings.dnsServers };
  hostResolver.configure(dns, (level, msg) => log.log(level, msg));

  const events = new EventBus(clock, () => state.announceHostnames);
  // Logged at the event's level (debug events only there: they are never published); a JSON
  // line also carries the event's fields.
  events.subscribe((e) => log.log(e.level, `${e.type} ${e.text}`, eventFields(e)));
  // The last events for SENTINEL EVENTS (and the HTTP layer), and the audit trail of admin commands.
  const history = new EventRing(settings.eventHistory);
  events.subscribe(history.record);
  const audit = new AuditLog(AUDIT_CAPACITY, (line) => log.log('notice', line));

  // Notification / client-reconfig scripts (spawned on their own thread) and webhooks: event sinks.
  const hooks = startScriptServices({ state, events, clock, log: (level, msg) => log.log(level, msg) });

  const saver = new ConfigSaver({
    path: savePath,
    render: (old) => {
      // maintenance that ran out is off: its line goes (the shard asked for this flush then)
      endExpiredMaintenance(state.masters.values(), clock.wall());
      // `sentinel state-config-file`: the runtime state goes there; the main file is never written
      if (stateFile !== null) return rewriteStateConfig(old, server, state, stateFile.mainBase);
      // the users as ACL SETUSER/DELUSER left them; until then the rewrite derives them itself
      const acl = aclOf(server);
      return rewriteConfig(old, server, state, { cwd: process.cwd(), ...(acl.dirty ? { aclUserLines: acl.lines() } : {}) });
    },
    log: (level, msg) => log.log(level, msg),
  });

  // Monitoring runs in shard workers, which own the masters' runtime state; commands read it there.
  const shardCount = resolveShardCount(server.getInt('argus-shards', 0), state.masters.size);
  const shards = new ShardHost({
    state,
    events,
    clock,
    log: (level, msg) => log.log(level, msg),
    saveConfig: () => saver.save(),
    shards: shardCount,
    listenPort: settings.tlsReplication && settings.tlsPort ? settings.tlsPort : settings.port,
    requirepass: settings.requirepass,
    tls: tls.client,
    dns,
    // argv: [script, master, role, state, from-ip, from-port, to-ip, to-port]
    clientReconfig: ([, master, role, st, fromIp, fromPort, toIp, toPort]) =>
      void hooks.scripts.clientReconfig(master!, role as 'leader' | 'observer', st!, fromIp!, Number(fromPort), toIp!, Number(toPort)),
    crash: () => {
      // SENTINEL SIMULATE-FAILURE: the state that led here is saved and the events of the batch
      // that asked for this are logged (they come before this call), then the process dies as
      // Redis's does (sentinelSimFailureCrash: one warning line, exit 99). The shard host calls
      // this once the shard's earlier replies are in (SENTINEL FAILOVER's +OK); clients' replies
      // leave in a setImmediate pass, so the exit comes a full turn after the save, behind it.
      // save() joins the save this batch asked for (one write, one log line).
      void saver.save().finally(() =>
        setImmediate(() =>
          setImmediate(() => {
            log.log('warning', 'Sentinel CRASH because of SENTINEL simulate-failure');
            process.exit(99);
          }),
        ),
      );
    },
  });
  const heapTrim = new HeapTrim(clock.monotonic());
  const timer = new JitterTimer(systemRandom, () => {
    const step = wallSteps.observe(clock.monotonic(), clock.wall(), state.timings.tiltTrigger);
    if (step !== null) log.warning(wallStepLine(step));
    shards.tick();
    heapTrim.tick(clock.monotonic());
  });
  const processInfo: ProcessInfo = {
    runId: systemRandom.hex(40),
    startTime: clock.monotonic(),
    configFile: configPath,
    executable: resolve(process.argv[1] ?? 'argus-sentinel'),
    tcpPort: settings.port,
    hz: () => timer.hz,
    stats: newServerStats(),
    argus: () => ({
      ...shards.processStats(),
      configSaves: saver.saves,
      configSaveRequests: saver.requests,
      configSaveFailures: saver.failures,
      configLastSaveMs: saver.lastDurationMs,
      configLastSaveError: saver.lastError,
    }),
  };

  let shuttingDown = false;
  const context: SentinelContext = {
    state,
    server,
    clock,
    events,
    history,
    audit,
    process: processInfo,
    get pubsub() {
      return resp.pubsub;
    },
    get clients() {
      return resp.clients;
    },
    // SENTINEL SET / CONFIG SET change the main thread's records, then save: the shards pick
    // the change up here.
    saveConfig: () => {
      shards.sync();
      return saver.save();
    },
    setLogLevel: (level: LogLevel) => log.setLevel(level),
    log: (level, message) => log.log(level, message),
    shutdown: (reason) => void shutdown(reason, false),
    monitors: shards,
    scripts: hooks.scripts,
  };

  const resp = new RespServer({
    settings: {
      port: settings.port,
      bind: settings.bind,
      maxclients: settings.maxclients,
      timeout: settings.timeout,
      protectedMode: settings.protectedMode,
      defaultUserHasPassword: () => aclOf(server).authRequired(),
      tcpKeepalive: settings.tcpKeepalive,
      pubsubLimits: settings.clientOutputBufferLimitPubsub,
      maxQueryBuffer: settings.clientQueryBufferLimit,
      maxBulkLen: settings.protoMaxBulkLen,
      tlsPort: settings.tlsPort,
      tls: tls.server,
    },
    stats: processInfo.stats,
    dispatch: (session: ClientSession, argv: readonly string[]) => dispatch({ client: session, sentinel: context }, argv),
    log: (level, msg) => log.log(level, msg),
    clock,
  });
  events.subscribe((e) => {
    if (e.level !== 'debug') resp.pubsub.publish(e.type, e.text);
  });

  // argus-http-port: health, state, load-balancer checks and /metrics (src/http); off by default.
  const metrics = settings.httpPort === 0 ? null : new ArgusMetrics({
    state,
    monitors: shards,
    events,
    scripts: hooks.scripts,
    process: processInfo.argus!,
    clients: () => resp.clients.count(),
    now: () => clock.monotonic(),
  });
  const http = metrics === null ? null : new HttpEndpoint({
    port: settings.httpPort,
    bind: settings.httpBind,
    token: settings.httpToken,
    routes: { state, monitors: shards, clock, lastSaveError: () => saver.lastError, metrics: () => metrics.render(), history, audit },
    // subscribes lazily, so always after history.record above: lastId() is the event's own id
    stream: new EventStream({ history, subscribe: (sink) => events.subscribe(sink) }),
    log: (level, msg) => log.log(level, msg),
  });

  async function shutdown(reason: string, flush: boolean): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    log.warning(reason);
    timer.stop();
    saver.stopRetry();
    // Stopping the shards first brings every master's facts up to date, so the last flush has
    // them all.
    await shards.stop();
    if (flush) await saver.save().catch(() => {});
    if (settings.pidfile) {
      log.notice('Removing the pid file.');
      removePidfile(settings.pidfile);
    }
    await http?.stop();
    await resp.stop();
    log.warning('Sentinel is now ready to exit, bye bye...');
    log.close();
    process.exit(0);
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log.raw(`${process.pid}:signal-handler (${Math.floor(clock.wall() / 1000)}) Received ${signal} scheduling shutdown...\n`);
      void shutdown('User requested shutdown...', true);
    });
  }
  // A sentinel keeps running when its terminal goes away (Redis ignores SIGHUP).
  process.on('SIGHUP', () => {});

  try {
    await resp.start();
  } catch (e) {
    // The server already logged Redis's `Warning: Could not create server TCP listening socket` line.
    if (isArgusError(e, 'ARGUS_ERR_LISTEN')) {
      const transport = e.context.transport === 'TLS' ? 'TLS' : 'TCP';
      die(log, `Failed listening on port ${transport === 'TLS' ? settings.tlsPort : settings.port} (${transport}), aborting.`);
    }
    throw e;
  }
  try {
    await http?.start();
  } catch (e) {
    if (isArgusError(e, 'ARGUS_ERR_LISTEN')) die(log, `${e.message}, aborting.`);
    throw e;
  }
  log.notice(`Running mode=sentinel, port=${settings.port || settings.tlsPort}.`);
  if (settings.pidfile) {
    const failed = writePidfile(settings.pidfile);
    if (failed) log.warning(`Failed to write PID file: ${failed}`);
  }

  if (!loaded.myidLoaded) {
    state.myid = systemRandom.hex(40);
    // The first flush makes the id permanent before anyone can learn it (sentinel.c sentinelIsRunning).
    await saver.save().catch(() => {});
  }
  log.notice(`Sentinel ID is ${state.myid}`);
  for (const master of state.masters.values()) {
    events.instanceEvent('warning', '+monitor', master, master, `quorum ${master.quorum}`);
  }
  try {
    await shards.start();
  } catch (e) {
    die(log, `Could not start the monitoring shards: ${(e as Error).message}`);
  }
  timer.start();
  // pm2's wait_ready (and any supervisor speaking the IPC "ready" convention): listening and
  // monitoring from here on.
  process.send?.('ready');
}
