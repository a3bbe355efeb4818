import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";

export type ApiKey = Schemas["ApiKeyOut"];
export type Scope = Schemas["ApiKeyCreate"]["scopes"][number];

// A Record over the generated union: a scope added to the API fails the typecheck until it is listed here.
const scopeOrder: Record<Scope, number> = {
  "errors:read": 0,
  "errors:write": 1,
  "exports:read": 2,
  "catalog:write": 3,
  "strategies:write": 4,
};
export const SCOPES = (Object.keys(scopeOrder) as Scope[]).sort((a, b) => scopeOrder[a] - scopeOrder[b]);

const API_KEYS = ["api-keys"] as const;

export function useApiKeys() {
  return useQuery({ queryKey: API_KEYS, queryFn: () => call(api.GET("/v1/api-keys")) });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ApiKeyCreate"]) => call(api.POST("/v1/api-keys", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: API_KEYS }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => call(api.DELETE("/v1/api-keys/{key_id}", { params: { path: { key_id: keyId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: API_KEYS }),
  });
}
