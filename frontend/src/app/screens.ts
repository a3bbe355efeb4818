// Every screen of the app: the router and the navigation are both built from this one list.
// Each page is its own chunk (React.lazy), so the first load carries only the shell.
import {
  ApiOutlined,
  AlertOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  BugOutlined,
  CheckSquareOutlined,
  FileSearchOutlined,
  KeyOutlined,
  NodeIndexOutlined,
  ScheduleOutlined,
  SettingOutlined,
} from "@ant-design/icons";
import { type ComponentType, createElement, lazy, type LazyExoticComponent, type ReactNode } from "react";

import type { MessageKey } from "./language";

export type NavGroup = "monitor" | "automation" | "config" | "insight" | "admin";

export interface Screen {
  /** The URL path under the shell; "" is the default screen. */
  path: string;
  label: MessageKey;
  group: NavGroup;
  icon: ReactNode;
  page: LazyExoticComponent<ComponentType>;
  /** A route parameter under the path that opens one item on the same page, e.g. ":traceId". */
  detail?: string;
  adminOnly?: boolean;
}

export const NAV_GROUPS: NavGroup[] = ["monitor", "automation", "config", "insight", "admin"];

export const SCREENS: Screen[] = [
  {
    path: "",
    label: "nav.board",
    group: "monitor",
    icon: createElement(BugOutlined),
    page: lazy(() => import("../features/board/BoardPage")),
  },
  {
    path: "traces",
    label: "nav.traces",
    group: "monitor",
    icon: createElement(FileSearchOutlined),
    page: lazy(() => import("../features/traces/TracesPage")),
    detail: ":traceId",
  },
  {
    path: "tasks",
    label: "nav.tasks",
    group: "automation",
    icon: createElement(ScheduleOutlined),
    page: lazy(() => import("../features/tasks/TasksPage")),
    detail: ":taskId",
  },
  {
    path: "strategies",
    label: "nav.strategies",
    group: "automation",
    icon: createElement(NodeIndexOutlined),
    page: lazy(() => import("../features/strategies/StrategiesPage")),
  },
  {
    path: "approvals",
    label: "nav.approvals",
    group: "automation",
    icon: createElement(CheckSquareOutlined),
    page: lazy(() => import("../features/approvals/ApprovalsPage")),
  },
  {
    path: "connections",
    label: "nav.connections",
    group: "config",
    icon: createElement(ApiOutlined),
    page: lazy(() => import("../features/connections/ConnectionsPage")),
  },
  {
    path: "catalog",
    label: "nav.catalog",
    group: "config",
    icon: createElement(AppstoreOutlined),
    page: lazy(() => import("../features/catalog/CatalogPage")),
  },
  {
    path: "alerts",
    label: "nav.alerts",
    group: "config",
    icon: createElement(AlertOutlined),
    page: lazy(() => import("../features/alerts/AlertsPage")),
    adminOnly: true,
  },
  {
    path: "sla",
    label: "nav.sla",
    group: "insight",
    icon: createElement(BarChartOutlined),
    page: lazy(() => import("../features/stats/SlaPage")),
  },
  {
    path: "audit",
    label: "nav.audit",
    group: "insight",
    icon: createElement(AuditOutlined),
    page: lazy(() => import("../features/audit/AuditLogPage")),
    adminOnly: true,
  },
  {
    path: "api-keys",
    label: "nav.apiKeys",
    group: "admin",
    icon: createElement(KeyOutlined),
    page: lazy(() => import("../features/api-keys/ApiKeysPage")),
    adminOnly: true,
  },
  {
    path: "settings",
    label: "nav.settings",
    group: "admin",
    icon: createElement(SettingOutlined),
    page: lazy(() => import("../features/settings/SettingsPage")),
  },
];
