import { DownOutlined, StarFilled, TeamOutlined } from "@ant-design/icons";
import { App, Button, Checkbox, Dropdown, Form, Input, Modal, type MenuProps } from "antd";
import { useState } from "react";

import { useI18n } from "../../app/useI18n";
import { type BoardFilter, filterFromView, filterToView } from "./filters";
import { useTenantTime } from "../settings/tenantTime";
import { type SavedView, useCreateView, useDeleteView, useUpdateView, useViews } from "./hooks";

interface SaveValues {
  name: string;
  shared: boolean;
  is_default: boolean;
}

/** Saved views: apply one, save the current filters, share, set the tenant default, copy the link. */
export function SavedViewsMenu({
  filter,
  viewId,
  canEdit,
  onApply,
}: {
  filter: BoardFilter;
  viewId: string | null;
  canEdit: boolean;
  onApply: (view: { id: string; filter: BoardFilter }) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const views = useViews();
  const create = useCreateView();
  const update = useUpdateView();
  const remove = useDeleteView();
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<SaveValues>();
  const current = views.data?.items.find((v) => v.id === viewId) ?? null;

  const { zone } = useTenantTime();
  const apply = (view: SavedView) => onApply({ id: view.id, filter: filterFromView(view.filters, zone) });

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      void message.success(t("board.views.linkCopied"));
    } catch {
      void message.warning(t("board.views.copyFailed"));
    }
  };

  const items: MenuProps["items"] = [
    ...(views.data?.items ?? []).map((view) => ({
      key: `view:${view.id}`,
      label: (
        <span>
          {view.name}
          {view.is_default && <StarFilled style={{ color: "#faad14", marginInlineStart: 6 }} aria-label={t("board.views.default")} />}
          {view.shared && !view.is_default && <TeamOutlined style={{ marginInlineStart: 6 }} aria-label={t("board.views.shared")} />}
        </span>
      ),
    })),
    ...((views.data?.items.length ?? 0) === 0 ? [{ key: "none", disabled: true, label: t("board.views.none") }] : []),
    { type: "divider" as const },
    ...(canEdit ? [{ key: "save", label: t("board.views.save") }] : []),
    { key: "copy", label: t("board.views.copyLink") },
    ...(canEdit && current?.mine
      ? [
          { key: "default", label: t("board.views.setDefault"), disabled: current.is_default },
          { key: "share", label: current.shared ? t("board.views.unshare") : t("board.views.share"), disabled: current.is_default },
          { key: "delete", danger: true, label: t("board.views.delete", { name: current.name }) },
        ]
      : []),
  ];

  const onClick: MenuProps["onClick"] = ({ key }) => {
    if (key.startsWith("view:")) {
      const view = views.data?.items.find((v) => `view:${v.id}` === key);
      if (view) apply(view);
    } else if (key === "save") setSaving(true);
    else if (key === "copy") void copyLink();
    else if (key === "default" && current)
      update.mutate({ id: current.id, change: { is_default: true } }, { onSuccess: () => void message.success(t("board.views.defaultSet")) });
    else if (key === "share" && current)
      update.mutate({ id: current.id, change: { shared: !current.shared } }, { onSuccess: () => void message.success(t("board.views.updated")) });
    else if (key === "delete" && current) remove.mutate(current.id, { onSuccess: () => void message.success(t("board.views.deleted")) });
  };

  const save = (values: SaveValues) =>
    create.mutate(
      { name: values.name.trim(), shared: values.shared, is_default: values.is_default, filters: filterToView(filter, zone) },
      {
        onSuccess: (view) => {
          setSaving(false);
          void message.success(t("board.views.saved"));
          onApply({ id: view.id, filter });
        },
      },
    );

  return (
    <>
      <Dropdown trigger={["click"]} menu={{ items, onClick }}>
        <Button data-testid="views-menu">
          {current ? t("board.views.current", { name: current.name }) : t("board.views.title")} <DownOutlined />
        </Button>
      </Dropdown>
      <Modal
        open={saving}
        title={t("board.views.save")}
        okText={t("board.views.saveOk")}
        cancelText={t("common.cancel")}
        confirmLoading={create.isPending}
        onCancel={() => setSaving(false)}
        onOk={() => void form.validateFields().then(save, () => undefined)}
        destroyOnHidden
      >
        <Form<SaveValues> form={form} layout="vertical" preserve={false} initialValues={{ name: "", shared: false, is_default: false }}>
          <Form.Item label={t("board.views.name")} name="name" rules={[{ required: true, whitespace: true, message: t("board.views.nameRequired") }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="shared" valuePropName="checked" style={{ marginBottom: 8 }}>
            <Checkbox>{t("board.views.shareWithTeam")}</Checkbox>
          </Form.Item>
          <Form.Item name="is_default" valuePropName="checked">
            <Checkbox>{t("board.views.makeDefault")}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
