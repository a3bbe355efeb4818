import { Alert, Tag, Tooltip } from "antd";

import { useI18n } from "../../app/useI18n";
import type { TraceSummary } from "./hooks";
import { OUTCOME_COLORS, OUTCOME_LABELS, VERDICT_COLORS, VERDICT_LABELS } from "./labels";

type Attempt = Pick<TraceSummary, "response_status" | "transport_error" | "verdict">;

/** The HTTP status beside the platform's verdict: a refusal under HTTP 200 is red, not a green "200 成功". */
export function VerdictTag({ attempt }: { attempt: Attempt }) {
  const { t } = useI18n();
  const { verdict } = attempt;
  const said = [verdict.code, verdict.message ?? attempt.transport_error].filter(Boolean).join(" · ");
  if (attempt.response_status === null) {
    // No answer came back (timeout, reset): that is not a platform's refusal, and may still have been applied.
    return (
      <Tooltip title={said || undefined}>
        <Tag color={OUTCOME_COLORS.transport_error} data-testid="trace-verdict" data-verdict="no_response">
          {t(OUTCOME_LABELS.transport_error)}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={said || undefined}>
      <Tag color={VERDICT_COLORS[verdict.verdict]} data-testid="trace-verdict" data-verdict={verdict.verdict}>
        {attempt.response_status ?? ""} {t(VERDICT_LABELS[verdict.verdict])}
        {verdict.verdict === "partial" && ` · ${t("traces.verdict.failedItems", { count: verdict.failed_items })}`}
      </Tag>
    </Tooltip>
  );
}

/** What the platform said when it refused the call or some of its items, in its own words. */
export function VerdictNote({ attempt }: { attempt: Attempt }) {
  const { t } = useI18n();
  const { verdict } = attempt;
  if (verdict.verdict === "ok" || (!verdict.code && !verdict.message)) return null;
  return (
    <Alert
      type={verdict.verdict === "failed" ? "error" : "warning"}
      showIcon
      style={{ marginBottom: 8 }}
      data-testid="trace-verdict-note"
      title={
        verdict.verdict === "failed"
          ? t("traces.verdict.refused", { status: attempt.response_status ?? "—" })
          : t("traces.verdict.refusedItems", { count: verdict.failed_items })
      }
      description={[verdict.code, verdict.message].filter(Boolean).join(" · ")}
    />
  );
}
