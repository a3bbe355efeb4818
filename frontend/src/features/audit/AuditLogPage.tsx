import { DatePicker, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { Link } from "react-router-dom";

import { Forbidden } from "../../app/Forbidden";
import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { useTenantTime } from "../settings/tenantTime";
import { CursorPager } from "../traces/CursorPager";
import { boardGroupLink } from "../traces/boardLink";
import { useCursorPages } from "../traces/useCursorPages";
import { AuditDiff } from "./AuditDiff";
import { type ActorKind, type AuditEntry, type AuditQuery, useAuditLog } from "./hooks";
import { ACTIONS, ACTOR_KINDS, OBJECT_TYPES } from "./labels";

const PAGE_SIZE = 50;
const ACTOR_COLORS: Record<ActorKind, string> = { user: "blue", api_key: "purple", system: "default" };

export default function AuditLogPage() {
  const { isAdmin } = usePermissions();
  if (!isAdmin) return <Forbidden />;
  return <AuditLog />;
}

/** Who changed what, newest first; each row opens onto its before/after. */
function AuditLog() {
  const { t } = useI18n();
  const time = useTenantTime();
  const [actions, setActions] = useState<string[]>([]);
  const [objectType, setObjectType] = useState<string>();
  const [actorKind, setActorKind] = useState<ActorKind>();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);

  const filter: AuditQuery = {
    action: actions.length ? actions : undefined,
    object_type: objectType,
    actor_kind: actorKind,
    since: range ? time.toApi(range[0]) : undefined,
    until: range ? time.toApi(range[1]) : undefined,
  };
  const pages = useCursorPages(JSON.stringify(filter));
  const log = useAuditLog({ ...filter, limit: PAGE_SIZE, cursor: pages.cursor });

  const label = (labels: Record<string, Parameters<typeof t>[0]>, code: string) => {
    const key = labels[code];
    return key ? t(key) : code;
  };

  const columns: TableColumnsType<AuditEntry> = [
    { title: t("audit.time"), dataIndex: "occurred_at", width: 180, render: (value: string) => time.format(value) },
    {
      title: t("audit.actor"),
      key: "actor",
      width: 260,
      render: (_, entry) => (
        <Space size={4}>
          <Tag color={ACTOR_COLORS[entry.actor.kind]}>{t(ACTOR_KINDS[entry.actor.kind])}</Tag>
          <span>{entry.actor.kind === "system" ? "OpenClaw" : entry.actor.label}</span>
        </Space>
      ),
    },
    {
      title: t("audit.action"),
      dataIndex: "action",
      render: (action: string) => (
        <Space orientation="vertical" size={0}>
          <span>{label(ACTIONS, action)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {action}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t("audit.object"),
      key: "object",
      render: (_, entry) => (
        <Space orientation="vertical" size={0}>
          <span>{label(OBJECT_TYPES, entry.object_type)}</span>
          {entry.object_type === "error_group" ? (
            <Link to={boardGroupLink(entry.object_id)} style={{ fontSize: 12, fontFamily: "monospace" }} onClick={(e) => e.stopPropagation()}>
              {entry.object_id}
            </Link>
          ) : (
            <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: "monospace" }}>
              {entry.object_id}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space wrap size="middle" role="search" aria-label={t("audit.filters")}>
        <Select
          mode="tags"
          allowClear
          placeholder={t("audit.action")}
          aria-label={t("audit.action")}
          value={actions}
          onChange={setActions}
          options={Object.entries(ACTIONS).map(([value, key]) => ({ value, label: t(key) }))}
          optionFilterProp="label"
          style={{ minWidth: 240 }}
          maxTagCount="responsive"
        />
        <Select
          allowClear
          placeholder={t("audit.object")}
          aria-label={t("audit.object")}
          value={objectType}
          onChange={setObjectType}
          options={Object.entries(OBJECT_TYPES).map(([value, key]) => ({ value, label: t(key) }))}
          style={{ width: 160 }}
        />
        <Select<ActorKind>
          allowClear
          placeholder={t("audit.actorKind")}
          aria-label={t("audit.actorKind")}
          value={actorKind}
          onChange={setActorKind}
          options={(Object.keys(ACTOR_KINDS) as ActorKind[]).map((value) => ({ value, label: t(ACTOR_KINDS[value]) }))}
          style={{ width: 140 }}
        />
        <DatePicker.RangePicker
          showTime={{ format: "HH:mm" }}
          format="YYYY-MM-DD HH:mm"
          value={range}
          onChange={(picked) => setRange(picked?.[0] && picked[1] ? [picked[0], picked[1]] : null)}
          aria-label={t("audit.timeRange")}
        />
      </Space>
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={log.data?.items}
        loading={log.isPending || log.isPlaceholderData}
        pagination={false}
        locale={{ emptyText: t("audit.empty") }}
        expandable={{
          expandRowByClick: true,
          rowExpandable: (entry) => entry.before !== null || entry.after !== null || entry.payload !== null,
          expandedRowRender: (entry) => <AuditDiff before={entry.before} after={entry.after} payload={entry.payload} />,
        }}
      />
      <CursorPager pages={pages} nextCursor={log.data?.next_cursor} loading={log.isFetching} />
    </Space>
  );
}
