/** A shard thread whose coordinators are fakes (test/helpers/fake-coordinator.ts). */
import { shardInit, startShardThread } from '../../src/actors/shard-thread.js';
import { fakeCoordinatorFactory, type FakeCoordinatorOptions } from './fake-coordinator.js';

startShardThread(fakeCoordinatorFactory(shardInit().extra as FakeCoordinatorOptions));
