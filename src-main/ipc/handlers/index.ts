import { annotationHandlers } from './annotation';
import { appHandlers } from './app';
import { arenaHandlers } from './arena';
import { arenaLiveHandlers } from './arena-live';
import { cardAssistHandlers } from './card-assist';
import { endpointHandlers } from './endpoints';
import { evaluationHandlers } from './evaluation';
import { finetuneServeHandlers } from './finetune-serve';
import { jobHandlers } from './jobs';
import { cardHandlers } from './role-cards';
import { simulationHandlers } from './simulation';
import { sshHandlers } from './ssh';
import { fineTuneHandlers } from './finetune';
import { joinHandlers, type HandlerTable } from '../handler-table';

/** The handler table every transport registers: the Electron adapter and the test bridge alike. */
export function createHandlerTable(): HandlerTable {
  return joinHandlers(appHandlers, endpointHandlers, jobHandlers, cardHandlers, simulationHandlers, cardAssistHandlers, evaluationHandlers, arenaLiveHandlers, annotationHandlers, sshHandlers, fineTuneHandlers, arenaHandlers, finetuneServeHandlers);
}
