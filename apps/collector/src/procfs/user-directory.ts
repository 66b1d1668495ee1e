import { parsePasswd } from './procfs.parsers';

/** Reads the passwd text; injected so tests need no /etc/passwd. */
export type PasswdReader = () => Promise<string>;

/**
 * uid → user name from /etc/passwd, cached. An unknown uid (a user added since the last read)
 * triggers a re-read at most once per `reloadEveryMs`; until it is known the uid is shown as a
 * number, as `ps` does. Users from LDAP/NSS that are not in /etc/passwd also stay numbers.
 */
export class UserDirectory {
  private users = new Map<number, string>();
  private loadedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly readPasswd: PasswdReader,
    private readonly reloadEveryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async nameOf(uid: number): Promise<string> {
    const known = this.users.get(uid);
    if (known !== undefined) return known;
    if (this.now() - this.loadedAtMs >= this.reloadEveryMs) await this.reload();
    return this.users.get(uid) ?? String(uid);
  }

  private async reload(): Promise<void> {
    this.loadedAtMs = this.now();
    try {
      this.users = parsePasswd(await this.readPasswd());
    } catch {
      // Unreadable passwd (a minimal container): keep what we had and show uids as numbers.
    }
  }
}
