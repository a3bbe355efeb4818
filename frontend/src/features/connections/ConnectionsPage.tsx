import { ComingLater } from "../../app/ComingLater";

// Shop connections (authorisation, SKU bindings) arrive with the issue that builds their API.
export default function ConnectionsPage() {
  return <ComingLater screen="nav.connections" />;
}
