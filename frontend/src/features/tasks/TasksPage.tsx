import { ComingLater } from "../../app/ComingLater";

// Push tasks arrive with the workers issue, with their retry and config-snapshot diff.
export default function TasksPage() {
  return <ComingLater screen="nav.tasks" />;
}
