import { PlayCircleOutlined, UnorderedListOutlined } from "@ant-design/icons";
import { App, Button, Drawer, Result, Skeleton, Space } from "antd";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { NEW_STRATEGY, type StrategyFormValues, toBody, toFormValues } from "./form";
import { type Strategy, useRunStrategy, useSaveStrategy, useStrategy } from "./hooks";
import { StrategyForm } from "./StrategyForm";

const FORM_ID = "strategy-form";

/** A strategy's form in a drawer: `strategyId` "new" creates one; viewers see the form read-only. */
export function StrategyDrawer({ strategyId, canEdit, onClose }: { strategyId: string | null; canEdit: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const creating = strategyId === "new";
  const detail = useStrategy(creating ? null : strategyId);

  return (
    <Drawer
      open={strategyId !== null}
      onClose={onClose}
      size={760}
      title={creating ? t("strategies.new") : (detail.data?.name ?? t("common.loading"))}
      closable={{ "aria-label": t("strategies.close") }}
      destroyOnHidden
      data-testid="strategy-drawer"
      footer={canEdit && (creating || detail.data) ? <Footer strategy={creating ? null : (detail.data ?? null)} /> : null}
    >
      {creating ? (
        <Editor key="new" strategy={null} canEdit={canEdit} onSaved={onClose} />
      ) : detail.isPending ? (
        <Skeleton active />
      ) : detail.isError ? (
        <Result status="warning" title={detail.error.message} />
      ) : (
        <Editor key={`${detail.data.id}:${detail.data.version}`} strategy={detail.data} canEdit={canEdit} onSaved={onClose} />
      )}
    </Drawer>
  );
}

function Footer({ strategy }: { strategy: Strategy | null }) {
  const { t } = useI18n();
  const save = useSaveStrategy();
  return (
    <Space style={{ width: "100%", justifyContent: "space-between" }}>
      <Space>{strategy && <RunButton strategy={strategy} />}</Space>
      <Button type="primary" htmlType="submit" form={FORM_ID} loading={save.isPending} data-testid="strategy-save">
        {strategy ? t("strategies.save") : t("strategies.create")}
      </Button>
    </Space>
  );
}

function Editor({ strategy, canEdit, onSaved }: { strategy: Strategy | null; canEdit: boolean; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const save = useSaveStrategy();
  const [error, setError] = useState<unknown>(null);
  const initial: StrategyFormValues = strategy ? toFormValues(strategy) : NEW_STRATEGY;

  const submit = (values: StrategyFormValues) => {
    setError(null);
    save.mutate(
      { id: strategy?.id ?? null, body: toBody(values) },
      {
        onSuccess: (saved) => {
          void message.success(t(strategy ? "strategies.saved" : "strategies.created", { name: saved.name, version: saved.version }));
          onSaved();
        },
        onError: setError,
      },
    );
  };

  return (
    <>
      {strategy && (
        <Space style={{ marginBottom: 16 }} wrap>
          <Link to={`/tasks?strategy_id=${strategy.id}`} data-testid="strategy-history">
            <UnorderedListOutlined /> {t("strategies.history")}
          </Link>
        </Space>
      )}
      <StrategyForm formId={FORM_ID} initial={initial} editing={strategy !== null} readOnly={!canEdit} error={error} onSubmit={submit} />
    </>
  );
}

/** Starts a run now and opens its task. */
export function RunButton({ strategy, size }: { strategy: Strategy; size?: "small" }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const run = useRunStrategy();
  return (
    <Button
      size={size}
      icon={<PlayCircleOutlined />}
      loading={run.isPending && run.variables === strategy.id}
      disabled={!strategy.is_active}
      title={strategy.is_active ? undefined : t("strategies.runInactive")}
      onClick={() => run.mutate(strategy.id, { onSuccess: (started) => navigate(`/tasks/${started.task_id}`) })}
      data-testid="strategy-run"
    >
      {t("strategies.run")}
    </Button>
  );
}
