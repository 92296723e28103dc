import type { z } from 'zod';
import type { FieldIssue } from '../contract/errors';

/** zod issues as field-addressed messages: `baseUrl: Enter a full http:// URL…`. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
