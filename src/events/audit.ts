/**
 * The audit trail of administrative commands (issue 14 item 3): who ran what and with which
 * result. Commands opt in with `audit` on their spec (src/commands); dispatch records them after
 * they ran. Each record is one notice line in the log and an entry in a bounded list the HTTP
 * layer can serve (`/audit`). No secret is ever kept: a spec names where its secrets are and
 * they are replaced by `******` before anything is formatted.
 */

/** What a command spec says about auditing it (CommandSpec.audit). */
export interface AuditRule {
  /** audit only these calls (SENTINEL CONFIG SET, not CONFIG GET); absent = every call */
  readonly when?: (argv: readonly string[]) => boolean;
  /** argv with the secrets masked; absent = nothing to mask */
  readonly redact?: (argv: readonly string[]) => readonly string[];
}

export interface AuditRecord {
  /** 1, 2, 3 ... in order of completion */
  readonly id: number;
  /** wall-clock ms when the command completed */
  readonly time: number;
  /** client address `ip:port` */
  readonly addr: string;
  /** the ACL user the connection was authenticated as */
  readonly user: string;
  /** the command as typed, secrets masked, command words upper case */
  readonly command: string;
  readonly ok: boolean;
  /** `OK`, another simple reply, `(integer) n`, or the error text */
  readonly result: string;
}

/** What readers (the HTTP layer's `/audit`) may ask of the trail; oldest first. */
export interface AuditTrail {
  record(r: Omit<AuditRecord, 'id'>): void;
  /** the last `count` records */
  last(count: number): AuditRecord[];
  /** records with `id > afterId` */
  since(afterId: number): AuditRecord[];
}

export const MASK = '******';

/** records kept in memory (the log has them all) */
export const AUDIT_CAPACITY = 1000;

/** Options whose values are secrets wherever a command takes `<option> <value>` pairs. */
const SECRET_OPTIONS = new Set(['auth-pass', 'sentinel-pass', 'requirepass', 'masterauth', 'argus-http-token']);

/**
 * `<option> <value>` pairs from argv[from] on (SENTINEL SET, CONFIG SET): secret values masked,
 * and the values of the options in `partly` shown as their function shows them (a webhook URL as
 * its origin: its path is its secret).
 */
export const maskPairs = (from: number, partly: Readonly<Record<string, (value: string) => string>> = {}) =>
  (argv: readonly string[]): readonly string[] =>
    argv.map((a, i) => {
      if (i <= from || (i - from) % 2 === 0) return a;
      const option = argv[i - 1]!.toLowerCase();
      if (SECRET_OPTIONS.has(option)) return MASK;
      return Object.hasOwn(partly, option) ? partly[option]!(a) : a;
    });

/**
 * ACL SETUSER rules: `>pass`, `<pass`, `#hash`, `!hash` keep their sigil, lose their value
 * (ACL LIST shows hashes, but a hash is still a secret to an offline attacker).
 */
export const maskAclRules = (argv: readonly string[]): readonly string[] =>
  argv.map((a, i) => (i >= 3 && a.length > 1 && '><#!'.includes(a[0]!) ? `${a[0]}${MASK}` : a));

/** An argument as the log shows it: quoted (JSON escapes) when empty or holding spaces or controls. */
const shown = (a: string): string => (a === '' || /[\s"\\\x00-\x1f\x7f-\uffff]/.test(a) ? JSON.stringify(a) : a);

/**
 * What a record keeps of a command or a result: a `SENTINEL SET` of a thousand pairs is a
 * megabyte, and a thousand of those kept in memory (and logged) would be a gigabyte. Redis's
 * log lines stop at 1024 bytes too.
 */
export const AUDIT_TEXT_MAX = 512;

const capped = (text: string): string =>
  text.length <= AUDIT_TEXT_MAX ? text : `${text.slice(0, AUDIT_TEXT_MAX)}… (${text.length - AUDIT_TEXT_MAX} more bytes)`;

/** `SENTINEL SET m quorum 3`: the command words (`words` of them) upper case, the rest as typed. */
export function formatAuditCommand(argv: readonly string[], words: number): string {
  return capped(argv.map((a, i) => (i < words ? a.toUpperCase() : shown(a))).join(' '));
}

/** `Audit: 127.0.0.1:51234 user default: SENTINEL SET m quorum 3 -> OK` */
export function formatAuditLine(r: Omit<AuditRecord, 'id'>): string {
  return `Audit: ${r.addr} user ${shown(r.user)}: ${r.command} -> ${r.ok ? r.result : `error: ${r.result}`}`;
}

/** The last `capacity` records, and each one as a log line through `log`. */
export class AuditLog implements AuditTrail {
  readonly #records: AuditRecord[] = [];
  readonly #capacity: number;
  readonly #log: (line: string) => void;
  #id = 0;

  constructor(capacity: number, log: (line: string) => void) {
    this.#capacity = Math.max(1, capacity);
    this.#log = log;
  }

  record(entry: Omit<AuditRecord, 'id'>): void {
    const r = { ...entry, command: capped(entry.command), result: capped(entry.result) };
    this.#log(formatAuditLine(r));
    this.#records.push({ id: ++this.#id, ...r });
    // amortised: drop a block at a time rather than shift() per record
    if (this.#records.length >= 2 * this.#capacity) this.#records.splice(0, this.#records.length - this.#capacity);
  }

  last(count: number): AuditRecord[] {
    const kept = this.#records.slice(-this.#capacity);
    return count <= 0 ? [] : kept.slice(-count);
  }

  since(afterId: number): AuditRecord[] {
    return this.#records.slice(-this.#capacity).filter((r) => r.id > afterId);
  }
}
