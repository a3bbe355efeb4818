import { Space, Tag, Tooltip } from "antd";

export interface TagItem {
  key: string;
  label: string;
}

/** A few tags in full and the rest as "+n", named in its tooltip: a cell that stays one or two lines high. */
export function TagList({ items, max = 3, color }: { items: TagItem[]; max?: number; color?: string }) {
  const rest = items.slice(max);
  return (
    <Space size={[4, 4]} wrap>
      {items.slice(0, max).map((item) => (
        <Tag key={item.key} color={color} style={{ marginInlineEnd: 0 }}>
          {item.label}
        </Tag>
      ))}
      {rest.length > 0 && (
        <Tooltip title={rest.map((item) => item.label).join("、")}>
          <Tag color={color} style={{ marginInlineEnd: 0 }}>
            +{rest.length}
          </Tag>
        </Tooltip>
      )}
    </Space>
  );
}
