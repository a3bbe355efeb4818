import { TranslationOutlined } from "@ant-design/icons";
import { Button } from "antd";

import { useI18n } from "./useI18n";

/** One button that switches between Chinese (the default) and English; the choice is kept in localStorage. */
export function LanguageToggle() {
  const { language, setLanguage, t } = useI18n();
  return (
    <Button
      type="text"
      icon={<TranslationOutlined />}
      aria-label={t("language.switchAria")}
      onClick={() => setLanguage(language === "en" ? "zh-CN" : "en")}
    >
      {t("language.switchTo")}
    </Button>
  );
}
