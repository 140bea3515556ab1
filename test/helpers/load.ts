/**
 * The parent's side of load-gen.ts: forks the load generator, nices it below everything it loads
 * (the 2-core box should spend its time on the sentinels, not on the clients), and talks to it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromLoad, LoadReport, LoadSpec, ToLoad } from './load-gen.js';

export type { LoadReport, LoadSpec } from './load-gen.js';

const GEN = join(dirname(fileURLToPath(import.meta.url)), 'load-gen.js');

export interface LoadGen {
  readonly child: ChildProcess;
  /** starts the window over which every client's longest wait for a reply is measured */
  arm(): void;
  report(): Promise<LoadReport>;
  /** closes every socket; resolves with the last report */
  stop(): Promise<LoadReport>;
  /** SIGKILL, for teardowns */
  kill(): void;
}

/** Forks the generator and resolves once every client is connected and every subscriber subscribed. */
export async function startLoad(spec: LoadSpec, readyTimeoutMs = 60_000): Promise<LoadGen> {
  const child = fork(GEN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    setPriority(child.pid!, 10);
  } catch {
    // not allowed to renice: the load competes at the same priority, and that is all
  }
  const next = (type: FromLoad['type'], timeoutMs: number): Promise<FromLoad> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`load generator: no '${type}' in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: FromLoad) => {
        if (m.type !== type && m.type !== 'failed') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (m.type === 'failed') reject(new Error(`load generator: ${m.message}`));
        else resolve(m);
      };
      child.on('message', onMessage);
    });
  const tell = (m: ToLoad) => child.send(m);
  const ready = next('ready', readyTimeoutMs);
  tell({ type: 'start', spec });
  try {
    await ready;
  } catch (e) {
    kill();
    throw e;
  }
  const report = async (m: ToLoad) => {
    const r = next('report', 20_000);
    tell(m);
    return ((await r) as Extract<FromLoad, { type: 'report' }>).report;
  };
  return {
    child,
    arm: () => tell({ type: 'arm' }),
    report: () => report({ type: 'report' }),
    async stop() {
      const gone = new Promise((r) => child.once('exit', r));
      const last = await report({ type: 'stop' });
      const timer = setTimeout(kill, 5_000);
      await gone;
      clearTimeout(timer);
      return last;
    },
    kill,
  };
}
