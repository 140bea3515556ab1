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
