import { UserOutlined } from "@ant-design/icons";
import { Checkbox, DatePicker, Input, Select, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";

import { useI18n } from "../../app/useI18n";
import { type BoardFilter, type Platform, PLATFORMS, STATUSES } from "./filters";
import { PLATFORM_LABEL } from "./format";
import { useTenantTime } from "../settings/tenantTime";
import { type Facets, useErrorTypes, useShops } from "./hooks";

function countOf(facet: Facets[keyof Facets] | undefined, value: string): number | null {
  if (!Array.isArray(facet)) return null;
  return facet.find((f) => f.value === value)?.count ?? 0;
}

/** The board's filters: each control writes straight into the URL (through `onChange`). */
export function FilterBar({
  filter,
  facets,
  onChange,
}: {
  filter: BoardFilter;
  facets: Facets | undefined;
  onChange: (change: Partial<BoardFilter>) => void;
}) {
  const { t } = useI18n();
  const errorTypes = useErrorTypes();
  const shops = useShops();

  const withCount = (label: string, count: number | null) => (count === null ? label : `${label} (${count})`);

  const typeOptions = (errorTypes.data?.items ?? [])
    .filter((type) => type.severity === filter.severity || filter.errorType.includes(type.code))
    .map((type) => ({
      value: type.code,
      label: withCount(type.title, countOf(facets?.error_type, type.code)),
    }));
  const platformOptions = PLATFORMS.map((platform) => ({
    value: platform,
    label: withCount(PLATFORM_LABEL[platform] ?? platform, countOf(facets?.platform, platform)),
  }));
  // Shops of the chosen platforms only (all shops when no platform is chosen).
  const shopOptions = (shops.data?.items ?? [])
    .filter((shop) => filter.platform.length === 0 || filter.platform.includes(shop.platform))
    .map((shop) => ({ value: shop.id, label: withCount(shop.name, countOf(facets?.shop_id, shop.id)) }));
  const strategyOptions = (facets?.strategy_id ?? [])
    .filter((f) => f.value !== "")
    .map((f) => ({ value: f.value, label: `${f.label} (${f.count})` }));
  // A strategy chosen in the URL stays visible even when it has no rows under the other filters.
  for (const id of filter.strategyId) {
    if (!strategyOptions.some((o) => o.value === id)) strategyOptions.push({ value: id, label: id.slice(0, 8) });
  }

  // The picker's days are the tenant's days (its "today" may not be the browser's).
  const today = dayjs(useTenantTime().now().format("YYYY-MM-DD"));
  const range: [Dayjs | null, Dayjs | null] | null =
    filter.since || filter.until ? [filter.since ? dayjs(filter.since) : null, filter.until ? dayjs(filter.until) : null] : null;

  return (
    <Space wrap size={[12, 12]} style={{ width: "100%" }} role="search" aria-label={t("board.filters")}>
      <Select
        mode="multiple"
        allowClear
        aria-label={t("board.filter.errorType")}
        placeholder={t("board.filter.errorType")}
        style={{ minWidth: 220 }}
        maxTagCount="responsive"
        options={typeOptions}
        value={filter.errorType}
        onChange={(errorType: string[]) => onChange({ errorType })}
        optionFilterProp="label"
        data-testid="filter-error-type"
      />
      <Select
        mode="multiple"
        allowClear
        aria-label={t("board.filter.platform")}
        placeholder={t("board.filter.platform")}
        style={{ minWidth: 170 }}
        maxTagCount="responsive"
        options={platformOptions}
        value={filter.platform}
        onChange={(platform: Platform[]) => {
          // Shops of a platform no longer chosen would filter to nothing: drop them.
          const keep = new Set((shops.data?.items ?? []).filter((s) => platform.includes(s.platform)).map((s) => s.id));
          onChange({ platform, shopId: platform.length ? filter.shopId.filter((id) => keep.has(id)) : filter.shopId });
        }}
        data-testid="filter-platform"
      />
      <Select
        mode="multiple"
        allowClear
        aria-label={t("board.filter.shop")}
        placeholder={t("board.filter.shop")}
        style={{ minWidth: 200 }}
        maxTagCount="responsive"
        options={shopOptions}
        value={filter.shopId}
        onChange={(shopId: string[]) => onChange({ shopId })}
        optionFilterProp="label"
        data-testid="filter-shop"
      />
      <Select
        mode="multiple"
        allowClear
        aria-label={t("board.filter.strategy")}
        placeholder={t("board.filter.strategy")}
        style={{ minWidth: 200 }}
        maxTagCount="responsive"
        options={strategyOptions}
        value={filter.strategyId}
        onChange={(strategyId: string[]) => onChange({ strategyId })}
        optionFilterProp="label"
        notFoundContent={t("board.filter.noStrategies")}
        data-testid="filter-strategy"
      />
      <DatePicker.RangePicker
        aria-label={t("board.filter.range")}
        allowEmpty={[true, true]}
        placeholder={[t("board.filter.rangeStart"), t("board.filter.rangeEnd")]}
        value={range}
        disabledDate={(day) => day.isAfter(today, "day")}
        presets={[
          { label: t("board.filter.today"), value: [today, today] },
          { label: t("board.filter.last7"), value: [today.subtract(6, "day"), today] },
          { label: t("board.filter.last30"), value: [today.subtract(29, "day"), today] },
        ]}
        onChange={(value) =>
          onChange({
            since: value?.[0] ? value[0].format("YYYY-MM-DD") : null,
            until: value?.[1] ? value[1].format("YYYY-MM-DD") : null,
          })
        }
        data-testid="filter-range"
      />
      <Select
        aria-label={t("board.filter.status")}
        style={{ width: 130 }}
        value={filter.status}
        options={STATUSES.map((status) => ({ value: status, label: t(`board.status.${status}`) }))}
        onChange={(status) => onChange({ status })}
        data-testid="filter-status"
      />
      <Input.Search
        aria-label={t("board.filter.search")}
        placeholder={t("board.filter.searchPlaceholder")}
        allowClear
        style={{ width: 280 }}
        // Remounted when the URL's q changes (back/forward, a saved view), so the box shows it.
        key={filter.q}
        defaultValue={filter.q}
        onSearch={(value) => onChange({ q: value.trim() })}
        data-testid="filter-search"
      />
      <Checkbox
        checked={filter.assignee.includes("me")}
        onChange={(event) =>
          onChange({
            assignee: event.target.checked ? ["me"] : filter.assignee.filter((a) => a !== "me"),
          })
        }
        data-testid="filter-mine"
      >
        <UserOutlined /> {t("board.filter.mine")}
      </Checkbox>
    </Space>
  );
}
