import { DownloadOutlined } from "@ant-design/icons";
import { Badge, Button, Space, Tabs } from "antd";
import { usePrefetchQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";

import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { BoardTable } from "./BoardTable";
import { BulkActions } from "./BulkActions";
import { ErrorDrawer } from "./ErrorDrawer";
import { FilterBar } from "./FilterBar";
import { exportUrl, filterFromView, hasFilterParams, SEVERITIES, type Severity, toApiFilter } from "./filters";
import { errorListQuery, facetsQuery, PAGE_SIZE, type Selection, useErrorList, useFacets, usePausedTypes, useViews } from "./hooks";
import { SavedViewsMenu } from "./SavedViewsMenu";
import { TrendChart } from "./TrendChart";
import { useBoardUrl } from "./useBoardUrl";
import { setDisplayZone } from "./format";
import { useTenantTime } from "../settings/tenantTime";

/** The error board, the default screen: every filter in the URL, a server-paged table, the detail drawer. */
export default function BoardPage() {
  const { zone } = useTenantTime();
  setDisplayZone(zone); // before the rows render: times in the tenant's zone
  const { t, language } = useI18n();
  const { canAct } = usePermissions();
  const { params, filter, groupId, viewId, setFilter, applyView, openGroup } = useBoardUrl();
  const apiFilter = useMemo(() => toApiFilter(filter, zone), [filter, zone]);
  const filterKey = JSON.stringify(apiFilter);
  // The rows and counts are asked for while this first render is still running, not after it commits: the
  // filter bar and table cost a few hundred milliseconds to mount on a first visit.
  usePrefetchQuery(errorListQuery(language, apiFilter, filter.sort, null));
  usePrefetchQuery(facetsQuery(language, apiFilter));

  // The tabs count both severities under the other filters: the facets leave their own dimension out.
  const facets = useFacets(apiFilter);
  const tabCount = (severity: Severity) => facets.data?.severity.find((f) => f.value === severity)?.count ?? 0;
  const total = facets.data && !facets.isPlaceholderData ? facets.data.total : null;

  // Cursor pages: cursors[i] opens page i + 1. A new filter or sort starts again from the first page.
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({ key: "", cursors: [null] });
  const pageKey = `${filterKey}|${filter.sort}`;
  const cursors = paging.key === pageKey ? paging.cursors : [null];
  const list = useErrorList(apiFilter, filter.sort, cursors[cursors.length - 1] ?? null);
  const rows = list.data?.items ?? [];
  const pausedTypes = usePausedTypes();

  const [selected, setSelected] = useState<{ key: string; ids: string[]; all: boolean }>({ key: "", ids: [], all: false });
  const selection = selected.key === pageKey ? selected : { key: pageKey, ids: [], all: false };
  const setSelection = (ids: string[], all = false) => setSelected({ key: pageKey, ids, all });
  const bulkSelection: Selection = selection.all ? { filter: apiFilter } : { ids: selection.ids };

  // A bare board opens on the tenant's default view, once, without adding a history entry.
  const views = useViews();
  const defaultApplied = useRef(false);
  useEffect(() => {
    if (defaultApplied.current || !views.data) return;
    defaultApplied.current = true;
    const preferred = views.data.items.find((v) => v.is_default);
    if (preferred && !hasFilterParams(params)) applyView({ id: preferred.id, filter: filterFromView(preferred.filters, zone) }, true);
  }, [views.data, params, applyView, zone]);

  return (
    <Space
      direction="vertical"
      size="middle"
      style={{ width: "100%" }}
      data-testid="board"
      // Busy while the rows or counts of the current URL are on their way (assistive tech and tests wait on it).
      aria-busy={list.isFetching || facets.isFetching}
    >
      <div style={{ display: "flex", alignItems: "center", gap: 12, flexWrap: "wrap" }}>
        <Tabs
          style={{ flex: 1, marginBottom: -16 }}
          activeKey={filter.severity}
          onChange={(key) => setFilter({ severity: key as Severity, errorType: [] })}
          items={SEVERITIES.map((severity) => ({
            key: severity,
            label: (
              <span data-testid={`tab-${severity}`}>
                {t(`board.tab.${severity}`)}{" "}
                <Badge
                  count={tabCount(severity)}
                  overflowCount={99999}
                  showZero
                  color={severity === "error" ? "#cf1322" : "#d48806"}
                />
              </span>
            ),
          }))}
        />
        <SavedViewsMenu filter={filter} viewId={viewId} canEdit={canAct} onApply={(view) => applyView(view)} />
        <Button icon={<DownloadOutlined />} href={exportUrl(filter, zone)} download data-testid="export-csv">
          {t("board.export")}
        </Button>
      </div>
      <FilterBar filter={filter} facets={facets.data} onChange={setFilter} />
      {/* The chart library is the largest lazy chunk: it loads once the rows are on screen, not before them. */}
      {list.isSuccess ? <TrendChart filter={apiFilter} /> : <div style={{ height: 192 }} />}
      {canAct && selection.ids.length > 0 && (
        <BulkActions
          selection={bulkSelection}
          count={selection.all && total !== null ? total : selection.ids.length}
          pageSelected={rows.length > 0 && selection.ids.length === rows.length}
          total={total}
          onSelectAllMatching={() => setSelection(selection.ids, true)}
          onDone={() => setSelection([])}
        />
      )}
      <BoardTable
        rows={rows}
        loading={list.isPending || list.isFetching}
        sort={filter.sort}
        onSort={(sort) => setFilter({ sort })}
        onOpen={openGroup}
        pausedTypes={pausedTypes}
        selectable={canAct}
        selectedIds={selection.ids}
        onSelect={(ids) => setSelection(ids)}
        page={cursors.length}
        hasPrevious={cursors.length > 1}
        hasNext={!!list.data?.next_cursor && rows.length === PAGE_SIZE}
        onPrevious={() => setPaging({ key: pageKey, cursors: cursors.slice(0, -1) })}
        onNext={() => setPaging({ key: pageKey, cursors: [...cursors, list.data?.next_cursor ?? null] })}
        total={total}
      />
      <ErrorDrawer groupId={groupId} canAct={canAct} onClose={() => openGroup(null)} />
    </Space>
  );
}
