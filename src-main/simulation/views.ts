import type { AgentRole } from '../contract/simulation';
import type { ChatMessage } from '../llm/params';

export type { ChatMessage };

// Each agent sees the conversation from its own side (Algorithm 1): for the client agent
// the counselor's turns are `user` and its own are `assistant`; for the counselor agent the
// reverse. Each view starts with that agent's system prompt.

export interface Turn {
  role: AgentRole;
  content: string;
}

export function agentView(agent: AgentRole, systemPrompt: string, turns: readonly Turn[]): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: systemPrompt }];
  for (const t of turns) messages.push({ role: t.role === agent ? 'assistant' : 'user', content: t.content });
  return messages;
}

/** Who speaks next after these turns: the client opens and the two alternate. */
export const nextSpeaker = (turns: readonly Turn[]): AgentRole => (turns.length % 2 === 0 ? 'client' : 'counselor');

/** Fills {role_card} in the client template (Figure 7). Other braces are left as written. */
export function clientSystemPrompt(template: string, cardText: string): string {
  return template.split('{role_card}').join(cardText);
}
