import { ComingLater } from "../../app/ComingLater";

// The audit log reads /v1/audit-log (admin) from the error board API.
export default function AuditLogPage() {
  return <ComingLater screen="nav.audit" />;
}
