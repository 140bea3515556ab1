import { randomBytes, randomInt } from 'node:crypto';
import type { Random } from './clock.js';

export const systemRandom: Random = {
  int: (maxExclusive) => randomInt(maxExclusive),
  hex: (n) => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n),
};
