/**
 * What a key may do. `admin` implies every other scope (an operator's key): the checks below are
 * the only place that knows it.
 */
export type Scope = 'ingest' | 'read' | 'admin' | 'metrics';
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'admin', 'metrics'];

export function isScope(text: string): text is Scope {
  return (SCOPES as readonly string[]).includes(text);
}

export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes(needed) || scopes.includes('admin');
}
