import { Badge, Layout, Menu, type MenuProps, Spin, Typography } from "antd";
import { Suspense, useState } from "react";
import { Outlet, useLocation, useNavigate } from "react-router-dom";

import { usePermissions } from "../features/auth/hooks";
import { useBrokenConnections } from "../features/connections/queries";
import { LanguageToggle } from "./LanguageToggle";
import { NAV_GROUPS, SCREENS } from "./screens";
import { useI18n } from "./useI18n";
import { UserMenu } from "./UserMenu";

const { Header, Sider, Content } = Layout;

/** The shell: navigation on the left, language and account on top, the current screen (lazy) in the middle. */
export function AppLayout() {
  const { t } = useI18n();
  const { isAdmin } = usePermissions();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  // A red dot on Connections while some shop's syncs fail (expired, permissions missing, calls failing).
  const brokenConnections = useBrokenConnections();

  const visible = SCREENS.filter((screen) => isAdmin || !screen.adminOnly);
  const current = SCREENS.find((screen) => screen.path && location.pathname.startsWith(`/${screen.path}`));
  const selectedKey = current ? `/${current.path}` : location.pathname === "/" ? "/" : "";

  const items: MenuProps["items"] = NAV_GROUPS.map((group) => ({
    type: "group" as const,
    key: group,
    label: collapsed ? null : t(`nav.group.${group}`),
    children: visible
      .filter((screen) => screen.group === group)
      .map((screen) => ({
        key: `/${screen.path}`,
        icon: screen.icon,
        label:
          screen.path === "connections" && brokenConnections ? (
            <Badge dot offset={[6, 0]} title={t("connections.navAlert")} data-testid="nav-connections-alert">
              {t(screen.label)}
            </Badge>
          ) : (
            t(screen.label)
          ),
      })),
  })).filter((group) => group.children.length > 0);

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={212}
        theme="light"
        style={{ borderInlineEnd: "1px solid #f0f0f0" }}
      >
        <div style={{ height: 56, display: "flex", alignItems: "center", paddingInline: 20, gap: 10 }}>
          <img src="/favicon.svg" alt="" width={24} height={24} />
          {!collapsed && (
            <Typography.Text strong style={{ fontSize: 16 }}>
              {t("app.name")}
            </Typography.Text>
          )}
        </div>
        <nav aria-label={t("nav.label")}>
          <Menu
            mode="inline"
            items={items}
            selectedKeys={[selectedKey]}
            onClick={({ key }) => navigate(key)}
            style={{ borderInlineEnd: "none" }}
          />
        </nav>
      </Sider>
      <Layout>
        <Header
          style={{
            background: "#fff",
            borderBottom: "1px solid #f0f0f0",
            paddingInline: 24,
            display: "flex",
            alignItems: "center",
            gap: 8,
          }}
        >
          <Typography.Title level={4} style={{ margin: 0, flex: 1 }}>
            {current ? t(current.label) : location.pathname === "/" ? t("nav.board") : ""}
          </Typography.Title>
          <LanguageToggle />
          <UserMenu />
        </Header>
        <Content style={{ margin: 24 }}>
          <main style={{ background: "#fff", borderRadius: 8, padding: 24, minHeight: 360 }}>
            <Suspense fallback={<Spin style={{ display: "block", margin: "64px auto" }} />}>
              <Outlet />
            </Suspense>
          </main>
        </Content>
      </Layout>
    </Layout>
  );
}
