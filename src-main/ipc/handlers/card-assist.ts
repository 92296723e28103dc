import type { HandlerPart } from '../handler-table';
import { draftCard } from '../../card-assist/drafting';
import { getPrompt, setPrompt } from '../../card-assist/prompt-store';
import { renderCard } from '../../card-assist/render';
import { saveTranscript, listTranscripts } from '../../card-assist/transcripts';

export type CardAssistChannel =
  | 'cards:render'
  | 'cards:draft'
  | 'cards:chat'
  | 'cards:chatCancel'
  | 'cards:chatSave'
  | 'cards:chats'
  | 'prompts:get'
  | 'prompts:set';

export const cardAssistHandlers: HandlerPart<CardAssistChannel> = {
  'cards:render': (input, ctx) => renderCard(ctx, input),
  'cards:draft': (input, ctx) => draftCard(ctx, input),
  'cards:chat': (input, ctx) => ctx.trialChats.chat(input),
  'cards:chatCancel': ({ chatId }, ctx) => ctx.trialChats.cancel(chatId),
  'cards:chatSave': (input, ctx) => saveTranscript(ctx, input),
  'cards:chats': ({ id }, ctx) => listTranscripts(ctx, id),
  'prompts:get': ({ kind, language }, ctx) => getPrompt(ctx, kind, language),
  'prompts:set': (input, ctx) => setPrompt(ctx, input),
};
