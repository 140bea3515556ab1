/** What the command line asks for, read with redis-server's rules (server.c main()). */
export type Invocation =
  | { readonly kind: 'version' }
  | { readonly kind: 'help' }
  /** `options` are the raw `--name value …` words; the config loader turns them into lines */
  | { readonly kind: 'run'; readonly configPath: string | null; readonly options: readonly string[] };

/**
 * `argus-sentinel [/path/sentinel.conf] [--name value ...]`: the first argument is the config
 * file unless it starts with `--` (`-` means stdin, which a sentinel cannot save to).
 */
export function parseArgv(args: readonly string[]): Invocation {
  if (args.length === 1 && (args[0] === '-v' || args[0] === '--version')) return { kind: 'version' };
  if (args.length === 1 && (args[0] === '-h' || args[0] === '--help')) return { kind: 'help' };
  const first = args[0];
  if (first !== undefined && !first.startsWith('--')) {
    return { kind: 'run', configPath: first === '-' ? null : first, options: args.slice(1) };
  }
  return { kind: 'run', configPath: null, options: args };
}

export const USAGE = `Usage: argus-sentinel /path/to/sentinel.conf [options]
       argus-sentinel -v or --version
       argus-sentinel -h or --help

Every --name value ... after the config file is one more config line, applied after the
file and saved by the next config rewrite, as with redis-sentinel.

Examples:
       argus-sentinel /etc/redis/sentinel.conf
       argus-sentinel /etc/redis/sentinel.conf --port 26380 --loglevel verbose
       argus-sentinel /etc/redis/sentinel.conf --sentinel announce-ip 1.2.3.4
`;
