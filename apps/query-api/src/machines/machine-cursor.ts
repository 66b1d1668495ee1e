/**
 * Opaque page cursors: the last machine_id of a page, as base64url JSON. Opaque so that clients
 * do not build them, versioned so that the format can change.
 */
export function encodeCursor(afterMachineId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: afterMachineId }), 'utf8').toString('base64url');
}

/** The machine_id a cursor continues after, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, after } = value as { v?: unknown; after?: unknown };
    return v === 1 && typeof after === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(after) ? after : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page out of per-shard pages, each sorted by machine_id and holding up to `limit` + 1 rows:
 * merged in byte order (machine ids are ASCII, where JS order equals COLLATE "C"), cut to `limit`.
 */
export function mergePages<T extends { machine_id: string }>(pages: T[][], limit: number): { items: T[]; nextCursor: string | null } {
  const all = pages.flat().sort((a, b) => (a.machine_id < b.machine_id ? -1 : a.machine_id > b.machine_id ? 1 : 0));
  const items = all.slice(0, limit);
  const hasMore = all.length > limit;
  return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1].machine_id) : null };
}
