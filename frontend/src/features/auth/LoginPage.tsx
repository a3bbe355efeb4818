import { LockOutlined, MailOutlined } from "@ant-design/icons";
import { Button, Card, Form, Input, Typography } from "antd";
import { useLocation, useNavigate } from "react-router-dom";

import type { Schemas } from "../../api/client";
import { LanguageToggle } from "../../app/LanguageToggle";
import { useI18n } from "../../app/useI18n";
import { useLogin } from "./hooks";

type LoginValues = Schemas["LoginIn"];

/** Email and password; the API answers with an HTTP-only session cookie, so nothing secret is kept in the page. */
export default function LoginPage() {
  const { t } = useI18n();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;

  const onFinish = (values: LoginValues) =>
    login.mutate(values, {
      onSuccess: () => navigate(from && from !== "/login" ? from : "/", { replace: true }),
    });

  return (
    <div
      style={{
        minHeight: "100vh",
        display: "flex",
        flexDirection: "column",
        alignItems: "center",
        justifyContent: "center",
        background: "linear-gradient(160deg, #fff2e8 0%, #f5f5f5 60%)",
        padding: 16,
      }}
    >
      <div style={{ position: "fixed", top: 16, right: 24 }}>
        <LanguageToggle />
      </div>
      <Card style={{ width: "100%", maxWidth: 400 }}>
        <div style={{ textAlign: "center", marginBottom: 24 }}>
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <Typography.Title level={3} style={{ margin: "12px 0 4px" }}>
            {t("auth.title")}
          </Typography.Title>
          <Typography.Text type="secondary">{t("app.tagline")}</Typography.Text>
        </div>
        <Form<LoginValues> layout="vertical" onFinish={onFinish} requiredMark={false} disabled={login.isPending}>
          <Form.Item
            label={t("auth.email")}
            name="email"
            rules={[
              { required: true, message: t("auth.emailRequired") },
              { type: "email", message: t("auth.emailInvalid") },
            ]}
          >
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t("auth.password")}
            name="password"
            rules={[{ required: true, message: t("auth.passwordRequired") }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending}>
            {t("auth.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
