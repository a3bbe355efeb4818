import dayjs from "dayjs";

import { FALLBACK_TIMEZONE } from "../settings/tenantTime";

import type { MessageKey } from "../../app/language";
import type { Resolution } from "./hooks";

export const RESOLUTIONS: Resolution[] = ["fixed_data", "repushed", "platform_side", "ignored", "other"];

export const PLATFORM_LABEL: Record<string, string> = {
  amazon: "Amazon",
  tiktok: "TikTok Shop",
  shopee: "Shopee",
  lazada: "Lazada",
};

export const PLATFORM_COLOR: Record<string, string> = {
  amazon: "orange",
  tiktok: "magenta",
  shopee: "volcano",
  lazada: "blue",
};

// Board times show in the tenant's time zone (its settings), like the charts and the CSV export; BoardPage sets it
// once the settings arrive.
let displayZone = FALLBACK_TIMEZONE;

export function setDisplayZone(zone: string): void {
  displayZone = zone;
}

export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).tz(displayZone).format("YYYY-MM-DD HH:mm") : "";
}

export function resolutionKey(resolution: string | null | undefined): MessageKey | null {
  return resolution && (RESOLUTIONS as string[]).includes(resolution)
    ? (`board.resolution.${resolution}` as MessageKey)
    : null;
}

/** A JSON body pretty-printed, or the text as it is when it is not JSON. */
export function prettyBody(body: string): string {
  const trimmed = body.trim();
  if (!trimmed || !"{[".includes(trimmed.charAt(0))) return body;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return body;
  }
}
