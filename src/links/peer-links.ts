/** What the registry needs of a link (InstanceLink in Argus). */
export interface SharedLink {
  readonly host: string;
  readonly port: number;
  setAddress(host: string, port: number): void;
  destroy(): void;
}

/**
 * sentinel.c's link sharing for peer sentinels (sentinelTryConnectionSharing): the sentinel
 * records of several masters that carry the same run id use one link, so one physical peer gets
 * one connection, one PING stream and one pending-command count; `refcount` is what
 * SENTINEL SENTINELS shows as link-refcount. One registry per shard: records of masters in
 * different shards do not share.
 */
export class PeerLinks<L extends SharedLink> {
  private readonly entries = new Map<string, { link: L; refcount: number }>();

  /**
   * The link for `runid`, made by `factory` on first use; each call adds a reference. A shared
   * link asked for at another address moves there (the newest hello wins, as the address switch
   * in sentinelProcessHelloMessage moves every record of that run id).
   */
  acquire(runid: string, host: string, port: number, factory: (host: string, port: number) => L): L {
    const entry = this.entries.get(runid);
    if (entry) {
      entry.refcount++;
      if (entry.link.host !== host || entry.link.port !== port) entry.link.setAddress(host, port);
      return entry.link;
    }
    const link = factory(host, port);
    this.entries.set(runid, { link, refcount: 1 });
    return link;
  }

  /** Drops one reference; the last one destroys the link. Returns the references left. */
  release(runid: string): number {
    const entry = this.entries.get(runid);
    if (!entry) return 0;
    entry.refcount--;
    if (entry.refcount > 0) return entry.refcount;
    this.entries.delete(runid);
    entry.link.destroy();
    return 0;
  }

  /** link-refcount: how many sentinel records use the link of `runid` (0 if none). */
  refcount(runid: string): number {
    return this.entries.get(runid)?.refcount ?? 0;
  }

  get(runid: string): L | undefined {
    return this.entries.get(runid)?.link;
  }

  get size(): number {
    return this.entries.size;
  }
}
