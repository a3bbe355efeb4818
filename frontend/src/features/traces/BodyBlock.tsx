import { Tag, Typography } from "antd";
import { useMemo } from "react";

import { useI18n } from "../../app/useI18n";
import { prettyBody } from "./prettyBody";

const preStyle = {
  margin: 0,
  padding: 12,
  background: "#fafafa",
  border: "1px solid #f0f0f0",
  borderRadius: 6,
  fontSize: 12,
  lineHeight: 1.5,
  maxHeight: 420,
  overflow: "auto",
  whiteSpace: "pre-wrap",
  wordBreak: "break-all",
} as const;

/** Headers as `Name: value` lines, the way they travel. */
export function HeadersBlock({ headers, label }: { headers: Record<string, string>; label: string }) {
  const { t } = useI18n();
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return (
    <pre style={preStyle} aria-label={label}>
      {lines.length ? lines.join("\n") : t("traces.noHeaders")}
    </pre>
  );
}

/** A request or response body, pretty-printed when it is JSON. */
export function BodyBlock({ body, label }: { body: string; label: string }) {
  const { t } = useI18n();
  const pretty = useMemo(() => prettyBody(body), [body]);
  if (body === "") return <Typography.Text type="secondary">{t("traces.emptyBody")}</Typography.Text>;
  return (
    <div>
      {pretty.json && <Tag style={{ marginBottom: 4 }}>JSON</Tag>}
      <pre style={preStyle} aria-label={label} tabIndex={0}>
        {pretty.text}
      </pre>
    </div>
  );
}
