import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

import { ApiError } from "../api/client";

export const ME_KEY = ["me"] as const;

function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/**
 * Every failed read or write reaches `notify` (an antd message), except a 401 on a read: that means the session
 * ended, so the user is sent to the login page instead (the auth guard watches the `me` query).
 * A mutation can opt out with `meta: { silent: true }` when it shows its error in place.
 */
export function createQueryClient(notify: (error: unknown) => void): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        if (error instanceof ApiError && error.status === 401) {
          if (query.queryKey[0] !== ME_KEY[0]) void client.invalidateQueries({ queryKey: ME_KEY });
          return;
        }
        notify(error);
      },
    }),
    mutationCache: new MutationCache({
      onError(error, _variables, _context, mutation) {
        if (mutation.options.meta?.silent) return;
        notify(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx will not change by asking again; network hiccups and 5xx get two more tries.
        retry: (failures, error) => !isClientError(error) && failures < 2,
      },
    },
  });
  return client;
}
