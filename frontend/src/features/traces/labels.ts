import type { MessageKey } from "../../app/language";
import type { TraceSummary } from "./hooks";

export const PLATFORMS: { value: TraceSummary["platform"]; label: string }[] = [
  { value: "amazon", label: "Amazon" },
  { value: "tiktok", label: "TikTok Shop" },
  { value: "shopee", label: "Shopee" },
  { value: "lazada", label: "Lazada" },
];

export const platformLabel = (platform: string) => PLATFORMS.find((p) => p.value === platform)?.label ?? platform;

// Records over the generated unions: a value added to the API fails the typecheck until it has a label.
export const OPERATION_LABELS: Record<TraceSummary["operation"], MessageKey> = {
  price: "traces.operation.price",
  stock: "traces.operation.stock",
  listing: "traces.operation.listing",
  status: "traces.operation.status",
  auth: "traces.operation.auth",
};

export const OUTCOME_LABELS: Record<TraceSummary["outcome"], MessageKey> = {
  ok: "traces.outcome.ok",
  error: "traces.outcome.error",
  transport_error: "traces.outcome.transport_error",
};

export const OUTCOME_COLORS: Record<TraceSummary["outcome"], string> = {
  ok: "success",
  error: "error",
  transport_error: "warning",
};

// The platform's verdict, read by the API from the response body: an error body under HTTP 200 is a failure.
export const VERDICT_LABELS: Record<TraceSummary["verdict"]["verdict"], MessageKey> = {
  ok: "traces.verdict.ok",
  failed: "traces.verdict.failed",
  partial: "traces.verdict.partial",
};

export const VERDICT_COLORS: Record<TraceSummary["verdict"]["verdict"], string> = {
  ok: "success",
  failed: "error",
  partial: "warning",
};
