import { LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { Button, Dropdown, Tag } from "antd";
import { useNavigate } from "react-router-dom";

import { useLogout, useMe } from "../features/auth/hooks";
import { useI18n } from "./useI18n";

export function UserMenu() {
  const { data: me } = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const { t } = useI18n();
  if (!me) return null;

  return (
    <Dropdown
      trigger={["click"]}
      menu={{
        items: [
          { key: "who", label: `${me.email ?? ""} · ${me.tenant_name}`, disabled: true },
          { type: "divider" },
          { key: "logout", icon: <LogoutOutlined />, label: t("auth.logout") },
        ],
        onClick: ({ key }) => {
          if (key === "logout") logout.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) });
        },
      }}
    >
      <Button type="text" icon={<UserOutlined />} aria-label={t("auth.userMenu")} data-testid="user-menu">
        <span>{me.display_name || me.email}</span>
        {me.role && <Tag style={{ marginInlineStart: 4, marginInlineEnd: 0 }}>{t(`role.${me.role}`)}</Tag>}
      </Button>
    </Dropdown>
  );
}
