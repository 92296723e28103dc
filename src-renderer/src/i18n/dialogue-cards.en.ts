// The dialogue import with the card each client saw (the paper's layout).
const dlgCards = {
  menu: 'With their cards (the paper’s layout)…',
  title: 'Import dialogues with their cards',
  explain:
    'Dialogue N.json is paired with raw_role_card/<split>/N.txt and complaint N of user_profiles/<split>.json; the cards join the pool unless already there. Fidelity (overlap, semantic consistency) can then be measured on these dialogues.',
  dialogues: 'Dialogues',
  chooseDialogues: 'Choose the dialogue/ folder…',
  cards: 'Cards',
  chooseCards: 'Choose the folder holding raw_role_card/ and user_profiles/…',
  noCards: 'No cards: import the dialogues alone',
  split: 'Split',
  splits: { train: 'train (the released dialogues’ cards)', test: 'test' },
  nothingChosen: 'Nothing chosen yet',
  import: 'Import',
  cancel: 'Cancel',
  imported: (n: number, withCard: number, added: number) => `${n} dialogues imported, ${withCard} with their cards; ${added} cards added to the pool`,
};

export default dlgCards;
