import { ComingLater } from "../../app/ComingLater";

// Alert rules arrive with the issue that builds their API.
export default function AlertsPage() {
  return <ComingLater screen="nav.alerts" />;
}
