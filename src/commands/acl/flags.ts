/** Flags and categories of the ACL subcommands (acl-*.json of Redis 7.2). */
export const ACL_ADMIN = {
  flags: ['admin', 'noscript', 'loading', 'stale'],
  categories: ['admin', 'slow', 'dangerous'],
  group: 'server',
} as const;

export const ACL_PLAIN = {
  flags: ['noscript', 'loading', 'stale'],
  categories: ['slow'],
  group: 'server',
} as const;
