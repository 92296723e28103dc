import type { ConnectionFailure, JobStatus, Locale } from '@contract';
import type { Locale as AntdLocale } from 'antd/es/locale';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import en, { type Messages } from './en';
import zh from './zh';

export const dictionaries: Record<Locale, Messages> = { zh, en };

/** antd's own strings (confirm buttons, empty tables, pagination) follow the UI language. */
export const antdLocales: Record<Locale, AntdLocale> = { zh: zhCN, en: enUS };

// Every failure kind and job status the contract can send has a label (zh is checked via Messages).
const _failures: Record<ConnectionFailure, string> = en.endpoints.failures;
const _statuses: Record<JobStatus, string> = en.jobs.status;
void _failures;
void _statuses;
