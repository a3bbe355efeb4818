import { Alert, Drawer, Skeleton } from "antd";

import { useI18n } from "../../app/useI18n";
import { useTrace } from "./hooks";
import { TraceDetail } from "./TraceDetail";

export function TraceDrawer({ traceId, onClose }: { traceId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const trace = useTrace(traceId);
  return (
    <Drawer
      open={traceId !== null}
      onClose={onClose}
      width="min(1200px, 92vw)"
      title={t("traces.detailTitle", { id: traceId ?? "" })}
      destroyOnHidden
    >
      {trace.isPending ? (
        <Skeleton active />
      ) : trace.error ? (
        <Alert type="error" showIcon title={trace.error.message} />
      ) : (
        <TraceDetail trace={trace.data} />
      )}
    </Drawer>
  );
}
