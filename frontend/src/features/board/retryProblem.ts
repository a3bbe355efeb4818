// Why the API refused a retry, in the UI's words: the problem's detail is the server's English sentence, so the
// known refusals are read from their status and wording; anything else shows the problem as it came.
import { ApiError } from "../../api/client";
import type { MessageKey } from "../../app/language";

export interface RetryRefusal {
  /** The UI's sentence for a known refusal, or null: show `detail` alone. */
  key: MessageKey | null;
  /** The problem as the API wrote it (title and detail). */
  detail: string;
  /** The retry already running, when the API names it. */
  runningTaskId: string | null;
}

const KNOWN: { status: number; pattern: RegExp; key: MessageKey }[] = [
  { status: 409, pattern: /already running/, key: "board.retry.problem.running" },
  { status: 409, pattern: /\(resolved\)/, key: "board.retry.problem.resolved" },
  { status: 409, pattern: /no failed push/, key: "board.retry.problem.notOurs" },
  { status: 409, pattern: /no binding/, key: "board.retry.problem.noBinding" },
  { status: 409, pattern: /archived|no longer exists|no ERP base value/, key: "board.retry.problem.gone" },
  { status: 409, pattern: /nothing to re-push/, key: "board.retry.problem.notOurs" },
  { status: 422, pattern: /would be refused again/, key: "board.retry.problem.refused" },
];

export function retryRefusal(error: unknown): RetryRefusal {
  if (!(error instanceof ApiError)) return { key: null, detail: String(error), runningTaskId: null };
  const text = error.detail ?? "";
  const known = KNOWN.find((entry) => entry.status === error.status && entry.pattern.test(text));
  const running = /task ([0-9a-f-]{36})/.exec(text);
  return { key: known?.key ?? null, detail: error.message, runningTaskId: known && running ? running[1]! : null };
}
