import type { MessageKey } from "../../app/language";
import type { ActionStatus, TaskCounts, TaskSource, TaskStatus } from "./hooks";

// Records over the generated unions: a value added to the API fails the typecheck until it has a label.
export const TASK_STATUS: Record<TaskStatus, { label: MessageKey; color: string }> = {
  queued: { label: "tasks.status.queued", color: "default" },
  running: { label: "tasks.status.running", color: "processing" },
  succeeded: { label: "tasks.status.succeeded", color: "success" },
  partially_failed: { label: "tasks.status.partially_failed", color: "warning" },
  failed: { label: "tasks.status.failed", color: "error" },
  cancelled: { label: "tasks.status.cancelled", color: "default" },
};

export const TASK_SOURCE: Record<TaskSource, MessageKey> = {
  strategy: "tasks.source.strategy",
  erp: "tasks.source.erp",
  manual: "tasks.source.manual",
  schedule: "tasks.source.schedule",
};

export const ACTION_STATUS: Record<ActionStatus, { label: MessageKey; color: string }> = {
  pending: { label: "tasks.action.pending", color: "default" },
  sending: { label: "tasks.action.sending", color: "processing" },
  applied: { label: "tasks.action.applied", color: "success" },
  failed: { label: "tasks.action.failed", color: "error" },
  awaiting_confirmation: { label: "tasks.action.awaiting_confirmation", color: "gold" },
  awaiting_approval: { label: "tasks.action.awaiting_approval", color: "purple" },
  rejected: { label: "tasks.action.rejected", color: "default" },
};

/** The counts a task shows, in the order a reader scans them; in_flight is pending or sending. */
export const COUNTS: { key: keyof TaskCounts; label: MessageKey; color: string }[] = [
  { key: "planned", label: "tasks.count.planned", color: "default" },
  { key: "applied", label: "tasks.count.applied", color: "success" },
  { key: "failed", label: "tasks.count.failed", color: "error" },
  { key: "awaiting_confirmation", label: "tasks.count.awaiting_confirmation", color: "gold" },
  { key: "awaiting_approval", label: "tasks.count.awaiting_approval", color: "purple" },
  { key: "rejected", label: "tasks.count.rejected", color: "default" },
  { key: "in_flight", label: "tasks.count.in_flight", color: "processing" },
];

// Push operations, named as the board names them.
export const OPERATION_LABELS: Partial<Record<string, MessageKey>> = {
  price: "board.operation.price",
  stock: "board.operation.stock",
  listing: "board.operation.listing",
  auth: "board.operation.auth",
};

// A catalog sync is a task too (operation "catalog_sync"); its counts are in its summary, not in push actions.
export const CATALOG_SYNC = "catalog_sync";
export const SYNC_COUNTS: { key: string; label: MessageKey; color: string }[] = [
  { key: "listings_read", label: "tasks.sync.listings_read", color: "default" },
  { key: "skus_bound", label: "tasks.sync.skus_bound", color: "success" },
  { key: "conflicts", label: "tasks.sync.conflicts", color: "warning" },
  { key: "rejected", label: "tasks.sync.rejected", color: "error" },
  { key: "resolved", label: "tasks.sync.resolved", color: "blue" },
];
