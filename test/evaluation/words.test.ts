import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStopwords, tokeniserFor } from '../../src-main/evaluation/words';
import { tempDir } from '../support/temp';

describe('words for the vocabulary overlap', () => {
  it('segments Chinese with jieba in precise mode with HMM (the example in docs/evaluation.md)', () => {
    const zh = tokeniserFor('zh');
    expect(zh.words('性别：女性\n年龄：25岁\n来访者的主诉问题：最近总是失眠，和家人关系紧张。')).toEqual(
      ['性别', '女性', '年龄', '25', '岁', '来访者', '的', '主诉', '问题', '最近', '总是', '失眠', '和', '家人', '关系紧张'],
    );
    expect(zh.words('我最近睡不好，总是失眠。')).toEqual(['我', '最近', '睡', '不好', '总是', '失眠']);
    expect(zh.description).toMatch(/^@node-rs\/jieba \d+\.\d+\.\d+, default dictionary, precise mode with HMM/);
  });

  it('drops tokens of only punctuation, symbols or spaces, keeps digits, lower-cases Latin letters', () => {
    const zh = tokeniserFor('zh');
    expect(zh.words('「焦虑」——我 真的😭受不了了！！！')).toEqual(['焦虑', '我', '真的', '受不了', '了']);
    expect(zh.words('我有点ANXIOUS，睡了3.5小时')).toEqual(['我', '有点', 'anxious', '睡', '了', '3.5', '小时']);
    expect(zh.words(' \n\t…… ，。！ 😀 ＋ ')).toEqual([]);
  });

  it('segments English by Unicode word boundaries, keeping contractions and decimals whole', () => {
    const en = tokeniserFor('en');
    expect(en.words("I feel ANXIOUS every morning, don't I? 3.5 hours… 😀 café")).toEqual(
      ['i', 'feel', 'anxious', 'every', 'morning', "don't", 'i', '3.5', 'hours', 'café'],
    );
    expect(en.description).toMatch(/^Intl\.Segmenter word segments/);
  });

  it('reads a stopword list, one word a line, and names the file when it cannot', () => {
    const dir = tempDir();
    const file = join(dir, 'stop.txt');
    writeFileSync(file, '\uFEFF# common words\n的\r\n  了 \n\nThe\n');
    expect([...readStopwords(file)]).toEqual(['的', '了', 'the']);
    expect(() => readStopwords(join(dir, 'none.txt'))).toThrow(`Cannot read the stopword list ${join(dir, 'none.txt')}: no such file; give a UTF-8 text file with one word a line.`);
    expect(() => readStopwords(dir)).toThrow(/it is a folder/);
    writeFileSync(file, '# nothing\n\n');
    expect(() => readStopwords(file)).toThrow(`The stopword list ${file} has no words`);
  });
});
