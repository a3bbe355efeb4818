import { LeftOutlined, RightOutlined } from "@ant-design/icons";
import { Button, Space, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import type { CursorPages } from "./useCursorPages";

/** Previous / next for a keyset-paged table; the server says whether there is a next page. */
export function CursorPager({ pages, nextCursor, loading }: { pages: CursorPages; nextCursor: string | null | undefined; loading?: boolean }) {
  const { t } = useI18n();
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <Space style={{ justifyContent: "flex-end", width: "100%", marginTop: 16 }}>
      <Button icon={<LeftOutlined />} disabled={pages.page === 1 || loading} onClick={pages.previous}>
        {t("pager.previous")}
      </Button>
      <Typography.Text type="secondary" aria-live="polite">
        {t("pager.page", { page: pages.page })}
      </Typography.Text>
      <Button disabled={!nextCursor || loading} onClick={() => nextCursor && pages.next(nextCursor)}>
        {t("pager.next")} <RightOutlined />
      </Button>
    </Space>
  );
}
