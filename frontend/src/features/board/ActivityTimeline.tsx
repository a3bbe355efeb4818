import { Timeline, Typography } from "antd";

import type { MessageKey } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import { formatTime, resolutionKey } from "./format";
import type { ErrorGroupDetail } from "./hooks";

type Activity = ErrorGroupDetail["activity"][number];

const KNOWN = new Set([
  "occurrence",
  "handled",
  "reopened",
  "regressed",
  "auto_resolved",
  "assigned",
  "snoozed",
  "unsnoozed",
  "note_pinned",
  "note_unpinned",
  "archived",
]);

const COLOR: Record<string, string> = {
  occurrence: "red",
  regressed: "purple",
  handled: "green",
  auto_resolved: "green",
  reopened: "orange",
};

function describe(entry: Activity, t: (key: MessageKey, vars?: Record<string, string | number>) => string): string | null {
  const detail = entry.detail as Record<string, unknown>;
  if (entry.kind === "occurrence") return typeof detail.message === "string" ? detail.message : null;
  if (entry.kind === "handled") {
    const how = resolutionKey(detail.resolution as string | undefined);
    return [how ? t(how) : null, detail.handled_note].filter(Boolean).join(" — ") || null;
  }
  if (entry.kind === "note_pinned") return typeof detail.pinned_note === "string" ? detail.pinned_note : null;
  if (entry.kind === "snoozed") {
    if (detail.snoozed_until) return t("board.activity.until", { at: formatTime(String(detail.snoozed_until)) });
    if (detail.snoozed_until_count) return t("board.activity.untilCount", { count: String(detail.snoozed_until_count) });
  }
  return null;
}

/** What happened to the group, newest first: occurrences, handling, regressions, assignment, notes. */
export function ActivityTimeline({ activity }: { activity: Activity[] }) {
  const { t } = useI18n();
  return (
    <Timeline
      items={activity.map((entry, index) => {
        const text = describe(entry, t);
        const kind = KNOWN.has(entry.kind) ? t(`board.activity.${entry.kind}` as MessageKey) : entry.kind;
        const actor = entry.actor === "system" ? t("board.system") : entry.actor;
        return {
          key: `${entry.at}-${index}`,
          color: COLOR[entry.kind] ?? "blue",
          children: (
            <div>
              <Typography.Text strong>{kind}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                {formatTime(entry.at)}
                {actor && entry.kind !== "occurrence" ? ` · ${actor}` : ""}
              </Typography.Text>
              {text && <div style={{ color: "#595959", wordBreak: "break-word" }}>{text}</div>}
            </div>
          ),
        };
      })}
    />
  );
}
