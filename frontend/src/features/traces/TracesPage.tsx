import { ComingLater } from "../../app/ComingLater";

// The system log: /v1/traces (search) and /v1/traces/{trace_id} arrive with the error board API.
export default function TracesPage() {
  return <ComingLater screen="nav.traces" />;
}
