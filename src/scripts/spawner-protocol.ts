/** Messages between the main thread and the script spawner thread (plain data, one union each way). */

export type MainToSpawner =
  | { readonly type: 'spawn'; readonly id: number; readonly argv: readonly string[] }
  | { readonly type: 'kill'; readonly id: number };

export type SpawnerToMain =
  | { readonly type: 'spawned'; readonly id: number; readonly pid: number }
  | { readonly type: 'failed'; readonly id: number; readonly reason: 'fork' | 'exec'; readonly errno: string }
  | { readonly type: 'exited'; readonly id: number; readonly code: number; readonly signal: number }
  | {
      readonly type: 'output';
      readonly path: string;
      readonly pid: number;
      readonly stream: 'stdout' | 'stderr';
      readonly line: string;
    };
