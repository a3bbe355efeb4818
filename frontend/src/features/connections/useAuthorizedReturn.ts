import { useQueryClient } from "@tanstack/react-query";
import { App } from "antd";
import { createElement, useEffect, useRef } from "react";
import type { SetURLSearchParams } from "react-router-dom";

import type { Schemas } from "../../api/client";
import { useI18n } from "../../app/useI18n";
import { connectionKeys, useRefreshConnections } from "./queries";

/** Back from the platform's authorisation page (`?authorized=<shop_id>`): the parameter is dropped at once (a
 * reload must not announce it again), everything is read again, and the success names the shop. */
export function useAuthorizedReturn(authorized: string | null, setParams: SetURLSearchParams): void {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const refresh = useRefreshConnections();
  const announced = useRef<string | null>(null);

  useEffect(() => {
    if (!authorized || announced.current === authorized) return;
    announced.current = authorized;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete("authorized");
        return next;
      },
      { replace: true },
    );
    void refresh().then(() => {
      const shops = queryClient.getQueryData<Schemas["ShopList"]>(connectionKeys.shops)?.items ?? [];
      const name = shops.find((shop) => shop.id === authorized)?.name ?? authorized.slice(0, 8);
      void message.success({
        key: `authorized-${authorized}`,
        content: createElement("span", { "data-testid": "authorized-message" }, t("connections.authorized", { shop: name })),
        duration: 6,
      });
    });
  }, [authorized, setParams, refresh, queryClient, message, t]);
}
