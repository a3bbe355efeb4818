import { Space, Tag } from "antd";

import { useI18n } from "../../app/useI18n";
import type { Task, TaskCounts } from "./hooks";
import { CATALOG_SYNC, COUNTS, SYNC_COUNTS } from "./labels";

/** A task's counts as tags; a compact row leaves zeros out (but the planned total) so the others stand out. */
export function CountTags({ counts, compact = false }: { counts: TaskCounts; compact?: boolean }) {
  const { t } = useI18n();
  const shown = COUNTS.filter(({ key }) => !compact || key === "planned" || (counts[key] ?? 0) > 0);
  return (
    <Space size={[4, 4]} wrap data-testid="task-counts">
      {shown.map(({ key, label, color }) => (
        <Tag key={key} color={color} data-count={key} style={{ marginInlineEnd: 0 }}>
          {t(label)} {counts[key] ?? 0}
        </Tag>
      ))}
    </Space>
  );
}

/** What a catalog sync found (its task's summary): listings read, SKUs bound, conflicts, rejected listings. */
export function SyncCounts({ summary }: { summary: Record<string, unknown> }) {
  const { t } = useI18n();
  return (
    <Space size={[4, 4]} wrap data-testid="sync-counts">
      {SYNC_COUNTS.map(({ key, label, color }) => (
        <Tag key={key} color={color} data-count={key} style={{ marginInlineEnd: 0 }}>
          {t(label)} {typeof summary[key] === "number" ? summary[key] : 0}
        </Tag>
      ))}
    </Space>
  );
}

export function isCatalogSync(task: Pick<Task, "operation">): boolean {
  return task.operation === CATALOG_SYNC;
}
