import type { MasterRecord } from '../../sentinel/instance.js';
import type { SentinelContext } from '../types.js';

/**
 * One master's live record, read from the shard that owns it (MonitorControl.view); undefined
 * for a name that is not monitored.
 */
export async function liveMaster(sentinel: SentinelContext, name: string): Promise<MasterRecord | undefined> {
  if (!sentinel.state.masters.has(name)) return undefined;
  const [master] = await sentinel.monitors.view([name]);
  return master;
}
