import { CheckOutlined, ClockCircleOutlined, UserAddOutlined } from "@ant-design/icons";
import { Alert, App, Button, Dropdown, Space } from "antd";
import { useState } from "react";

import { useI18n } from "../../app/useI18n";
import { useMe } from "../auth/hooks";
import { HandleDialog } from "./HandleDialog";
import { type Selection, useAssignMany, useHandleMany, useSnoozeMany } from "./hooks";
import { SnoozeDialog } from "./SnoozeDialog";

/**
 * The bar over the table while rows are selected: mark handled, assign, snooze. When the whole page is selected
 * it offers "all N matching this filter", and then the actions send the filter instead of ids.
 */
export function BulkActions({
  selection,
  count,
  pageSelected,
  total,
  onSelectAllMatching,
  onDone,
}: {
  selection: Selection;
  count: number;
  /** every row of the current page is selected (and more rows exist) */
  pageSelected: boolean;
  total: number | null;
  onSelectAllMatching: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const handleMany = useHandleMany();
  const assignMany = useAssignMany();
  const snoozeMany = useSnoozeMany();
  const [dialog, setDialog] = useState<"handle" | "snooze" | null>(null);
  const allMatching = "filter" in selection;

  const done = (affected: number) => {
    void message.success(t("board.bulk.done", { count: affected }));
    setDialog(null);
    onDone();
  };

  return (
    <div data-testid="bulk-actions">
      <Space wrap style={{ marginBottom: 8 }}>
        <span aria-live="polite">{t("board.bulk.selected", { count })}</span>
        <Button type="primary" icon={<CheckOutlined />} onClick={() => setDialog("handle")}>
          {t("board.action.handle")}
        </Button>
        <Dropdown
          trigger={["click"]}
          menu={{
            items: [
              { key: "me", label: t("board.assign.me") },
              { key: "none", label: t("board.assign.none") },
            ],
            onClick: ({ key }) =>
              assignMany.mutate(
                { ...selection, assignee_id: key === "me" ? (me.data?.id ?? null) : null },
                { onSuccess: (result) => done(result.affected) },
              ),
          }}
        >
          <Button icon={<UserAddOutlined />} loading={assignMany.isPending}>
            {t("board.action.assign")}
          </Button>
        </Dropdown>
        <Button icon={<ClockCircleOutlined />} onClick={() => setDialog("snooze")}>
          {t("board.action.snooze")}
        </Button>
      </Space>
      {pageSelected && !allMatching && total !== null && total > count && (
        <Alert
          type="info"
          style={{ marginBottom: 8 }}
          message={
            <Space>
              {t("board.bulk.pageSelected", { count })}
              <Button type="link" size="small" onClick={onSelectAllMatching} data-testid="select-all-matching">
                {t("board.bulk.selectAllMatching", { total })}
              </Button>
            </Space>
          }
        />
      )}
      {allMatching && (
        <Alert type="warning" style={{ marginBottom: 8 }} message={t("board.bulk.allMatching", { total: total ?? count })} />
      )}
      <HandleDialog
        open={dialog === "handle"}
        count={count}
        busy={handleMany.isPending}
        onCancel={() => setDialog(null)}
        onSubmit={(values) => handleMany.mutate({ ...selection, ...values }, { onSuccess: (r) => done(r.affected) })}
      />
      <SnoozeDialog
        open={dialog === "snooze"}
        count={count}
        busy={snoozeMany.isPending}
        onCancel={() => setDialog(null)}
        onSubmit={(snooze) => snoozeMany.mutate({ ...selection, ...snooze }, { onSuccess: (r) => done(r.affected) })}
      />
    </div>
  );
}
