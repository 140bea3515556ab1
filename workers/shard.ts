/**
 * A shard worker thread: hosts the coordinator actors of the masters placed on it. Wiring only;
 * src/actors/shard-thread.ts does the start-up, src/actors/master-coordinator.ts the monitoring.
 */
import { createMasterCoordinator } from '../src/actors/master-coordinator.js';
import { startShardThread } from '../src/actors/shard-thread.js';

startShardThread(createMasterCoordinator);
