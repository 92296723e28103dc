import type { Migration } from '../migration';
import { m001Foundation } from './001_foundation';

// Forward-only: append new migrations, never edit or reorder shipped ones.
// A test checks the versions are 1..n with no gaps.
export const migrations: readonly Migration[] = [m001Foundation];
