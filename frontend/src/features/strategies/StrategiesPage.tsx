import { ComingLater } from "../../app/ComingLater";

// Price/stock strategies arrive with the issue that builds their API.
export default function StrategiesPage() {
  return <ComingLater screen="nav.strategies" />;
}
