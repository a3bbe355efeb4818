import { useCallback, useSyncExternalStore } from "react";

import { getLanguage, type Language, type MessageKey, setLanguage, subscribeLanguage, translate } from "./language";

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

export function useI18n(): I18n {
  const language = useSyncExternalStore(subscribeLanguage, getLanguage);
  const t = useCallback(
    (key: MessageKey, vars?: Record<string, string | number>) => translate(language, key, vars),
    [language],
  );
  return { language, setLanguage, t };
}
