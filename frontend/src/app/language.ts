// The current UI language: a tiny store outside React so the API client can read it for Accept-Language.
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";

import en from "../i18n/en.json";
import zhCN from "../i18n/zh-CN.json";

export type Language = "zh-CN" | "en";
export type MessageKey = keyof typeof zhCN;

// Typed against the Chinese catalogue, so a key missing from the English one fails the typecheck.
const catalogues: Record<Language, Record<MessageKey, string>> = { "zh-CN": zhCN, en };

export const LANGUAGE_STORAGE_KEY = "openclaw.language";
export const DEFAULT_LANGUAGE: Language = "zh-CN";

function stored(): Language {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY) === "en" ? "en" : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE; // storage can be disabled; the default language still works
  }
}

let current: Language = DEFAULT_LANGUAGE;
const listeners = new Set<() => void>();

function apply(language: Language): void {
  current = language;
  document.documentElement.lang = language;
  dayjs.locale(language === "en" ? "en" : "zh-cn");
}

apply(stored());

export function getLanguage(): Language {
  return current;
}

export function setLanguage(language: Language): void {
  apply(language);
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // not persisted, but the switch still applies to this page
  }
  listeners.forEach((listener) => listener());
}

export function subscribeLanguage(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function translate(
  language: Language,
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  const template = catalogues[language][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
