/** The IANA zones this browser knows, with the tenant's current one kept even if the browser lacks it. */
export function timeZoneOptions(current: string | undefined): { value: string; label: string }[] {
  const zones = new Set(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []);
  zones.add("UTC");
  if (current) zones.add(current);
  return [...zones].sort().map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") }));
}
