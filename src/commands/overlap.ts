import type { CommandResult } from './types.js';

/**
 * Replies that may wait while the same client's next commands run (CommandSpec.overlap): the
 * dispatcher marks the handler's promise, the connection keeps dispatching and still writes the
 * replies in request order. A WeakSet keeps the mark off the promise itself.
 */
const overlapping = new WeakSet<PromiseLike<CommandResult>>();

export function markOverlapping<T extends PromiseLike<CommandResult>>(p: T): T {
  overlapping.add(p);
  return p;
}

export const isOverlapping = (p: PromiseLike<CommandResult>): boolean => overlapping.has(p);
