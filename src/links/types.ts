/**
 * A reply on a link, as a value: Sentinel classifies replies (a PING answered `-LOADING` is
 * valid, `-NOAUTH` is not) rather than treating errors as failures.
 */
export type LinkReply =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'error'; readonly message: string }
  /** the connection closed (or was never open) before a reply arrived */
  | { readonly kind: 'closed'; readonly reason: string };

export interface LinkCredentials {
  readonly user: string | null;
  readonly pass: string | null;
}

/** One connection of a link: the command connection (cc) or the pub/sub connection (pc). */
export type ConnectionKind = 'cc' | 'pc';

/**
 * How a reply's `value` looks (LinkReply `ok`): bulk and status strings are latin1 byte strings,
 * integers are numbers, nil is null, arrays nest, and an error inside an array (an EXEC result)
 * is `{ error }`. RESP2 only: Sentinel never sends HELLO 3 to data nodes.
 */
export type LinkValue = string | number | null | readonly LinkValue[] | { readonly error: string };

/** One connection's state: `connecting` while a TCP (or TLS) attempt is in flight. */
export type ConnectionState = 'down' | 'connecting' | 'up';
