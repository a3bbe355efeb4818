import { useState } from "react";

export interface CursorPages {
  /** The cursor of the page on screen (undefined: the first page). */
  cursor: string | undefined;
  /** 1-based number of the page on screen. */
  page: number;
  next: (nextCursor: string) => void;
  previous: () => void;
}

/**
 * Keyset pages can only be walked forward by the server, so the cursors of the pages already seen are kept to
 * walk back. A new `filterKey` (another filter) starts again at the first page.
 */
export function useCursorPages(filterKey: string): CursorPages {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({ key: filterKey, stack: [undefined] });
  const stack = state.key === filterKey ? state.stack : [undefined];
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    next: (nextCursor) => setState({ key: filterKey, stack: [...stack, nextCursor] }),
    previous: () => setState({ key: filterKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack }),
  };
}
