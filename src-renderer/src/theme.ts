import type { ThemeConfig } from 'antd';

// The one place the look is defined: a soft teal on warm greys, muted status colours and
// roomy spacing, so long reading and annotation sessions stay calm on the eyes.

import type { JobStatus, Locale } from '@contract';

// Chinese text wants a CJK font first (full-width “” and ，), English text a Latin one first
// (CJK fonts draw ’ and “ full-width). System UI fonts lead on macOS and Windows, where
// they cover both; the order matters on Linux.
const latin = '"Helvetica Neue", Arial, "Liberation Sans", "Noto Sans"';
const cjk = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC"';
export const fontFamilies: Record<Locale, string> = {
  zh: `-apple-system, BlinkMacSystemFont, "Segoe UI", ${cjk}, ${latin}, sans-serif`,
  en: `-apple-system, BlinkMacSystemFont, "Segoe UI", ${latin}, ${cjk}, sans-serif`,
};

/** The tag colour of a job's or a run's status (antd Tag presets), the same wherever one is shown. */
export const statusColor: Record<JobStatus, string> = {
  queued: 'default',
  running: 'processing',
  paused: 'warning',
  done: 'success',
  failed: 'error',
  cancelled: 'default',
};

export const palette = {
  primary: '#3f8a84',
  primarySoft: '#e7f1ef',
  layout: '#f4f6f5',
  border: '#e3e8e6',
  text: '#26312f',
  textSecondary: '#5f6b68',
};

const base: ThemeConfig = {
  token: {
    colorPrimary: palette.primary,
    colorInfo: palette.primary,
    colorSuccess: '#4e9868',
    colorWarning: '#c49536',
    colorSuccessBg: '#eff6f1',
    colorSuccessBorder: '#cde3d4',
    colorError: '#c0594e',
    colorErrorBg: '#fbf1ef',
    colorErrorBorder: '#efd2cd',
    colorText: palette.text,
    colorTextSecondary: palette.textSecondary,
    colorBgLayout: palette.layout,
    colorBorderSecondary: palette.border,
    // antd derives its light "selected" and "info" shades from the primary colour; for this
    // teal they come out a heavy grey (#bdc9c6), so the soft teal is set here, once.
    colorPrimaryBg: palette.primarySoft,
    colorPrimaryBgHover: '#dcebe8',
    controlItemBgActive: palette.primarySoft,
    controlItemBgActiveHover: '#dcebe8',
    colorPrimaryBorder: '#b9d8d2',
    colorInfoBg: '#eef5f3',
    colorInfoBorder: '#cfe3df',
    fontSize: 14,
    borderRadius: 8,
    borderRadiusLG: 12,
    controlHeight: 34,
    wireframe: false,
  },
  components: {
    Layout: { siderBg: '#ffffff', headerBg: palette.layout, bodyBg: palette.layout },
    Menu: {
      itemBg: '#ffffff',
      itemSelectedBg: palette.primarySoft,
      itemSelectedColor: palette.primary,
      itemBorderRadius: 8,
      itemHeight: 40,
      itemMarginInline: 12,
      groupTitleColor: '#8a9592',
      groupTitleFontSize: 12,
    },
    Card: { paddingLG: 28 },
    Table: { headerBg: '#f7f9f8', headerColor: palette.textSecondary, cellPaddingBlock: 14 },
    Form: { itemMarginBottom: 20, verticalLabelPadding: '0 0 6px' },
  },
};

/** The theme for a UI language: only the font stack differs. */
export const themeFor = (locale: Locale): ThemeConfig => ({ ...base, token: { ...base.token, fontFamily: fontFamilies[locale] } });
