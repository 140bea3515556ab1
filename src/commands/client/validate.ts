/**
 * networking.c validateClientAttr: names and library attributes must split cleanly out of a
 * CLIENT LIST line, so only printable ASCII without spaces ('!' to '~') is allowed.
 */
export const validClientAttr = (s: string): boolean => /^[\x21-\x7e]*$/.test(s);
