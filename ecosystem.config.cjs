// pm2 apps for Argus: `pm2 start ecosystem.config.cjs` runs the fleet described in a JSON file,
// ARGUS_FLEET if set, else config/fleet.json (one sentinel on 26379, the `npm start` one).
// The design card names this file ecosystem.config.js; the package is ESM ("type": "module")
// and pm2 loads its ecosystem file with require(), so it must be .cjs.
//
// Fleet file (relative paths are resolved from the fleet file's directory):
//   {
//     "template": "sentinel.conf",            optional, default config/sentinel.conf
//     "sentinels": [
//       { "port": 26379, "config": "var/argus-26379.conf",
//         "name": "argus-26379",              optional, default argus-<port>
//         "log": "var/argus-26379.log",       optional, default pm2's ~/.pm2/logs/<name>-out.log
//         "errorLog": "...",                   optional, default the same file as "log"
//         "template": "...",                   optional, this sentinel's own template
//         "args": ["--loglevel", "verbose"],   optional, more redis-sentinel command-line directives
//         "nodeArgs": ["--max-old-space-size=4096"] }
//     ]
//   }
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FLEET_KEYS = new Set(['template', 'sentinels']);
const NODE_FLAGS = ['--max-semi-space-size=1'];
const SENTINEL_KEYS = new Set(['name', 'port', 'config', 'log', 'errorLog', 'template', 'args', 'nodeArgs']);

function fail(file, message) {
  throw new Error(`Argus fleet file ${file}: ${message}`);
}

function stringList(file, where, value) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(file, `${where} must be an array of strings`);
  return value;
}

/** The pm2 app of every sentinel described in `file`. Throws on a description pm2 would misrun. */
function fleetApps(file) {
  file = path.resolve(file);
  let fleet;
  try {
    fleet = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(file, e.message);
  }
  if (typeof fleet !== 'object' || fleet === null || Array.isArray(fleet)) fail(file, 'expected a JSON object');
  // An unknown key is most likely a misspelt one: refusing it beats running with a default.
  for (const key of Object.keys(fleet)) if (!FLEET_KEYS.has(key)) fail(file, `unknown key "${key}"`);
  if (!Array.isArray(fleet.sentinels) || fleet.sentinels.length === 0) fail(file, '"sentinels" must be a non-empty array');
  const from = (p) => path.resolve(path.dirname(file), p);
  const fleetTemplate = fleet.template === undefined ? path.join(__dirname, 'config', 'sentinel.conf') : from(fleet.template);

  const seen = { name: new Set(), port: new Set(), config: new Set() };
  const unique = (kind, value, where) => {
    if (seen[kind].has(value)) fail(file, `${where}: ${kind} ${value} is used twice`);
    seen[kind].add(value);
  };
  const apps = fleet.sentinels.map((s, i) => {
    const where = `sentinels[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) fail(file, `${where} must be an object`);
    for (const key of Object.keys(s)) if (!SENTINEL_KEYS.has(key)) fail(file, `${where}: unknown key "${key}"`);
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) fail(file, `${where}: "port" must be an integer 1-65535`);
    if (typeof s.config !== 'string' || s.config === '') fail(file, `${where}: "config" (the sentinel's own config file) is required`);
    for (const key of ['name', 'log', 'errorLog', 'template']) {
      if (s[key] !== undefined && (typeof s[key] !== 'string' || s[key] === '')) fail(file, `${where}: "${key}" must be a non-empty string`);
    }
    const name = s.name ?? `argus-${s.port}`;
    // pm2 reads an all-digit name as a process id, and "all" as every process.
    if (/^\d+$/.test(name) || name === 'all' || /\s/.test(name)) fail(file, `${where}: "${name}" cannot be a pm2 name`);
    const config = from(s.config);
    unique('port', s.port, where);
    unique('name', name, where);
    unique('config', config, where);
    const args = stringList(file, `${where}: "args"`, s.args);
    const nodeArgs = stringList(file, `${where}: "nodeArgs"`, s.nodeArgs);
    const log = s.log === undefined ? undefined : from(s.log);
    const errorLog = s.errorLog === undefined ? log : from(s.errorLog);

    return {
      name,
      // The launcher creates the config from the template when it is missing, at every start
      // (so `pm2 resurrect` after a reboot does it too, without this file), then runs Argus on it.
      script: path.join(__dirname, 'bin', 'argus-sentinel-default'),
      // --port on the command line, as redis-sentinel takes it: the fleet file stays the
      // authority over ports, and Sentinel's rewrite saves it into the config.
      args: ['--port', String(s.port), ...args],
      env: {
        ARGUS_CONFIG: config,
        ARGUS_CONFIG_TEMPLATE: s.template === undefined ? fleetTemplate : from(s.template),
      },
      // Sentinel writes its working directory into the config as `dir` and resolves relative
      // paths (scripts, logfile) from it: the config's own directory keeps that stable however
      // pm2 was started.
      cwd: path.dirname(config),
      // Each sentinel is one process with its own config file and identity (myid): never
      // cluster mode, never more than one instance.
      exec_mode: 'fork',
      instances: 1,
      // Argus sends 'ready' once its port listens and its shards run; pm2 reports the process
      // online (and `pm2 start`/`reload` return) only then, or after listen_timeout at worst.
      wait_ready: true,
      listen_timeout: 10_000,
      // pm2 sends SIGINT, then SIGKILL after kill_timeout (1.6 s by default). On SIGINT Argus
      // stops its shards and writes its config (fsync'd) before exiting: the margin is for a
      // large fleet on a slow disk, where a SIGKILL would skip that last save.
      kill_timeout: 10_000,
      // A sentinel that dies is restarted: after 100 ms, then 1.5 times longer each time (at most
      // 15 s) until it stays up. One that dies within 5 s of starting 10 times in a row (a bad
      // config, a port taken) is left `errored` for an operator to read its log.
      autorestart: true,
      exp_backoff_restart_delay: 100,
      min_uptime: 5_000,
      max_restarts: 10,
      // Argus's own lines carry a timestamp and the pid (Redis's format): pm2 adds neither.
      time: false,
      // With `instances` given, pm2 would otherwise put its process id into the log file names
      // (argus-26379.log becoming argus-0.log): the names stay the ones given.
      merge_logs: true,
      ...(log ? { out_file: log } : {}),
      ...(errorLog ? { error_file: errorLog } : {}),
      // a small young generation: docs/design.md ("Cost") has the figures; bin/argus-sentinel's
      // first line says the same for a sentinel started by hand
      node_args: [...NODE_FLAGS, ...nodeArgs],
    };
  });
  // pm2 spawns in `cwd` and opens the log files itself, before Argus runs: their directories
  // must exist. Made only once the whole description is known to be good.
  for (const app of apps) {
    const logs = [app.out_file, app.error_file].filter(Boolean);
    for (const dir of [app.cwd, ...logs.map((f) => path.dirname(f))]) fs.mkdirSync(dir, { recursive: true });
  }
  return apps;
}

module.exports = {
  apps: fleetApps(process.env.ARGUS_FLEET || path.join(__dirname, 'config', 'fleet.json')),
};
