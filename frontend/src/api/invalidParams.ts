// A 422 problem names each bad field of the body (`invalid_params[].name`) as the API spells it: our own checks
// write `channels[0].url`, pydantic's write `channels.0.url` (with a tagged union's tag inside, e.g.
// `condition.count.threshold`). A form turns those names into its own field paths with `placeInvalidParams`.
import type { InvalidParam } from "./client";

/** A field's path in an antd form: `["channels", 0, "url"]`. */
export type FieldPath = (string | number)[];

const INDEX = /\[(\d+)\]/g;

/** The path segments of a problem's field name: `channels[0].url` and `channels.0.url` → `["channels", 0, "url"]`. */
export function paramPath(name: string): FieldPath {
  const path: FieldPath = [];
  for (const piece of name.split(".")) {
    const bracket = piece.indexOf("[");
    const head = bracket === -1 ? piece : piece.slice(0, bracket);
    if (head !== "") path.push(/^\d+$/.test(head) ? Number(head) : head);
    if (bracket !== -1) for (const match of piece.slice(bracket).matchAll(INDEX)) path.push(Number(match[1]));
  }
  return path;
}

export interface PlacedErrors {
  /** Reasons per form field, for `form.setFields`. */
  fields: { name: FieldPath; errors: string[] }[];
  /** What no input shows (a rule over the whole body, a field the form does not have): shown above the form. */
  others: InvalidParam[];
}

/** Sorts a problem's invalid_params onto the form's fields; `fieldOf` says which field a name's path is about. */
export function placeInvalidParams(params: InvalidParam[], fieldOf: (path: FieldPath) => FieldPath | null): PlacedErrors {
  const byField = new Map<string, { name: FieldPath; errors: string[] }>();
  const others: InvalidParam[] = [];
  for (const param of params) {
    const field = fieldOf(paramPath(param.name));
    if (!field) {
      others.push(param);
      continue;
    }
    const key = JSON.stringify(field);
    const entry = byField.get(key) ?? { name: field, errors: [] };
    if (!entry.errors.includes(param.reason)) entry.errors.push(param.reason);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], others };
}
