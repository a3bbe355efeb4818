import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";

import { type BoardFilter, filterFromParams, filterToParams, GROUP_PARAM, VIEW_PARAM } from "./filters";

const latest = () => new URLSearchParams(window.location.search);

/** The board's state lives in the URL: the filter, the applied saved view and the row open in the drawer. */
export function useBoardUrl() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const groupId = params.get(GROUP_PARAM);
  const viewId = params.get(VIEW_PARAM);

  // Changes start from the address bar as it is now, not from the last render: the router renders navigations
  // in a transition, so a second quick edit (choose a status, then search at once) could otherwise drop the first.
  /** A changed filter is a new history entry (back undoes it); it is no longer the saved view it came from. */
  const setFilter = useCallback(
    (change: Partial<BoardFilter>) =>
    {
      const current = latest();
      const next = filterToParams({ ...filterFromParams(current), ...change }, current);
      next.delete(VIEW_PARAM);
      setParams(next);
    },
    [setParams],
  );

  const applyView = useCallback(
    (view: { id: string; filter: BoardFilter }, replace = false) => {
      const next = filterToParams(view.filter);
      next.set(VIEW_PARAM, view.id);
      setParams(next, { replace });
    },
    [setParams],
  );

  const openGroup = useCallback(
    (id: string | null) =>
    {
      const next = latest();
      if (id) next.set(GROUP_PARAM, id);
      else next.delete(GROUP_PARAM);
      setParams(next);
    },
    [setParams],
  );

  return { params, filter, groupId, viewId, setFilter, applyView, openGroup };
}
