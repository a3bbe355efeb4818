// Times are shown in the tenant's time zone (a setting), not the browser's: a team spread over offices sees the
// same day boundaries as the charts and exports, which the API computes in that zone.
import dayjs, { type Dayjs } from "dayjs";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";

import { useMemo } from "react";

import { useSettings } from "./hooks";

dayjs.extend(utc);
dayjs.extend(timezone);

export const FALLBACK_TIMEZONE = "Asia/Shanghai";

export interface TenantTime {
  zone: string;
  /** An API timestamp as wall-clock time in the tenant's zone. */
  format: (value: string | null | undefined, pattern?: string) => string;
  /** The wall-clock time a user picked (a date picker's value) read in the tenant's zone, as RFC 3339. */
  toApi: (picked: Dayjs) => string;
  /** An API timestamp as a picker value showing the tenant's wall-clock time. */
  fromApi: (value: string) => Dayjs;
  now: () => Dayjs;
}

export function tenantTime(zone: string): TenantTime {
  return {
    zone,
    format: (value, pattern = "YYYY-MM-DD HH:mm:ss") => (value ? dayjs(value).tz(zone).format(pattern) : ""),
    toApi: (picked) => dayjs.tz(picked.format("YYYY-MM-DDTHH:mm:ss"), zone).toISOString(),
    fromApi: (value) => dayjs(dayjs(value).tz(zone).format("YYYY-MM-DDTHH:mm:ss")),
    now: () => dayjs().tz(zone),
  };
}

export function useTenantTime(): TenantTime {
  const zone = useSettings().data?.timezone ?? FALLBACK_TIMEZONE;
  return useMemo(() => tenantTime(zone), [zone]);
}
