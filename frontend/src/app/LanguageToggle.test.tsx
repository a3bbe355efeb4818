import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Empty } from "antd";

import { api, call } from "../api/client";
import { json, stubFetch } from "../test/fetch";
import { AppProviders } from "./AppProviders";
import { getLanguage, LANGUAGE_STORAGE_KEY, setLanguage } from "./language";
import { LanguageToggle } from "./LanguageToggle";
import { useI18n } from "./useI18n";

function Title() {
  const { t } = useI18n();
  return <h1>{t("nav.board")}</h1>;
}

function renderShell() {
  render(
    <AppProviders>
      <LanguageToggle />
      <Title />
      <Empty />
    </AppProviders>,
  );
}

beforeEach(() => {
  setLanguage("zh-CN");
  localStorage.clear();
});

describe("the language toggle", () => {
  it("starts in Chinese", () => {
    renderShell();
    expect(screen.getByRole("heading")).toHaveTextContent("错误看板");
    expect(screen.getByText("暂无数据", { selector: ".ant-empty-description" })).toBeInTheDocument(); // antd's own texts follow ConfigProvider's locale
    expect(screen.getByRole("button", { name: "切换为英文" })).toHaveTextContent("English");
  });

  it("switches our texts, antd's texts and the API's language to English, and remembers the choice", async () => {
    const sent = stubFetch(() => json({ items: [] }));
    renderShell();

    await userEvent.click(screen.getByRole("button", { name: "切换为英文" }));

    expect(screen.getByRole("heading")).toHaveTextContent("Error board");
    expect(screen.getByText("No data", { selector: ".ant-empty-description" })).toBeInTheDocument();
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    await call(api.GET("/v1/api-keys"));
    expect(sent[0]!.headers.get("Accept-Language")).toBe("en");
  });

  it("switches back to Chinese", async () => {
    setLanguage("en");
    renderShell();

    await userEvent.click(screen.getByRole("button", { name: "Switch to Chinese" }));

    expect(screen.getByRole("heading")).toHaveTextContent("错误看板");
    expect(getLanguage()).toBe("zh-CN");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("zh-CN");
  });
});
