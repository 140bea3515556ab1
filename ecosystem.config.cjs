// pm2 apps for Argus (`pm2 start ecosystem.config.cjs`). The design card names this file
// ecosystem.config.js; the package is ESM ("type": "module"), and pm2 loads its ecosystem file
// with require(), so it must be .cjs.
//
// Each sentinel is one process with its own config file and identity: fork mode, never cluster
// mode. Describe a fleet by listing one app per sentinel below (or generate the list).
const path = require('node:path');

const sentinel = (name, configFile) => ({
  name,
  script: path.join(__dirname, 'bin', 'argus-sentinel'),
  args: [configFile],
  exec_mode: 'fork',
  instances: 1,
  // Argus sends 'ready' once its port listens and its shards run.
  wait_ready: true,
  listen_timeout: 10_000,
  // Sentinel rewrites its config on SIGTERM/SIGINT before exiting: give it time to flush.
  kill_timeout: 10_000,
  autorestart: true,
  max_restarts: 50,
  restart_delay: 1_000,
  merge_logs: true,
  time: false,
});

module.exports = {
  apps: [sentinel('argus-26379', path.join(__dirname, 'var', 'sentinel.conf'))],
};
