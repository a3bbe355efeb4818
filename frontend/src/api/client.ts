// The one configured API client: typed from openapi.yaml, cookie session, Accept-Language from the UI language.
import createClient, { type Middleware } from "openapi-fetch";

import { getLanguage, translate } from "../app/language";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type InvalidParam = Schemas["InvalidParam"];

/** An API call that failed: the problem+json body, typed; `message` is what the user is shown. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | null;
  readonly invalidParams: InvalidParam[];
  readonly requestId: string | null;

  constructor(status: number, problem: Partial<Problem>, fallbackTitle: string) {
    const title = problem.title || fallbackTitle;
    const detail = problem.detail || null;
    super(detail && detail !== title ? `${title}: ${detail}` : title);
    this.name = "ApiError";
    this.status = status;
    this.code = problem.code || "http_error";
    this.title = title;
    this.detail = detail;
    this.invalidParams = problem.invalid_params ?? [];
    this.requestId = problem.request_id ?? null;
  }
}

function isProblem(body: unknown): body is Partial<Problem> {
  return typeof body === "object" && body !== null && "title" in body;
}

const acceptLanguage: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept-Language", getLanguage());
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  credentials: "include",
  // Looked up on every call (not captured once) so tests can stub the global fetch.
  fetch: (request) => globalThis.fetch(request),
});
api.use(acceptLanguage);

interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an `api.GET/POST/...` call and returns its data, or throws an ApiError built from the problem body. */
export async function call<T>(request: Promise<ClientResult<T>>): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await request;
  } catch (cause) {
    const error = new ApiError(0, {}, translate(getLanguage(), "error.network"));
    error.cause = cause;
    throw error;
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const fallback = translate(getLanguage(), "error.unexpected", { status: response.status });
    throw new ApiError(response.status, isProblem(error) ? error : {}, fallback);
  }
  return data as T;
}
