import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** The title and one-line purpose at the top of every section. */
export function SectionHeader({ title, subtitle, extra }: { title: string; subtitle: string; extra?: ReactNode }) {
  return (
    <header style={{ display: 'flex', alignItems: 'flex-end', justifyContent: 'space-between', gap: 24, marginBottom: 24 }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="section-title">
          {title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 14 }}>
          {subtitle}
        </Typography.Text>
      </div>
      {extra}
    </header>
  );
}
