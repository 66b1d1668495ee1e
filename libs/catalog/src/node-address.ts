/**
 * Where a node is, as the catalog records it: `host:port/database`, no credentials (every service
 * connects with its own role) and no parameters. Two URLs name the same node when their
 * addresses are equal.
 */
export function nodeAddress(url: string): string {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  return `${parsed.hostname}:${parsed.port || '5432'}/${database}`;
}

/** A URL for the node at `address` with the credentials and parameters of `template` (one of the service's own URLs). */
export function urlForNode(address: string, template: string): string {
  const match = /^(.+):(\d+)\/(.+)$/.exec(address);
  if (!match) throw new RangeError(`not a node address (host:port/database): ${address}`);
  const url = new URL(template);
  url.hostname = match[1];
  url.port = match[2];
  url.pathname = `/${encodeURIComponent(match[3])}`;
  return url.toString();
}

/** A URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
