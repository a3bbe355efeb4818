import { CheckOutlined, ClockCircleOutlined, ExportOutlined, PushpinOutlined, UndoOutlined } from "@ant-design/icons";
import { Alert, App, Button, Descriptions, Drawer, Input, Result, Select, Skeleton, Space, Tag, Typography } from "antd";
import { type ReactNode, useEffect, useState } from "react";

import type { MessageKey } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import { useMe } from "../auth/hooks";
import { ActivityTimeline } from "./ActivityTimeline";
import { StatusCell } from "./BoardTable";
import { formatTime, PLATFORM_COLOR, PLATFORM_LABEL } from "./format";
import { HandleDialog } from "./HandleDialog";
import {
  type ErrorGroupDetail,
  useAssign,
  useErrorDetail,
  useHandle,
  usePausedTypes,
  usePlatforms,
  usePinNote,
  useReopen,
  useSnooze,
  useUnsnooze,
  useUsers,
} from "./hooks";
import { sellerCentreUrl } from "./sellerCentre";
import { SnoozeDialog } from "./SnoozeDialog";
import { TaskSection } from "./TaskSection";
import { TracePanel } from "./TracePanel";

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section aria-label={title} data-testid={testId} style={{ marginBottom: 24 }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      {children}
    </section>
  );
}

/** The detail of one row, linkable through the URL (`?group=<id>`); Esc or the close button closes it. */
export function ErrorDrawer({ groupId, canAct, onClose }: { groupId: string | null; canAct: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const detail = useErrorDetail(groupId);
  const group = detail.data;
  const open = groupId !== null;

  // The drawer closes on Esc while focus is inside it; when an action button it held disappears (the row was
  // handled), focus falls back to the page body, and Esc must still close it.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented && document.activeElement === document.body) onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, onClose]);

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width="min(1100px, 92vw)"
      title={group ? group.title : t("board.drawer.loading")}
      closable={{ "aria-label": t("board.drawer.close") }}
      destroyOnHidden
      data-testid="error-drawer"
    >
      {detail.isPending ? (
        <Skeleton active />
      ) : detail.isError || !group ? (
        <Result status="warning" title={detail.error?.message ?? t("board.drawer.notFound")} />
      ) : (
        <DrawerBody group={group} canAct={canAct} />
      )}
    </Drawer>
  );
}

function DrawerBody({ group, canAct }: { group: ErrorGroupDetail; canAct: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const users = useUsers();
  const handle = useHandle();
  const reopen = useReopen();
  const assign = useAssign();
  const snooze = useSnooze();
  const unsnooze = useUnsnooze();
  const pin = usePinNote();
  const paused = usePausedTypes();
  const platforms = usePlatforms();
  const [dialog, setDialog] = useState<"handle" | "snooze" | null>(null);
  const [note, setNote] = useState<string | null>(null); // null: not editing

  const sellerCentre = sellerCentreUrl(platforms.data?.items, group.platform, group.market, {
    platformItemId: group.latest_event.platform_item_id,
    sku: group.sku,
  });
  const others = (users.data?.items ?? []).filter((user) => user.id !== me.data?.id);
  const assigneeOptions = [
    ...(me.data ? [{ value: me.data.id, label: t("board.assign.meNamed", { name: me.data.display_name || me.data.email || "" }) }] : []),
    ...others.map((user) => ({ value: user.id, label: user.display_name || user.email })),
    ...(group.assignee_id && group.assignee_id !== me.data?.id && !others.some((user) => user.id === group.assignee_id)
      ? [{ value: group.assignee_id, label: group.assignee_name ?? group.assignee_id }]
      : []),
  ];

  return (
    <div data-testid="error-detail">
      <Space wrap style={{ marginBottom: 16 }}>
        <Tag color={group.severity === "error" ? "red" : "gold"}>{t(`board.tab.${group.severity}`)}</Tag>
        <StatusCell group={group} waiting={paused.has(group.error_type)} />
        {canAct && group.status === "open" && (
          <Button type="primary" icon={<CheckOutlined />} onClick={() => setDialog("handle")}>
            {t("board.action.handle")}
          </Button>
        )}
        {canAct && group.status !== "open" && (
          <Button icon={<UndoOutlined />} loading={reopen.isPending} onClick={() => reopen.mutate(group.id)}>
            {t("board.action.reopen")}
          </Button>
        )}
        {canAct && group.status === "open" && !group.snoozed && (
          <Button icon={<ClockCircleOutlined />} onClick={() => setDialog("snooze")}>
            {t("board.action.snooze")}
          </Button>
        )}
        {canAct && group.snoozed && (
          <Button loading={unsnooze.isPending} onClick={() => unsnooze.mutate(group.id)}>
            {t("board.action.unsnooze")}
          </Button>
        )}
        {sellerCentre && (
          <Button href={sellerCentre} target="_blank" rel="noopener noreferrer" icon={<ExportOutlined />} data-testid="seller-centre-link">
            {t("board.drawer.sellerCentre", { platform: PLATFORM_LABEL[group.platform] ?? group.platform })}
          </Button>
        )}
      </Space>

      {group.pinned_note && note === null && (
        <Alert type="warning" showIcon icon={<PushpinOutlined />} style={{ marginBottom: 16 }} message={t("board.drawer.pinnedNote")} description={group.pinned_note} data-testid="pinned-note" />
      )}

      <Alert
        type="info"
        style={{ marginBottom: 16 }}
        message={t("board.drawer.suggestion")}
        description={
          <>
            <div>{group.suggestion}</div>
            {group.doc_url && (
              <a href={group.doc_url} target="_blank" rel="noopener noreferrer">
                {t("board.drawer.docs")}
              </a>
            )}
          </>
        }
      />

      {group.missing_fields.length > 0 && (
        <Section title={t("board.drawer.missing")} testId="missing-fields">
          <Space wrap>
            {group.missing_fields.map((field) => (
              <Tag key={field} color="orange">
                {field}
              </Tag>
            ))}
          </Space>
        </Section>
      )}

      <Section title={t("board.drawer.details")}>
        <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t("board.col.sku")}>{group.sku || "—"}</Descriptions.Item>
          <Descriptions.Item label={t("board.col.shop")}>
            {group.shop_name} <Tag color={PLATFORM_COLOR[group.platform]}>{PLATFORM_LABEL[group.platform] ?? group.platform}</Tag> {group.market}
          </Descriptions.Item>
          <Descriptions.Item label={t("board.drawer.itemId")}>{group.latest_event.platform_item_id ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("board.drawer.errorType")}>{group.error_type}</Descriptions.Item>
          <Descriptions.Item label={t("board.drawer.platformCode")}>
            <Typography.Text code>{group.platform_error_code || "—"}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("board.drawer.operation")}>{group.operation ? t(`board.operation.${group.operation}` as MessageKey) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("board.col.count")}>{group.count}</Descriptions.Item>
          <Descriptions.Item label={t("board.col.firstSeen")}>{formatTime(group.first_seen)}</Descriptions.Item>
          <Descriptions.Item label={t("board.col.lastSeen")}>{formatTime(group.last_seen)}</Descriptions.Item>
          <Descriptions.Item label={t("board.drawer.message")} span={3}>
            {group.latest_event.platform_error_message}
          </Descriptions.Item>
          <Descriptions.Item label={t("board.drawer.assignee")} span={3}>
            {canAct ? (
              <Select
                aria-label={t("board.drawer.assignee")}
                style={{ minWidth: 240 }}
                allowClear
                placeholder={t("board.assign.nobody")}
                value={group.assignee_id ?? undefined}
                options={assigneeOptions}
                loading={assign.isPending}
                onChange={(value: string | undefined) =>
                  assign.mutate({ id: group.id, assigneeId: value ?? null }, { onSuccess: () => void message.success(t("board.assign.done")) })
                }
                data-testid="assignee-select"
              />
            ) : (
              (group.assignee_name ?? t("board.assign.nobody"))
            )}
          </Descriptions.Item>
        </Descriptions>
      </Section>

      {canAct && (
        <Section title={t("board.drawer.pinnedNote")}>
          {note === null ? (
            <Button icon={<PushpinOutlined />} onClick={() => setNote(group.pinned_note ?? "")}>
              {group.pinned_note ? t("board.drawer.editNote") : t("board.drawer.addNote")}
            </Button>
          ) : (
            <Space direction="vertical" style={{ width: "100%" }}>
              <Input.TextArea aria-label={t("board.drawer.pinnedNote")} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
              <Space>
                <Button
                  type="primary"
                  loading={pin.isPending}
                  onClick={() => pin.mutate({ id: group.id, note: note.trim() || null }, { onSuccess: () => setNote(null) })}
                >
                  {t("board.drawer.saveNote")}
                </Button>
                <Button onClick={() => setNote(null)}>{t("common.cancel")}</Button>
              </Space>
            </Space>
          )}
        </Section>
      )}

      <Section title={t("board.drawer.trace")} testId="trace-section">
        <TracePanel traceId={group.latest_event.trace_id} />
      </Section>

      <Section title={t("board.drawer.taskStrategy")} testId="task-strategy">
        <TaskSection group={group} canAct={canAct} />
      </Section>

      <Section title={t("board.drawer.activity")} testId="activity">
        <ActivityTimeline activity={group.activity} />
      </Section>

      <HandleDialog
        open={dialog === "handle"}
        count={1}
        busy={handle.isPending}
        onCancel={() => setDialog(null)}
        onSubmit={(values) =>
          handle.mutate(
            { id: group.id, ...values },
            {
              onSuccess: () => {
                setDialog(null);
                void message.success(t("board.handle.done"));
              },
            },
          )
        }
      />
      <SnoozeDialog
        open={dialog === "snooze"}
        count={1}
        busy={snooze.isPending}
        onCancel={() => setDialog(null)}
        onSubmit={(value) => snooze.mutate({ id: group.id, snooze: value }, { onSuccess: () => setDialog(null) })}
      />
    </div>
  );
}
