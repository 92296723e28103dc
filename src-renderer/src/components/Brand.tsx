import { Flex, Typography } from 'antd';
import { useT } from '../i18n';
import { palette } from '../theme';

/** Two overlapping speech bubbles: a client and a counselor in conversation. */
function Mark() {
  return (
    <svg width="34" height="34" viewBox="0 0 34 34" aria-hidden="true">
      <rect width="34" height="34" rx="9" fill={palette.primarySoft} />
      <path d="M7 10.5a3.5 3.5 0 0 1 3.5-3.5h9a3.5 3.5 0 0 1 3.5 3.5v5a3.5 3.5 0 0 1-3.5 3.5H13l-4 3v-3.3A3.5 3.5 0 0 1 7 15.5z" fill={palette.primary} />
      <path d="M27 17.5a3.5 3.5 0 0 0-3.5-3.5h-.5v1.5a5.5 5.5 0 0 1-5.5 5.5H15v.5a3.5 3.5 0 0 0 3.5 3.5H22l4 3v-3.3a3.5 3.5 0 0 0 1-2.5z" fill="#8fbfb8" />
    </svg>
  );
}

export function Brand() {
  const t = useT();
  return (
    <Flex align="center" gap={12} style={{ padding: '22px 20px 18px' }}>
      <Mark />
      <div style={{ minWidth: 0 }}>
        <Typography.Text strong style={{ fontSize: 16, display: 'block', lineHeight: 1.3 }} data-testid="app-name">
          {t.app.name}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t.app.tagline}
        </Typography.Text>
      </div>
    </Flex>
  );
}
