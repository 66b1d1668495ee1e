import { api } from './api-client';

/**
 * The read key lives in sessionStorage: it survives reloads of this tab and is gone when the tab
 * closes (never localStorage, which outlives the session).
 */
const STORAGE_KEY = 'pa.readKey';

/** Puts the stored key (if any) on the API client; true when there is one. */
export function loadReadKey(): boolean {
  api.readKey = sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  return api.readKey !== undefined;
}

export function saveReadKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  api.readKey = key;
}

export function forgetReadKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  api.readKey = undefined;
}
