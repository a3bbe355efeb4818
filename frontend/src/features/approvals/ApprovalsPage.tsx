import { ComingLater } from "../../app/ComingLater";

// Approvals arrive with the issue that builds their API.
export default function ApprovalsPage() {
  return <ComingLater screen="nav.approvals" />;
}
