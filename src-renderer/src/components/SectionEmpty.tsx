import { ArrowRightOutlined, CheckCircleFilled } from '@ant-design/icons';
import { Button, Card, Flex, Skeleton, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { selectEndpointCount, selectEndpointsLoading, useEndpointsStore } from '../stores/endpoints';
import { navigationActions, sectionSlug, type SectionKey } from '../stores/navigation';
import { palette } from '../theme';
import { sectionIcons } from './sectionMeta';

export interface NextStep {
  text: string;
  action?: {
    label: string;
    to: SectionKey;
    /** Shown as a secondary button, when the section's own `actions` carry the main one. */
    secondary?: boolean;
  };
}

/**
 * What an empty section shows: what the section is for, then the one thing to do next.
 * The next step depends on the endpoints, so it waits for them instead of flashing advice.
 */
export function SectionEmpty(props: {
  section: SectionKey;
  title: string;
  purpose: string;
  next: NextStep;
  extra?: ReactNode;
  /** Buttons of the section's own, shown in the next-step box before the navigation action. */
  actions?: ReactNode;
}) {
  const t = useT();
  const loading = useEndpointsStore(selectEndpointsLoading);
  const endpointCount = useEndpointsStore(selectEndpointCount);
  const slug = sectionSlug(props.section);

  return (
    <Card data-testid={`empty-${slug}`} styles={{ body: { padding: '48px 56px' } }}>
      <Flex vertical align="center" style={{ maxWidth: 620, margin: '0 auto', textAlign: 'center' }}>
        <div
          aria-hidden="true"
          style={{
            width: 72,
            height: 72,
            borderRadius: '50%',
            background: palette.primarySoft,
            color: palette.primary,
            fontSize: 32,
            display: 'grid',
            placeItems: 'center',
            marginBottom: 20,
          }}
        >
          {sectionIcons[props.section]}
        </div>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {props.title}
        </Typography.Title>
        <Typography.Paragraph style={{ color: palette.textSecondary, fontSize: 15, lineHeight: 1.8, textWrap: 'balance' }}>
          {props.purpose}
        </Typography.Paragraph>

        <div
          style={{
            width: '100%',
            marginTop: 12,
            padding: '20px 24px',
            borderRadius: 12,
            background: palette.layout,
            textAlign: 'start',
          }}
        >
          {loading ? (
            <Skeleton active title={false} paragraph={{ rows: 2 }} />
          ) : (
            <Flex vertical gap={12} data-testid="empty-next">
              <Flex justify="space-between" align="center" wrap gap={8}>
                <Typography.Text strong style={{ color: palette.primary }}>
                  {t.empty.nextStep}
                </Typography.Text>
                {endpointCount > 0 && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    <CheckCircleFilled style={{ color: '#4e9868', marginInlineEnd: 6 }} />
                    {t.empty.endpointsReady(endpointCount)}
                  </Typography.Text>
                )}
              </Flex>
              {/* balance: no lone character on a last line, which CJK text is prone to. */}
              <Typography.Text style={{ display: 'block', lineHeight: 1.7, textWrap: 'balance' }}>{props.next.text}</Typography.Text>
              {(props.next.action || props.actions) && (
                <Flex gap={8} wrap>
                  {props.actions}
                  {props.next.action && (
                    <Button
                      type={props.next.action.secondary ? 'default' : 'primary'}
                      icon={<ArrowRightOutlined />}
                      iconPlacement="end"
                      data-testid="empty-next-action"
                      onClick={() => navigationActions.go(props.next.action!.to)}
                    >
                      {props.next.action.label}
                    </Button>
                  )}
                </Flex>
              )}
            </Flex>
          )}
        </div>
        {props.extra}
      </Flex>
    </Card>
  );
}
