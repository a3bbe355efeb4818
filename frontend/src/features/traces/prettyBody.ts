export interface PrettyBody {
  text: string;
  json: boolean;
}

/**
 * Trace bodies are stored as the platform sent them (strings). A body that parses as JSON is re-indented so its
 * fields can be read; anything else (XML, form data, truncated text) is shown exactly as stored.
 */
export function prettyBody(body: string): PrettyBody {
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // not JSON after all (e.g. cut off at the stored limit): show it raw
    }
  }
  return { text: body, json: false };
}
