/**
 * Argus's own failures. Replies that say "no" to a client are Reply values (see
 * src/commands/reply-errors.ts), never exceptions; these are for things that went wrong inside.
 * Every code is listed in docs/errors.md (a unit test checks it).
 */
export type ArgusErrorCode =
  | 'ARGUS_ERR_CONFIG_LINE'
  | 'ARGUS_ERR_CONFIG_FILE'
  | 'ARGUS_ERR_CONFIG_FLUSH'
  | 'ARGUS_ERR_USAGE'
  | 'ARGUS_ERR_LISTEN'
  | 'ARGUS_ERR_PROTOCOL'
  | 'ARGUS_ERR_SHARD_EXIT'
  | 'ARGUS_ERR_SHARD_PROTOCOL'
  | 'ARGUS_ERR_DNS_TIMEOUT'
  | 'ARGUS_ERR_DNS_LOOKUP';

export class ArgusError extends Error {
  readonly code: ArgusErrorCode;
  readonly context: Readonly<Record<string, string | number>>;

  constructor(
    code: ArgusErrorCode,
    message: string,
    context: Record<string, string | number> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ArgusError';
    this.code = code;
    this.context = context;
  }
}

/** Match on the code: class identity does not survive a thread hop. */
export const isArgusError = (e: unknown, code?: ArgusErrorCode): e is ArgusError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { code?: unknown }).code === 'string' &&
  (code === undefined || (e as { code?: unknown }).code === code);

/**
 * A config line Redis would refuse. `line` is 1-based over the file followed by the command-line
 * options, exactly as Redis numbers them; `reason` is Redis's text.
 */
export class ConfigLineError extends ArgusError {
  readonly line: number;
  readonly text: string;
  readonly reason: string;

  /** the file the line is in when it is not the main config file (the state file), else null */
  readonly file: string | null;

  constructor(line: number, text: string, reason: string, file: string | null = null) {
    super('ARGUS_ERR_CONFIG_LINE', `config line ${line}: ${reason}`, { line, text, reason, ...(file === null ? {} : { file }) });
    this.name = 'ConfigLineError';
    this.line = line;
    this.text = text;
    this.reason = reason;
    this.file = file;
  }
}
