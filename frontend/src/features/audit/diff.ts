export type Change = "added" | "removed" | "changed" | "unchanged";

export interface DiffRow {
  /** Dotted path of the field, e.g. `assignee.email`. */
  field: string;
  before: string | undefined;
  after: string | undefined;
  change: Change;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Nested objects become dotted fields so that one changed leaf is one row; arrays stay whole values. */
function flatten(value: Json | null | undefined, prefix = "", into = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, inner] of Object.entries(value ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(inner) && Object.keys(inner).length > 0) flatten(inner, path, into);
    else into.set(path, inner);
  }
  return into;
}

/** A value as the reader expects it: strings bare, everything else as compact JSON. */
export function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The field-by-field difference of an audit entry's before and after. A creation has no before and a deletion
 * no after; then every field is added or removed. Changed fields come first, in the order the API wrote them.
 */
export function diffEntries(before: Json | null | undefined, after: Json | null | undefined): DiffRow[] {
  const old = flatten(before);
  const now = flatten(after);
  const fields = [...new Set([...old.keys(), ...now.keys()])];
  const rows = fields.map((field): DiffRow => {
    const had = old.has(field);
    const has = now.has(field);
    const beforeText = had ? show(old.get(field)) : undefined;
    const afterText = has ? show(now.get(field)) : undefined;
    const change: Change = !had ? "added" : !has ? "removed" : beforeText === afterText ? "unchanged" : "changed";
    return { field, before: beforeText, after: afterText, change };
  });
  const rank = (row: DiffRow) => (row.change === "unchanged" ? 1 : 0);
  return rows.sort((a, b) => rank(a) - rank(b)); // a stable sort keeps the API's order within each part
}

/** A change as the API lists one (`GET /v1/tasks/{id}/diff`): a dotted path with its value on each side. */
export interface PathChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Listed changes as the two sides the diff table reads: one key per changed path, a null side left out, so that
 * a setting that appeared shows as added and one that went away as removed.
 */
export function sidesOfChanges(changes: PathChange[]): { before: Json; after: Json } {
  const before: Json = {};
  const after: Json = {};
  for (const change of changes) {
    if (change.before !== null && change.before !== undefined) before[change.path] = change.before;
    if (change.after !== null && change.after !== undefined) after[change.path] = change.after;
  }
  return { before, after };
}
