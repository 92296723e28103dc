// An approximate token count, for statistics and the cutoff_len check, without a tokenizer:
// the base model's tokenizer lives on the GPU server, not here. The estimate leans high on
// purpose, so a sample it calls short is short:
//  - each CJK character (Han, kana, Hangul, CJK and full-width punctuation) counts one token.
//    Qwen2's and DeepSeek's vocabularies hold many two-character words, so their real count
//    for Chinese text is lower (about 0.6–0.8 of this);
//  - other text counts one token per 4 characters (the usual rule for English BPE), rounded up;
//  - each message adds 4 tokens for the chat template's role markers (`<|im_start|>user\n` …
//    `<|im_end|>\n` in `qwen`), and a sample adds 2 for the template's start and end.

const CJK = /[\u1100-\u11ff\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[\u{20000}-\u{3134f}]/gu;

export const MESSAGE_OVERHEAD = 4;
export const SAMPLE_OVERHEAD = 2;

export function approxTokens(text: string): number {
  let cjk = 0;
  const rest = text.replace(CJK, () => {
    cjk++;
    return '';
  });
  return cjk + Math.ceil(rest.length / 4);
}

/** A conversation's approximate length: its messages (system included) and the template's markers. */
export const approxConversationTokens = (messages: readonly { content: string }[]): number =>
  SAMPLE_OVERHEAD + messages.reduce((n, m) => n + MESSAGE_OVERHEAD + approxTokens(m.content), 0);
