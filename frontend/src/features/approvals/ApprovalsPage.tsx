import { CheckOutlined, CloseOutlined } from "@ant-design/icons";
import { App, Button, Space, Table, type TableColumnsType, Tabs, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import type { MessageKey } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { PLATFORM_COLOR, PLATFORM_LABEL } from "../board/format";
import { useUsers } from "../board/hooks";
import { useTenantTime } from "../settings/tenantTime";
import { useShops, useStrategies } from "../strategies/hooks";
import { heldBy, heldChange } from "./change";
import { DecisionDialog } from "./DecisionDialog";
import { HeldChangeView } from "./HeldChangeView";
import { type Approval, type ApprovalStatus, type Decision, useApprovals, useDecide } from "./hooks";

const STATUSES: Record<ApprovalStatus, { label: MessageKey; color: string }> = {
  pending: { label: "approvals.status.pending", color: "purple" },
  approved: { label: "approvals.status.approved", color: "green" },
  rejected: { label: "approvals.status.rejected", color: "default" },
};
const TABS = Object.keys(STATUSES) as ApprovalStatus[];

/** Risky pushes held by an approval policy: operators approve (the workers send it) or reject them with a note. */
export default function ApprovalsPage() {
  const { t } = useI18n();
  const time = useTenantTime();
  const { message } = App.useApp();
  const { canAct } = usePermissions();
  const [params, setParams] = useSearchParams();
  const status = (TABS as string[]).includes(params.get("status") ?? "") ? (params.get("status") as ApprovalStatus) : "pending";
  const approvals = useApprovals(status);
  const strategies = useStrategies();
  const shops = useShops();
  const users = useUsers();
  const decide = useDecide();
  const [deciding, setDeciding] = useState<{ approval: Approval; decision: Decision } | null>(null);

  const strategyOf = new Map((strategies.data?.items ?? []).map((strategy) => [strategy.id, strategy]));
  const platformOf = new Map((shops.data?.items ?? []).map((shop) => [shop.id, shop]));
  const userName = new Map((users.data?.items ?? []).map((user) => [`user:${user.id}`, user.display_name || user.email || user.id]));
  const change = (approval: Approval) => heldChange(approval.operation, approval.value, approval.previous_value);
  const summary = (approval: Approval) => {
    const held = change(approval);
    return t("approvals.summary", {
      sku: approval.sku,
      shop: approval.shop_name,
      what: t(approval.operation === "stock" ? "approvals.stock" : "approvals.price"),
      before: held.before ?? t("approvals.noPrevious"),
      after: [held.after, held.unit].filter(Boolean).join(" "),
    });
  };

  const submit = (note: string) => {
    if (!deciding) return;
    const { approval, decision } = deciding;
    decide.mutate(
      { id: approval.id, decision, note },
      {
        onSuccess: () => {
          setDeciding(null);
          void message.success(t(decision === "approve" ? "approvals.approved" : "approvals.rejected", { sku: approval.sku }));
        },
      },
    );
  };

  const columns: TableColumnsType<Approval> = [
    {
      title: t("approvals.col.skuShop"),
      key: "sku",
      width: 180,
      render: (_, approval) => {
        const shop = platformOf.get(approval.shop_id);
        return (
          <>
            <Typography.Text strong data-testid="approval-sku">
              {approval.sku}
            </Typography.Text>
            <div>
              {approval.shop_name}{" "}
              {shop && <Tag color={PLATFORM_COLOR[shop.platform]}>{PLATFORM_LABEL[shop.platform] ?? shop.platform}</Tag>}
            </div>
          </>
        );
      },
    },
    {
      title: t("approvals.col.change"),
      key: "change",
      render: (_, approval) => <HeldChangeView operation={approval.operation} change={change(approval)} />,
    },
    {
      title: t("approvals.col.rule"),
      key: "rule",
      width: 220,
      render: (_, approval) => {
        const rule = heldBy(approval.operation, change(approval), strategyOf.get(approval.strategy_id ?? "")?.approval_policy);
        // The API's own sentence (English) stays at hand in the tooltip; it is shown when no rule is recognised.
        return (
          <span data-testid="held-by" title={approval.reason}>
            {rule ? t(rule.key, rule.vars) : approval.reason}
          </span>
        );
      },
    },
    {
      title: t("approvals.col.origin"),
      key: "origin",
      width: 200,
      render: (_, approval) => (
        <Space orientation="vertical" size={0}>
          {approval.strategy_id && (
            <Link to={`/strategies?strategy=${approval.strategy_id}`} data-testid="approval-strategy">
              {strategyOf.get(approval.strategy_id)?.name ?? t("approvals.strategy")}
            </Link>
          )}
          <Link to={`/tasks/${approval.task_id}`} data-testid="approval-task">
            {t("approvals.task", { id: approval.task_id.slice(0, 8) })}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("approvals.requestedAt", { time: time.format(approval.requested_at, "MM-DD HH:mm") })}
          </Typography.Text>
        </Space>
      ),
    },
    status === "pending"
      ? {
          title: t("approvals.col.decision"),
          key: "actions",
          width: 190,
          render: (_, approval) =>
            canAct ? (
              <Space size="small">
                <Button type="primary" size="small" icon={<CheckOutlined />} onClick={() => setDeciding({ approval, decision: "approve" })} data-testid="approve">
                  {t("approvals.approve")}
                </Button>
                <Button danger size="small" icon={<CloseOutlined />} onClick={() => setDeciding({ approval, decision: "reject" })} data-testid="reject">
                  {t("approvals.reject")}
                </Button>
              </Space>
            ) : (
              <Tooltip title={t("approvals.readOnly")}>
                <Tag color={STATUSES.pending.color}>{t(STATUSES.pending.label)}</Tag>
              </Tooltip>
            ),
        }
      : {
          title: t("approvals.col.decision"),
          key: "decision",
          width: 240,
          render: (_, approval) => (
            <Space orientation="vertical" size={0} data-testid="decision">
              <Space size={4} wrap>
                <Tag color={STATUSES[approval.status].color}>{t(STATUSES[approval.status].label)}</Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {[userName.get(approval.decided_by ?? "") ?? approval.decided_by, time.format(approval.decided_at, "MM-DD HH:mm")].filter(Boolean).join(" · ")}
                </Typography.Text>
              </Space>
              {approval.note && <Typography.Text style={{ fontSize: 12 }}>{approval.note}</Typography.Text>}
            </Space>
          ),
        },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Text type="secondary">{t(canAct ? "approvals.intro" : "approvals.readOnly")}</Typography.Text>
      <Tabs
        activeKey={status}
        onChange={(key) => setParams(key === "pending" ? {} : { status: key })}
        items={TABS.map((key) => ({ key, label: <span data-testid={`approvals-tab-${key}`}>{t(STATUSES[key].label)}</span> }))}
        style={{ marginBottom: -16 }}
      />
      <Table<Approval>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={approvals.data?.items}
        loading={approvals.isPending}
        pagination={false}
        locale={{ emptyText: t(status === "pending" ? "approvals.emptyPending" : "approvals.empty") }}
        onRow={(approval) => ({ "data-testid": "approval-row", "aria-label": `${approval.sku} ${approval.shop_name}` }) as object}
        data-testid="approvals-table"
      />
      <DecisionDialog
        decision={deciding?.decision ?? null}
        summary={deciding ? summary(deciding.approval) : ""}
        busy={decide.isPending}
        onCancel={() => setDeciding(null)}
        onSubmit={submit}
      />
    </Space>
  );
}
