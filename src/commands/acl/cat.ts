import { CATEGORIES } from '../../acl/model.js';
import { array, bulk, err } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { errf } from '../reply-errors.js';
import { commandTable } from '../table.js';
import { ACL_PLAIN } from './flags.js';

/** ACL CAT: the categories, or the commands (and subcommands) of one category. */
export const aclCatSubcommand: ArgusCommandSpec = {
  ...ACL_PLAIN,
  name: 'cat',
  arity: -2,
  summary: 'Lists the ACL categories, or the commands inside a category.',
  since: '6.0.0',
  complexity: 'O(1) since the categories and commands are a fixed set.',
  run(_ctx, argv) {
    if (argv.length > 3) return err("ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.");
    if (argv.length === 2) return array(CATEGORIES.map((c) => bulk(c)));
    const cat = argv[2]!.toLowerCase();
    if (!(CATEGORIES as readonly string[]).includes(cat)) return errf`ERR Unknown category '${argv[2]!}'`;
    const names: string[] = [];
    for (const spec of commandTable().values()) {
      if (spec.categories.includes(cat)) names.push(spec.name);
      for (const sub of spec.subcommands?.values() ?? []) if (sub.categories.includes(cat)) names.push(`${spec.name}|${sub.name}`);
    }
    return array(names.map((n) => bulk(n)));
  },
};
