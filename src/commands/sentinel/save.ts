import { ok, type Reply } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import type { SentinelContext } from '../types.js';

/**
 * sentinel.c sentinelFlushConfigAndReply: +OK once the file is on disk, Redis's error otherwise.
 * The state change that asked for the save stays either way, as in Redis.
 */
export async function saveAndReply(ctx: SentinelContext): Promise<Reply> {
  try {
    await ctx.saveConfig();
    return ok;
  } catch {
    // the saver logs the cause; the client gets Redis's fixed text
    return replyError.saveFailed();
  }
}
