import { DeleteOutlined, EditOutlined, HistoryOutlined, PlusOutlined, SendOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Space, Switch, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";

import { TagList, type TagItem } from "../../app/TagList";
import { useI18n } from "../../app/useI18n";
import { PLATFORM_LABEL } from "../board/format";
import { useTenantTime } from "../settings/tenantTime";
import { CHANNEL_KINDS } from "./labels";
import {
  type AlertRule,
  type TestResult,
  useAlertRules,
  useDeleteAlertRule,
  useErrorTypes,
  useSetRuleActive,
  useShops,
  useStrategies,
  useTestAlertRule,
} from "./queries";
import { RuleDrawer } from "./RuleDrawer";
import { TestResultModal } from "./TestResultModal";
import { conditionInWords, cooldownInWords, digestInWords, quietHoursInWords } from "./words";

/** The rules table: each rule's condition and filters in words, its channels, rhythm and switch, and its actions. */
export function RulesTab({ onShowDeliveries }: { onShowDeliveries: (ruleId: string) => void }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const { message } = App.useApp();
  const rules = useAlertRules();
  const types = useErrorTypes();
  const shops = useShops();
  const strategies = useStrategies();
  const setActive = useSetRuleActive();
  const test = useTestAlertRule();
  const remove = useDeleteAlertRule();
  const [editing, setEditing] = useState<AlertRule | "new" | null>(null);
  const [tested, setTested] = useState<{ rule: AlertRule; results: TestResult[] } | null>(null);

  const typeTitle = new Map((types.data?.items ?? []).map((type) => [type.code, type.title]));
  const titleOf = (code: string) => typeTitle.get(code) ?? code;
  const shopName = new Map((shops.data?.items ?? []).map((shop) => [shop.id, shop.name]));
  const strategyName = new Map((strategies.data?.items ?? []).map((strategy) => [strategy.id, strategy.name]));

  const filterTags = (rule: AlertRule): TagItem[] => {
    const f = rule.filters;
    return [
      ...(f.severity ?? []).map((s) => ({ key: `s:${s}`, label: t(`board.tab.${s}`) })),
      ...(f.error_type ?? []).map((code) => ({ key: `e:${code}`, label: titleOf(code) })),
      ...(f.platform ?? []).map((p) => ({ key: `p:${p}`, label: PLATFORM_LABEL[p] ?? p })),
      ...(f.shop_id ?? []).map((id) => ({ key: `h:${id}`, label: shopName.get(id) ?? id.slice(0, 8) })),
      ...(f.strategy_id ?? []).map((id) => ({ key: `g:${id}`, label: strategyName.get(id) ?? id.slice(0, 8) })),
    ];
  };

  const sendTest = (rule: AlertRule) =>
    test.mutate(rule.id, { onSuccess: (answer) => setTested({ rule, results: answer.results }) });

  const columns: TableColumnsType<AlertRule> = [
    {
      title: t("alerts.col.name"),
      dataIndex: "name",
      width: 150,
      render: (name: string, rule) => (
        <Typography.Link onClick={() => setEditing(rule)} data-testid="alert-rule-name">
          {name}
        </Typography.Link>
      ),
    },
    {
      title: t("alerts.col.condition"),
      key: "condition",
      width: 170,
      render: (_, rule) => <span data-testid="alert-rule-condition">{conditionInWords(rule.condition, t, titleOf)}</span>,
    },
    {
      title: t("alerts.col.filters"),
      key: "filters",
      render: (_, rule) => {
        const tags = filterTags(rule);
        return tags.length ? <TagList items={tags} max={3} /> : <Typography.Text type="secondary">{t("alerts.allErrors")}</Typography.Text>;
      },
    },
    {
      title: t("alerts.col.channels"),
      key: "channels",
      render: (_, rule) => (
        <Space orientation="vertical" size={2} data-testid="alert-rule-channels">
          {rule.channels.map((channel, index) => (
            <Space key={index} size={4} wrap>
              <Tag color={CHANNEL_KINDS[channel.kind].color} style={{ marginInlineEnd: 0 }}>
                {t(CHANNEL_KINDS[channel.kind].label)}
              </Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: "break-all" }}>
                {channel.target_hint}
              </Typography.Text>
            </Space>
          ))}
        </Space>
      ),
    },
    {
      title: t("alerts.col.sending"),
      key: "sending",
      width: 150,
      render: (_, rule) => {
        const quiet = quietHoursInWords(rule.quiet_hours);
        const digest = digestInWords(rule.digest_hour, t);
        return (
          <Space orientation="vertical" size={0} style={{ fontSize: 13 }}>
            <span>
              {t("alerts.sending.cooldown")} <span data-testid="alert-rule-cooldown">{cooldownInWords(rule.cooldown_minutes, t)}</span>
            </span>
            {quiet && <Typography.Text type="secondary">{t("alerts.sending.quiet", { hours: quiet })}</Typography.Text>}
            {digest && <Typography.Text type="secondary">{digest}</Typography.Text>}
          </Space>
        );
      },
    },
    {
      title: t("alerts.col.active"),
      dataIndex: "is_active",
      width: 70,
      render: (active: boolean, rule) => (
        <Switch
          size="small"
          checked={active}
          loading={setActive.isPending && setActive.variables?.id === rule.id}
          aria-label={t("alerts.activeFor", { name: rule.name })}
          onChange={(checked) => setActive.mutate({ id: rule.id, active: checked })}
        />
      ),
    },
    {
      title: t("alerts.col.lastFired"),
      dataIndex: "last_fired_at",
      width: 140,
      render: (value: string | null) =>
        value ? time.format(value, "YYYY-MM-DD HH:mm") : <Typography.Text type="secondary">{t("common.never")}</Typography.Text>,
    },
    {
      title: t("alerts.col.actions"),
      key: "actions",
      width: 120,
      render: (_, rule) => (
        <Space size={0} wrap>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(rule)} data-testid="alert-rule-edit">
            {t("alerts.edit")}
          </Button>
          <Button
            type="link"
            size="small"
            icon={<SendOutlined />}
            loading={test.isPending && test.variables === rule.id}
            onClick={() => sendTest(rule)}
            data-testid="alert-rule-test"
          >
            {t("alerts.test")}
          </Button>
          <Button type="link" size="small" icon={<HistoryOutlined />} onClick={() => onShowDeliveries(rule.id)} data-testid="alert-rule-history">
            {t("alerts.history")}
          </Button>
          <Popconfirm
            title={t("alerts.deleteConfirm", { name: rule.name })}
            description={t("alerts.deleteHelp")}
            okText={t("alerts.delete")}
            okButtonProps={{ danger: true }}
            cancelText={t("common.cancel")}
            onConfirm={() => remove.mutateAsync(rule.id).then(() => void message.success(t("alerts.deleted", { name: rule.name })))}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />} data-testid="alert-rule-delete">
              {t("alerts.delete")}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Text type="secondary">{t("alerts.intro")}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} data-testid="alert-rule-new">
          {t("alerts.new")}
        </Button>
      </Space>
      <Table<AlertRule>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rules.data?.items}
        loading={rules.isPending}
        pagination={false}
        scroll={{ x: 1050 }}
        locale={{ emptyText: t("alerts.empty") }}
        data-testid="alert-rules-table"
      />
      <RuleDrawer rule={editing} onClose={() => setEditing(null)} />
      <TestResultModal tested={tested} onClose={() => setTested(null)} />
    </Space>
  );
}
