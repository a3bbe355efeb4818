import { QueryClientProvider } from "@tanstack/react-query";
import { App } from "antd";
import { type ReactNode, useEffect, useRef, useState } from "react";

import { createQueryClient } from "./queryClient";
import { useI18n } from "./useI18n";

/** The TanStack Query client, wired to show API errors as antd messages (so it must sit inside antd's <App>). */
export function QueryProvider({ children }: { children: ReactNode }) {
  const { message } = App.useApp();
  const [client] = useState(() =>
    createQueryClient((error) => {
      void message.error(error instanceof Error ? error.message : String(error));
    }),
  );

  // Server texts (problem titles, error types) follow Accept-Language: refetch them after a switch.
  const { language } = useI18n();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void client.invalidateQueries();
  }, [client, language]);

  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
