import type { Migration } from '../migration';
import { m001Foundation } from './001_foundation';
import { m002RoleCards } from './002_role_cards';
import { m003Simulation } from './003_simulation';
import { m004CardAssist } from './004_card_assist';
import { m005CardsAsWritten } from './005_cards_as_written';
import { m006JobLeases } from './006_job_leases';
import { m007ChangeCounters } from './007_change_counters';
import { m008DialogueSearch } from './008_dialogue_search';
import { m009EmbeddingCache } from './009_embedding_cache';
import { m010JudgeCache } from './010_judge_cache';
import { m011Evaluations } from './011_evaluations';
import { m012Arena } from './012_arena';
import { m013SshConnections } from './013_ssh_connections';
import { m014ArenaChangeCounters } from './014_arena_change_counters';
import { m015Annotation } from './015_annotation';
import { m016ServedModels } from './016_served_models';

// Forward-only: append new migrations, never edit or reorder shipped ones.
// A test checks the versions are 1..n with no gaps.
export const migrations: readonly Migration[] = [
  m001Foundation,
  m002RoleCards,
  m003Simulation,
  m004CardAssist,
  m005CardsAsWritten,
  m006JobLeases,
  m007ChangeCounters,
  m008DialogueSearch,
  m009EmbeddingCache,
  m010JudgeCache,
  m011Evaluations,
  m012Arena,
  m013SshConnections,
  m014ArenaChangeCounters,
  m015Annotation,
  m016ServedModels,
];
