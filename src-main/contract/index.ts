import { z } from 'zod';
import type { EventChannel, RequestChannel } from './channels';
import type { Result } from './errors';
import {
  endpointCreateInput,
  endpointUpdateInput,
  type ConnectionTest,
  type EndpointView,
  type LocalServerScan,
} from './endpoint';
import { finetuneServeInput, finetuneUnserveInput, type ServedModelView } from './finetune-serve';
import { jobStatuses, type JobProgressEvent, type JobView } from './job';
import { settingsUpdateInput, type AppInfo, type Settings } from './settings';
import { fileChooseInput, type FileChoice } from './files';
import {
  cardChatCancelInput,
  cardChatInput,
  cardChatSaveInput,
  cardDraftInput,
  cardRenderInput,
  promptRef,
  promptSetInput,
  type CardChatReply,
  type CardChatTokens,
  type CardChatTranscript,
  type CardDraftResult,
  type CardRender,
  type PromptTemplate,
} from './card-assist';
import {
  cardBulkInput,
  cardCreateInput,
  cardDuplicatesInput,
  cardExportInput,
  cardImportInput,
  cardListInput,
  cardRevertInput,
  cardSplitInput,
  cardUpdateInput,
  type CardText,
  type DuplicateGroup,
  type ExportResult,
  type ImportReport,
  type RoleCardPage,
  type RoleCardRevision,
  type RoleCardView,
  type SplitResult,
} from './role-card';
import {
  dialogueExportInput,
  dialogueImportInput,
  dialogueListInput,
  dialogueRemoveInput,
  dialogueStarInput,
  dialogueTagInput,
  runStartInput,
  type DialogueDetail,
  type DialogueExportResult,
  type DialogueImportResult,
  type DialoguePage,
  type RunDashboard,
  type RunDetail,
  type RunSummary,
  type SimulationSessionEvent,
  type SimulationTokensEvent,
  type SimulationTurnEvent,
  type TemplateDefaults,
} from './simulation';
import {
  chartSaveInput,
  evaluationMeasures,
  evaluationReportInput,
  evaluationRunInput,
  evaluationModelInput,
  evaluationJobInput,
  type EvaluationDetail,
  type EvaluationListItem,
  type EvaluationPlan,
  type MeasureInfo,
} from './evaluation';
import { sshProfileCreateInput, type SshProfileView } from './ssh';
import {
  fineTuneFetchInput,
  fineTuneJobInput,
  fineTuneSubmitInput,
  sshTestInput,
  type FineTuneFetchResult,
  type FineTuneJobView,
  type FineTuneOptions,
  type FineTunePreview,
  type FineTuneUploadEvent,
  type SshTestOutcome,
  type TrainerPointView,
} from './finetune';
import {
  arenaBattlesInput,
  arenaStartInput,
  counselorAddInput,
  ratingsInput,
  type ArenaDetail,
  type ArenaPlan,
  type ArenaRatings,
  type ArenaSummary,
  type BattleDetail,
  type BattlePage,
  type CounselorsView,
  type CounselorView,
} from './arena';
import { arenaLivePickInput, arenaLiveRef, arenaLiveStartInput, type ArenaLiveOverview, type ArenaLiveState } from './arena-live';
import {
  annotationArenaInput,
  annotationExportInput,
  annotationImportInput,
  annotationMoveInput,
  annotationOpenInput,
  annotationPackageInput,
  annotationRecordInput,
  annotationResumeInput,
  type AnnotationAgreementView,
  type AnnotationArena,
  type AnnotationImportRow,
  type AnnotatorSessionView,
  type SavedAnnotationWork,
} from './annotation';

export * from './channels';
export * from './role-card';
export * from './text';
export * from './simulation';
export * from './errors';
export * from './endpoint';
export * from './job';
export * from './settings';
export * from './card-assist';
export * from './files';
export * from './evaluation';
export * from './evaluation-charts';
export * from './evaluation-format';
export * from './ssh';
export * from './finetune';
export * from './finetune-serve';
export * from './arena';
export * from './arena-charts';
export * from './arena-live';
export * from './annotation';
export * from './evaluation-tables';

// The one contract between renderer and main: every request channel with its input
// schema (main parses every payload with it, strictly) and its result type.

/** A phantom marker carrying a result type; it has no runtime content. */
const returns = <T>() => null as unknown as T;

const none = z.strictObject({});
const byId = z.strictObject({ id: z.number().int().positive() });

export const contract = {
  'app:info': { input: none, result: returns<AppInfo>() },
  'files:choose': { input: fileChooseInput, result: returns<FileChoice>() },
  'settings:get': { input: none, result: returns<Settings>() },
  'settings:update': { input: settingsUpdateInput, result: returns<Settings>() },
  'endpoints:list': { input: none, result: returns<EndpointView[]>() },
  'endpoints:create': { input: endpointCreateInput, result: returns<EndpointView>() },
  'endpoints:update': { input: endpointUpdateInput, result: returns<EndpointView>() },
  'endpoints:remove': { input: byId, result: returns<{ removed: true }>() },
  'endpoints:test': { input: byId, result: returns<ConnectionTest>() },
  'endpoints:detect': { input: none, result: returns<LocalServerScan>() },
  'jobs:list': {
    input: z.strictObject({
      kind: z.string().max(64).optional(),
      status: z.enum(jobStatuses).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    result: returns<JobView[]>(),
  },
  'jobs:cancel': { input: byId, result: returns<JobView>() },
  'cards:list': { input: cardListInput, result: returns<RoleCardPage>() },
  'cards:get': { input: byId, result: returns<RoleCardView>() },
  'cards:text': { input: byId, result: returns<CardText>() },
  'cards:create': { input: cardCreateInput, result: returns<RoleCardView>() },
  'cards:update': { input: cardUpdateInput, result: returns<RoleCardView>() },
  'cards:remove': { input: byId, result: returns<{ removed: true }>() },
  'cards:bulk': { input: cardBulkInput, result: returns<{ affected: number }>() },
  'cards:tags': { input: none, result: returns<{ tag: string; count: number }[]>() },
  'cards:history': { input: byId, result: returns<RoleCardRevision[]>() },
  'cards:revert': { input: cardRevertInput, result: returns<RoleCardView>() },
  'cards:import': { input: cardImportInput, result: returns<ImportReport>() },
  'cards:export': { input: cardExportInput, result: returns<ExportResult>() },
  'cards:split': { input: cardSplitInput, result: returns<SplitResult>() },
  'cards:duplicates': { input: cardDuplicatesInput, result: returns<DuplicateGroup[]>() },
  'cards:render': { input: cardRenderInput, result: returns<CardRender>() },
  'cards:draft': { input: cardDraftInput, result: returns<CardDraftResult>() },
  'cards:chat': { input: cardChatInput, result: returns<CardChatReply>() },
  'cards:chatCancel': { input: cardChatCancelInput, result: returns<{ cancelled: boolean }>() },
  'cards:chatSave': { input: cardChatSaveInput, result: returns<CardChatTranscript>() },
  'cards:chats': { input: byId, result: returns<CardChatTranscript[]>() },
  'prompts:get': { input: promptRef, result: returns<PromptTemplate>() },
  'prompts:set': { input: promptSetInput, result: returns<PromptTemplate>() },
  // Simulation runs and their dialogues (src-main/simulation).
  'simulation:defaults': { input: z.strictObject({ language: z.enum(['zh', 'en']) }), result: returns<TemplateDefaults>() },
  'simulation:start': { input: runStartInput, result: returns<RunSummary>() },
  'simulation:pause': { input: byId, result: returns<RunSummary>() },
  'simulation:resume': { input: byId, result: returns<RunSummary>() },
  'simulation:retry': { input: byId, result: returns<RunSummary>() },
  'simulation:cancel': { input: byId, result: returns<RunSummary>() },
  'simulation:remove': { input: byId, result: returns<{ removed: true }>() },
  'simulation:runs': { input: none, result: returns<RunSummary[]>() },
  'simulation:run': { input: byId, result: returns<RunDetail>() },
  'simulation:dashboard': { input: byId, result: returns<RunDashboard>() },
  'dialogues:list': { input: dialogueListInput, result: returns<DialoguePage>() },
  'dialogues:get': { input: byId, result: returns<DialogueDetail>() },
  'dialogues:tag': { input: dialogueTagInput, result: returns<{ affected: number }>() },
  'dialogues:star': { input: dialogueStarInput, result: returns<{ affected: number }>() },
  'dialogues:remove': { input: dialogueRemoveInput, result: returns<{ affected: number }>() },
  'dialogues:tags': { input: none, result: returns<{ tag: string; count: number }[]>() },
  'dialogues:export': { input: dialogueExportInput, result: returns<DialogueExportResult>() },
  'dialogues:import': { input: dialogueImportInput, result: returns<DialogueImportResult>() },
  // The paper's §4 measures and stored evaluations (src-main/evaluation).
  'evaluation:measures': { input: none, result: returns<MeasureInfo[]>() },
  'evaluation:run': { input: evaluationRunInput, result: returns<EvaluationDetail>() },
  'evaluation:list': { input: z.strictObject({ measure: z.enum(evaluationMeasures).optional() }), result: returns<EvaluationListItem[]>() },
  'evaluation:get': { input: byId, result: returns<EvaluationDetail>() },
  'evaluation:remove': { input: byId, result: returns<{ removed: true }>() },
  'evaluation:report': { input: evaluationReportInput, result: returns<{ path: string; csvPath: string | null }>() },
  'evaluation:saveChart': { input: chartSaveInput, result: returns<{ path: string }>() },
  // Connections to GPU servers and training jobs there (src-main/ssh, src-main/finetune).
  'ssh:list': { input: none, result: returns<SshProfileView[]>() },
  'ssh:add': { input: sshProfileCreateInput, result: returns<SshProfileView>() },
  'ssh:remove': { input: byId, result: returns<{ removed: true }>() },
  'ssh:test': { input: sshTestInput, result: returns<SshTestOutcome>() },
  'finetune:options': { input: none, result: returns<FineTuneOptions>() },
  'finetune:preview': { input: fineTuneJobInput, result: returns<FineTunePreview>() },
  'finetune:submit': { input: fineTuneSubmitInput, result: returns<{ jobId: number; remoteId: number }>() },
  'finetune:jobs': { input: none, result: returns<FineTuneJobView[]>() },
  'finetune:job': { input: byId, result: returns<FineTuneJobView>() },
  'finetune:points': { input: byId, result: returns<TrainerPointView[]>() },
  'finetune:log': { input: byId, result: returns<{ text: string }>() },
  'finetune:watch': { input: byId, result: returns<FineTuneJobView>() },
  'finetune:cancel': { input: byId, result: returns<FineTuneJobView>() },
  'finetune:fetch': { input: fineTuneFetchInput, result: returns<FineTuneFetchResult>() },
  // The arena (src-main/arena) and its ratings (src-main/ratings).
  'counselors:list': { input: none, result: returns<CounselorsView>() },
  'counselors:add': { input: counselorAddInput, result: returns<CounselorView>() },
  'counselors:remove': { input: z.strictObject({ name: z.string().trim().min(1).max(100) }), result: returns<{ removed: true }>() },
  'arena:list': { input: none, result: returns<ArenaSummary[]>() },
  'arena:show': { input: byId, result: returns<ArenaDetail>() },
  'arena:plan': { input: arenaStartInput, result: returns<ArenaPlan>() },
  'arena:start': { input: arenaStartInput, result: returns<ArenaSummary>() },
  'arena:pause': { input: byId, result: returns<ArenaSummary>() },
  'arena:resume': { input: byId, result: returns<ArenaSummary>() },
  'arena:cancel': { input: byId, result: returns<ArenaSummary>() },
  'arena:battles': { input: arenaBattlesInput, result: returns<BattlePage>() },
  'arena:battle': { input: byId, result: returns<BattleDetail>() },
  'ratings:compute': { input: ratingsInput, result: returns<ArenaRatings>() },
  // The arena's human live mode (src-main/arena/live.ts).
  'arenaLive:overview': { input: none, result: returns<ArenaLiveOverview>() },
  'arenaLive:start': { input: arenaLiveStartInput, result: returns<ArenaLiveState>() },
  'arenaLive:state': { input: arenaLiveRef, result: returns<ArenaLiveState>() },
  'arenaLive:pick': { input: arenaLivePickInput, result: returns<ArenaLiveState>() },
  'arenaLive:pause': { input: arenaLiveRef, result: returns<ArenaLiveState>() },
  'arenaLive:resume': { input: arenaLiveRef, result: returns<ArenaLiveState>() },
  'arenaLive:end': { input: arenaLiveRef, result: returns<ArenaLiveState>() },
  // Offline annotation: the annotator's packages and work, the researcher's packages, imports and agreement (src-main/annotation).
  'annotation:open': { input: annotationOpenInput, result: returns<AnnotatorSessionView>() },
  'annotation:saved': { input: none, result: returns<SavedAnnotationWork[]>() },
  'annotation:resume': { input: annotationResumeInput, result: returns<AnnotatorSessionView>() },
  'annotation:record': { input: annotationRecordInput, result: returns<{ done: number }>() },
  'annotation:move': { input: annotationMoveInput, result: returns<{ moved: true }>() },
  'annotation:export': { input: annotationExportInput, result: returns<{ path: string; verdicts: number; revision: number }>() },
  'annotation:arenas': { input: none, result: returns<AnnotationArena[]>() },
  'annotation:package': { input: annotationPackageInput, result: returns<{ packageId: string; files: { annotator: string; file: string; items: number }[] }>() },
  'annotation:import': { input: annotationImportInput, result: returns<AnnotationImportRow[]>() },
  'annotation:agreement': { input: annotationArenaInput, result: returns<AnnotationAgreementView>() },
  // Semantic, topics and WAI: the plan before anything is called, then a job whose result is kept.
  'evaluation:plan': { input: evaluationModelInput, result: returns<EvaluationPlan>() },
  'evaluation:start': { input: evaluationModelInput, result: returns<JobView>() },
  'evaluation:pause': { input: evaluationJobInput, result: returns<JobView>() },
  'evaluation:resume': { input: evaluationJobInput, result: returns<JobView>() },
  'evaluation:ofJob': { input: evaluationJobInput, result: returns<{ job: JobView; evaluationId: number | null }>() },
  'finetune:serve': { input: finetuneServeInput, result: returns<ServedModelView>() },
  'finetune:unserve': { input: finetuneUnserveInput, result: returns<{ stopped: 'stopped' | 'killed' | 'ended' }>() },
} satisfies Record<RequestChannel, { input: z.ZodType; result: unknown }>;

/** A domain's data changed (by this process or another); listeners read what they show again. */
export interface DataChangedEvent {
  /**
   * Only a run's progress moved (turns saved, calls made): no session or run was added,
   * removed, started, ended, starred or tagged, so lists of them (filters' run lists, tags)
   * are unchanged; counts and totals are not.
   */
  onlyProgress: boolean;
}

export interface EventPayloads {
  'jobs:progress': JobProgressEvent;
  /** A job was added or changed state; without `jobId` when it was noticed in the database (another process's job). */
  'jobs:changed': { jobId?: number };
  'cards:chatTokens': CardChatTokens;
  'simulation:tokens': SimulationTokensEvent;
  'simulation:turn': SimulationTurnEvent;
  'simulation:session': SimulationSessionEvent;
  'cards:changed': DataChangedEvent;
  'dialogues:changed': DataChangedEvent;
  'runs:changed': DataChangedEvent;
  'endpoints:changed': DataChangedEvent;
  /** Bytes sent of a job's files, for the submission the window named. */
  'finetune:upload': FineTuneUploadEvent;
  /** Counselors, arena runs or their sessions changed; `onlyProgress`: only battles were added. */
  'arena:changed': DataChangedEvent;
  'arenaLive:changed': { arenaId: number };
}
// Compile-time check that every event channel has a payload type and no extra ones exist.
type _Events = [EventChannel] extends [keyof EventPayloads]
  ? [keyof EventPayloads] extends [EventChannel] ? true : never
  : never;
const _eventsComplete: _Events = true;
void _eventsComplete;

export type Contract = typeof contract;
/** What the renderer sends (before defaults and trimming). */
export type ChannelInput<C extends RequestChannel> = z.input<Contract[C]['input']>;
/** What the handler receives, after parsing. */
export type ParsedInput<C extends RequestChannel> = z.output<Contract[C]['input']>;
export type ChannelResult<C extends RequestChannel> = Contract[C]['result'];
export type EventPayload<E extends EventChannel> = EventPayloads[E];

type Namespace = (RequestChannel | EventChannel) extends `${infer N}:${string}` ? N : never;
type Requests<N extends string> = {
  // `{} extends Input`: every field of the input is optional, so the argument may be left out.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  [C in RequestChannel as C extends `${N}:${infer V}` ? V : never]: {} extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<Result<ChannelResult<C>>>
    : (input: ChannelInput<C>) => Promise<Result<ChannelResult<C>>>;
};
type Subscriptions<N extends string> = {
  [E in EventChannel as E extends `${N}:${infer V}` ? `on${Capitalize<V>}` : never]: (
    listener: (payload: EventPayload<E>) => void,
  ) => () => void;
};

/** The shape of `window.api`, exposed by the preload. */
export type Api = { [N in Namespace]: Requests<N> & Subscriptions<N> };
