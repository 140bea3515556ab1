import { err, type Reply } from '../resp/reply.js';

/**
 * Every error text Argus sends, Redis's (or Valkey 9's) bytes exactly. The leading word is the
 * error code (`ERR`, `NOAUTH`, `INPROG` ...); the writer adds '-' and CRLF.
 */

/** A client's argument as printf's `%s` reads it, a C string: up to its first NUL byte. */
export const cstr = (s: string): string => {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

/**
 * networking.c addReplyErrorFormat, as a tag: errf`ERR Unknown client type '${type}'`. Redis
 * formats these texts with printf's `%s`, so each value ends at its first NUL byte (`PI\0NG`
 * is quoted as 'PI'); and the text may not carry CR or LF (it would break the protocol), so both
 * become spaces. Texts that quote an argument with its length (sds `%S`, `%b`) do not use it.
 */
export function errf(parts: TemplateStringsArray, ...values: readonly (string | number)[]): Reply {
  let text = parts[0]!;
  values.forEach((v, i) => {
    text += cstr(String(v)) + parts[i + 1]!;
  });
  return err(text.replace(/[\r\n]/g, ' '));
}

/** `%.128s`: up to the NUL byte, then C's precision cut. */
const cut = (s: string, n = 128): string => cstr(s).slice(0, n);

/**
 * server.c processCommand: each argument as `'<arg>' ` (`'%.*s' `) until the list reaches 128
 * characters, each argument cut to what is left of the 128 (and at a NUL byte: only what was
 * printed counts towards the 128).
 */
function argsBeginning(args: readonly string[]): string {
  let out = '';
  for (let i = 0; i < args.length && out.length < 128; i++) out += `'${cut(args[i]!, 128 - out.length)}' `;
  return out;
}

export const replyError = {
  // --- generic (server.c / networking.c) ---
  unknownCommand: (argv: readonly string[]) =>
    errf`ERR unknown command '${cut(argv[0] ?? '')}', with args beginning with: ${argsBeginning(argv.slice(1))}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    errf`ERR unknown subcommand '${cut(sub)}'. Try ${cmd.toUpperCase()} HELP.`,
  /** addReplySubcommandSyntaxError: a handler-level miss (argument count inside a container) */
  subcommandSyntax: (sub: string, cmd: string) =>
    errf`ERR unknown subcommand or wrong number of arguments for '${cut(sub)}'. Try ${cmd.toUpperCase()} HELP.`,
  wrongArity: (fullname: string) => errf`ERR wrong number of arguments for '${fullname}' command`,
  noAuth: () => err('NOAUTH Authentication required.'),
  pubsubContext: (fullname: string) =>
    errf`ERR Can't execute '${fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  syntax: () => err('ERR syntax error'),
  notInteger: () => err('ERR value is not an integer or out of range'),
  /** getPositiveLongFromObjectOrReply */
  notPositive: () => err('ERR value is out of range, must be positive'),

  // --- AUTH / HELLO ---
  wrongPass: () => err('WRONGPASS invalid username-password pair or user is disabled.'),
  authWithoutPassword: () =>
    err(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    ),
  /** the 7.2 wording (7.0 says `HELLO AUTH <user> <pass>`) */
  helloNoAuth: () =>
    err(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    ),
  noProto: () => err('NOPROTO unsupported protocol version'),
  protoNotInteger: () => err('ERR Protocol version is not an integer or out of range'),
  helloSyntax: (opt: string) => errf`ERR Syntax error in HELLO option '${opt}'`,

  // --- CLIENT ---
  clientNameInvalid: () => err('ERR Client names cannot contain spaces, newlines or special characters.'),
  unknownClientType: (type: string) => errf`ERR Unknown client type '${type}'`,
  invalidClientId: () => err('ERR Invalid client ID'),
  noSuchClient: () => err('ERR No such client'),
  clientIdNotPositive: () => err('ERR client-id should be greater than 0'),
  noSuchUser: (user: string) => errf`ERR No such user '${user}'`,
  setinfoUnknownAttr: (attr: string) => errf`ERR Unrecognized option '${attr}'`,
  setinfoBadValue: (attr: string) => errf`ERR ${attr} cannot contain spaces, newlines or special characters.`,
  timeoutNotInteger: () => err('ERR timeout is not an integer or out of range'),
  timeoutNegative: () => err('ERR timeout is negative'),
  pauseMode: () => err('ERR CLIENT PAUSE mode must be WRITE or ALL'),
  unblockReason: () => err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'),
  trackingRedirectTwice: () => err('ERR A client can only redirect to a single other client'),
  trackingRedirectMissing: () => err('ERR The client ID you want redirect to does not exist'),
  trackingPrefixNeedsBcast: () => err('ERR PREFIX option requires BCAST mode to be enabled'),
  trackingBcastSwitch: () =>
    err(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    ),
  trackingBcastOptin: () => err('ERR OPTIN and OPTOUT are not compatible with BCAST'),
  trackingOptinOptout: () => err("ERR You can't specify both OPTIN mode and OPTOUT mode"),
  trackingModeSwitch: () =>
    err(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    ),
  cachingNotTracking: () =>
    err('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled'),
  cachingYes: () => err('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.'),
  cachingNo: () => err('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.'),

  // --- COMMAND ---
  invalidCommand: () => err('ERR Invalid command specified'),
  noKeyArguments: () => err('ERR The command has no key arguments'),

  // --- PUBLISH / SHUTDOWN ---
  onlyHello: () => err('ERR Only HELLO messages are accepted by Sentinel instances.'),
  noShutdownInProgress: () => err('ERR No shutdown in progress.'),

  // --- SENTINEL (sentinel.c) ---
  noSuchMaster: () => err('ERR No such master with that name'),
  saveFailed: () => err('ERR Failed to save config file. Check server logs.'),
  failoverInProgress: () => err('INPROG Failover already in progress'),
  noGoodSlave: () => err('NOGOODSLAVE No suitable replica to promote'),
  /** V9 FAILOVER <name> COORDINATED */
  noGoodPrimary: () => err('NOGOODPRIMARY Primary does not support FAILOVER command'),
  unknownFailoverOption: () => err('ERR Unknown failover option specified'),
  /** V9 sentinelValidateArgs */
  controlChars: (index: number, cmd: string) =>
    err(`ERR Invalid argument at index ${index} for ${cmd}: control characters are not allowed`),
  invalidQuorum: () => err('ERR Invalid quorum'),
  invalidPort: () => err('ERR Invalid port'),
  quorumTooSmall: () => err('ERR Quorum must be 1 or greater.'),
  invalidAddress: () => err('ERR Invalid IP address or hostname specified'),
  /** createSentinelRedisInstance failures, texts from sentinelCheckCreateInstanceErrors */
  createFailed: (reason: string) => err(`ERR ${reason}`),
  setBadValue: (value: string, option: string) => errf`ERR Invalid argument '${value}' for SENTINEL SET '${option}'`,
  /** Argus SENTINEL MAINTENANCE: a mode other than ON/OFF, or a bad number of seconds */
  maintenanceBadArg: (value: string) => errf`ERR Invalid argument '${value}' for SENTINEL MAINTENANCE`,
  setUnknownOption: (option: string) => errf`ERR Unknown option or number of arguments for SENTINEL SET '${option}'`,
  scriptsReconfigDenied: () =>
    err(
      'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration',
    ),
  notificationScriptNotExecutable: () => err('ERR Notification script seems non existing or non executable'),
  reconfigScriptNotExecutable: () => err('ERR Client reconfiguration script seems non existing or non executable'),
  /** 7.4 / V9 wording (7.2.x lacks the space before `SET`) */
  configUsage: () =>
    err(
      'ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...] / SET <param> <value> [<param> <value> ...] are supported.',
    ),
  configSetUnknown: (param: string) => errf`ERR Invalid argument '${param}' to SENTINEL CONFIG SET`,
  configSetDuplicate: (param: string) => errf`ERR Duplicate argument '${param}' to SENTINEL CONFIG SET`,
  configSetMissingValue: (param: string) => errf`ERR Missing argument '${param}' value`,
  configSetBadValue: (value: string, param: string) =>
    errf`ERR Invalid value '${value}' to SENTINEL CONFIG SET '${param}'`,
  noQuorum: (text: string) => err(`NOQUORUM ${text}`),
  unknownSimulation: () => err('ERR Unknown failure simulation specified'),
  debugUnknownOption: (option: string) => errf`ERR Unknown option or number of arguments for SENTINEL DEBUG '${option}'`,
  /** Argus: SENTINEL FORGET */
  noSuchSentinel: () => err('ERR No such sentinel with that run id for this master'),
  noSuchReplica: () => err('ERR No such replica with that address for this master'),
  forgetReachable: (target: string) =>
    errf`ERR ${target} is reachable (not SDOWN): stop it and wait for +sdown, or add FORCE (a live sentinel comes back with its next hello, a live replica with the next INFO of its master)`,
  debugBadValue: (value: string, option: string) => errf`ERR Invalid argument '${value}' for SENTINEL DEBUG '${option}'`,
} as const;
