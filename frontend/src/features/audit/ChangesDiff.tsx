import { Typography } from "antd";
import { useMemo } from "react";

import { AuditDiff } from "./AuditDiff";
import { type PathChange, sidesOfChanges } from "./diff";

/** A list of changed paths (e.g. a task's config snapshot against the strategy now) as the audit diff table. */
export function ChangesDiff({ changes, sameText }: { changes: PathChange[]; sameText: string }) {
  const sides = useMemo(() => sidesOfChanges(changes), [changes]);
  if (changes.length === 0) {
    return (
      <Typography.Text type="secondary" data-testid="changes-same">
        {sameText}
      </Typography.Text>
    );
  }
  return <AuditDiff before={sides.before} after={sides.after} />;
}
