import type { MasterRecord } from '../../sentinel/instance.js';

/**
 * Valkey 9: COORDINATED needs a master that reports `master_failover_state` in INFO (Redis 6.2+
 * and Valkey have the FAILOVER command).
 */
export const supportsCoordinatedFailover = (master: MasterRecord): boolean => master.monitoredFailoverState !== 'not-supported';
