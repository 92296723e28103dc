import type { AppEvents } from '../app/events';
import type { EndpointRepository } from '../endpoints/repository';
import type { SecretBox } from '../endpoints/secret-box';
import type { RoleCardRepository } from '../role-cards/repository';
import type { TemplateSource } from './prompt-store';

// What card assist reads of the rest of the app. The app context satisfies each of these; a
// function asks for the slice it uses, so a test or another caller can see what that is.

/** Saved cards, as the client agent receives them. */
export interface CardSource {
  readonly cards: Pick<RoleCardRepository, 'get'>;
}

/** An endpoint and what calling it needs: its API key from the app's encrypted copy or the environment. */
export interface EndpointAccess {
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly secrets: SecretBox;
  readonly env: NodeJS.ProcessEnv;
}

/** Everything the trial chat uses, given once to `TrialChats`. */
export interface TrialChatDeps extends TemplateSource, CardSource, EndpointAccess {
  readonly events: AppEvents;
}
