import type dlgCardsEn from './dialogue-cards.en';

const dlgCards: typeof dlgCardsEn = {
  menu: '连同角色卡（论文的目录结构）…',
  title: '连同角色卡导入对话',
  explain:
    '对话 N.json 与 raw_role_card/<划分>/N.txt 及 user_profiles/<划分>.json 的第 N 条主诉配对；角色卡若不在卡池中则一并导入。之后即可在这些对话上评估来访者的忠实度（词汇重叠、语义一致性）。',
  dialogues: '对话',
  chooseDialogues: '选择 dialogue/ 文件夹…',
  cards: '角色卡',
  chooseCards: '选择包含 raw_role_card/ 和 user_profiles/ 的文件夹…',
  noCards: '不配角色卡：只导入对话',
  split: '划分',
  splits: { train: 'train（论文发布的对话所用的卡）', test: 'test' },
  nothingChosen: '尚未选择',
  import: '导入',
  cancel: '取消',
  imported: (n: number, withCard: number, added: number) => `已导入 ${n} 段对话，其中 ${withCard} 段配有角色卡；新增 ${added} 张角色卡`,
};

export default dlgCards;
