import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";
import { ME_KEY } from "../../app/queryClient";

export type Me = Schemas["MeOut"];
export type Role = NonNullable<Me["role"]>;

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: () => call(api.GET("/v1/me")) });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["LoginIn"]) => call(api.POST("/v1/auth/login", { body })),
    // The cookie is set now: forget the "not signed in" answer so the guard asks again.
    onSuccess: () => queryClient.removeQueries({ queryKey: ME_KEY }),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST("/v1/auth/logout")),
    // Whatever the server said, nothing of this user's data may stay in the page.
    onSettled: () => queryClient.clear(),
  });
}

/** What the signed-in user may do: viewers read only; operators act on errors; admins also manage the tenant. */
export function usePermissions(): { role: Role | null; canAct: boolean; isAdmin: boolean } {
  const { data } = useMe();
  const role = data?.role ?? null;
  return { role, canAct: role === "admin" || role === "operator", isAdmin: role === "admin" };
}
