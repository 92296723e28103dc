import { appHandlers } from '../app/handlers';
import { cardAssistHandlers } from '../card-assist/handlers';
import { endpointHandlers } from '../endpoints/handlers';
import { jobHandlers } from '../jobs/handlers';
import { cardHandlers } from '../role-cards/handlers';
import { simulationHandlers } from '../simulation/handlers';
import { joinHandlers, type HandlerTable } from './handler-table';

/** The handler table every transport registers: the Electron adapter and the test bridge alike. */
export function createHandlerTable(): HandlerTable {
  return joinHandlers(appHandlers, endpointHandlers, jobHandlers, cardHandlers, simulationHandlers, cardAssistHandlers);
}
