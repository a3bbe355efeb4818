import { Alert } from "antd";

import type { InvalidParam } from "../api/client";

/** A refused save above its form: the problem's title and detail, and the invalid params no field of the form shows. */
export function ProblemAlert({ error, unplaced, testId }: { error: unknown; unplaced: InvalidParam[]; testId?: string }) {
  if (error == null) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={error instanceof Error ? error.message : String(error)}
      description={
        unplaced.length > 0 && (
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {unplaced.map((param) => (
              <li key={param.name + param.reason}>
                <code>{param.name}</code>: {param.reason}
              </li>
            ))}
          </ul>
        )
      }
      data-testid={testId}
    />
  );
}
