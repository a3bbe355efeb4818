import { vi } from "vitest";

export interface Recorded {
  method: string;
  url: string;
  headers: Headers;
  credentials: RequestCredentials;
  body: string;
}

/** Replaces the global fetch with `answer`, recording every request the API client sends. */
export function stubFetch(answer: (request: Request) => Response | Promise<Response>): Recorded[] {
  const recorded: Recorded[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      recorded.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        credentials: request.credentials,
        body: await request.clone().text(),
      });
      return answer(request);
    }),
  );
  return recorded;
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ type: "about:blank", status, ...body }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
