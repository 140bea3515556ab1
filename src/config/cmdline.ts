/**
 * Command-line options as config text, the way server.c main() builds them: every `--name`
 * starts a new line `name` (raw), every following argument is appended sdscatrepr-quoted, and
 * loadServerConfig appends the result after the file content and one "\n". So
 * `--port 26380` becomes the line `port "26380"`, numbered after the file's last line, and that
 * quoted text is what a fatal error shows.
 */
import { quoteRepr } from './quote.js';
import { splitArgs } from './tokenize.js';

/** The options text for the arguments after the config path ('' when there are none). */
export function cmdlineOptions(args: readonly string[]): string {
  let options = '';
  // handled_last_config_arg: a `--name` that carried no value makes the next argument its
  // value, even when that argument itself starts with `--`
  let handledLast = true;
  for (let j = 0; j < args.length; j++) {
    const arg = args[j]!;
    const last = j === args.length - 1;
    if (arg === '-' && last) {
      // "read the config from stdin": Argus reads no stdin, which is the same as an empty one
      continue;
    }
    if (handledLast && arg.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += `${arg.slice(2)} `;
      if ((splitArgs(arg)?.length ?? 0) === 1) {
        handledLast = false;
        const next = args[j + 1];
        const nextIsOption = next !== undefined && next.startsWith('--');
        const name = arg.toLowerCase();
        if (name === '--save' && (nextIsOption || last)) {
          // `--save` with no value means `save ""` (pre-7.0.1 behaviour, kept by 7.0.1+)
          options += '""';
          handledLast = nextIsOption;
        } else if (name === '--sentinel' && (nextIsOption || last)) {
          // `--sentinel` is a flag with no value
          handledLast = nextIsOption;
        }
      } else {
        // `"--port 6380"` given as one argument carries its own value
        handledLast = true;
      }
    } else {
      options += `${quoteRepr(arg)} `;
      handledLast = true;
    }
  }
  return options;
}

/** loadServerConfig: file content, then "\n" and the options when there are any. */
export function withCmdlineOptions(fileText: string, args: readonly string[]): string {
  const options = cmdlineOptions(args);
  return args.length > 0 ? `${fileText}\n${options}` : fileText;
}
