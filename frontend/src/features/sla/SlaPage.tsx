import { ComingLater } from "../../app/ComingLater";

// SLA statistics read /v1/stats/sla, /v1/stats/root-causes (error board API); charts via app/EChart.
export default function SlaPage() {
  return <ComingLater screen="nav.sla" />;
}
