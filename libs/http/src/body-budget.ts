/**
 * Bytes of request bodies held at once, over all requests. A body claims its declared
 * Content-Length up front (so a refusal costs the client nothing sent in vain), or, sent chunked,
 * each chunk as it arrives; the claim is released once, when its response is done.
 */
export class BodyBudget {
  private used = 0;

  constructor(
    /** bytes that may be claimed at once */
    readonly maxBytes: number,
  ) {}

  get inFlightBytes(): number {
    return this.used;
  }

  /** A claim of 0 bytes for one request; grow it as the body comes. */
  claim(): BodyClaim {
    return new BodyClaim(this);
  }

  /** @internal */
  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  /** @internal */
  give(bytes: number): void {
    this.used -= bytes;
  }
}

/** One request's share of a BodyBudget. */
export class BodyClaim {
  private bytes = 0;
  private isReleased = false;

  constructor(private readonly budget: BodyBudget) {}

  get claimedBytes(): number {
    return this.bytes;
  }

  /** Adds `bytes` to the claim; false (nothing added) when the budget has no room, or the claim was released. */
  grow(bytes: number): boolean {
    if (this.isReleased || !this.budget.take(bytes)) return false;
    this.bytes += bytes;
    return true;
  }

  /** Gives everything back; later calls do nothing. */
  release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    this.budget.give(this.bytes);
    this.bytes = 0;
  }
}
