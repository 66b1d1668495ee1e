/** 8-4-4-4-12 hex digits, either case: the form PostgreSQL's uuid type reads and writes (lower case). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True for a UUID in its canonical text form. Braces, `urn:uuid:` and missing hyphens are refused. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
