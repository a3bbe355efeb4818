import { Divider, Form, Radio } from "antd";

import { ComingLater } from "../../app/ComingLater";
import type { Language } from "../../app/language";
import { useI18n } from "../../app/useI18n";

// Language is a choice of this browser and works now; the tenant's retention and timezone need the settings API.
export default function SettingsPage() {
  const { language, setLanguage, t } = useI18n();
  return (
    <>
      <Form layout="vertical" style={{ maxWidth: 480 }}>
        <Form.Item label={t("settings.language")}>
          <Radio.Group
            value={language}
            onChange={(event) => setLanguage(event.target.value as Language)}
            optionType="button"
            options={[
              { value: "zh-CN", label: "简体中文" },
              { value: "en", label: "English" },
            ]}
          />
        </Form.Item>
      </Form>
      <Divider />
      <ComingLater screen="settings.tenantSettings" />
    </>
  );
}
