import type { DuplicateGroup } from '../contract/role-card';
import { noTaskControl, type Task, type TaskControl } from '../workers/task';
import { complaintText } from './card';

// Duplicate and near-duplicate chief complaints.
//  - exact: the same text once spacing, punctuation and case are ignored;
//  - near: character-trigram sets with Jaccard similarity ≥ threshold (default 0.7), e.g. one
//    post with a reworded title or a few sentences changed. Trigrams suit Chinese, which has
//    no spaces between words. Candidates come from MinHash with LSH banding (20 bands of 3
//    rows: a pair at Jaccard 0.5 is found with probability 0.93, at 0.7 with 0.9998) and
//    every candidate pair is then checked exactly, so no pair below the threshold is reported.

const BANDS = 20;
const ROWS = 3;
const HASHES = BANDS * ROWS;
/** Buckets larger than this are checked as a star (see findDuplicates). */
const STAR_BUCKET = 64;

/** Sorted distinct trigram hashes of a complaint (the whole text if shorter than 3). */
export function shingles(text: string): Uint32Array {
  return shinglesOfKey(complaintText(text));
}

// A trigram is three characters (code points), hashed as the UTF-16 units of those characters,
// straight from the key: no strings are built, which made this the search's slowest step.
function shinglesOfKey(key: string): Uint32Array {
  const starts: number[] = [];
  for (let u = 0; u < key.length; u++) {
    starts.push(u);
    if (isHighSurrogate(key.charCodeAt(u)) && isLowSurrogate(key.charCodeAt(u + 1))) u++;
  }
  starts.push(key.length);
  const chars = starts.length - 1;
  if (chars < 3) return Uint32Array.of(fnv(key, 0, key.length));
  const hashes = new Uint32Array(chars - 2);
  for (let i = 0; i + 3 <= chars; i++) hashes[i] = fnv(key, starts[i]!, starts[i + 3]!);
  hashes.sort();
  let distinct = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[distinct - 1]) hashes[distinct++] = hashes[i]!;
  return hashes.slice(0, distinct);
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** FNV-1a over the UTF-16 units [from, to) of `s`. */
function fnv(s: string, from = 0, to = s.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = a.length + b.length - both;
  return union === 0 ? 1 : both / union;
}

// Fixed odd multipliers and offsets: the same cards always give the same candidates.
const multipliers = Array.from({ length: HASHES }, (_, k) => (fnv(`a${k}`) | 1) >>> 0);
const offsets = Array.from({ length: HASHES }, (_, k) => fnv(`b${k}`));

/** Hash by hash over the whole set, so each minimum stays in a register. */
function signature(set: Uint32Array): Uint32Array {
  const sig = new Uint32Array(HASHES);
  for (let k = 0; k < HASHES; k++) {
    const multiplier = multipliers[k]!;
    const offset = offsets[k]!;
    let min = 0xffffffff;
    for (let s = 0; s < set.length; s++) {
      const h = (Math.imul(set[s]!, multiplier) + offset) >>> 0;
      if (h < min) min = h;
    }
    sig[k] = min;
  }
  return sig;
}

/**
 * One band's three rows as a 52-bit number. Two different bands colliding (odds about 1 in
 * 10^8 at 10,000 cards) would only add a candidate pair, and every candidate is checked.
 */
function bandKey(a: number, b: number, c: number): number {
  const high = (Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) ^ c) >>> 0;
  const low = (Math.imul(c ^ Math.imul(a, 0xc2b2ae35), 0x27d4eb2f) ^ b) & 0xfffff;
  return high * 0x100000 + low;
}

export interface DuplicateSearch {
  cards: { id: number; complaint: string }[];
  threshold: number;
}

const STEP = 256;

/**
 * Progress runs over three stages of `cards.length` steps each: the complaints' keys, their
 * signatures, then the LSH buckets; a cancel is honoured every STEP cards or buckets.
 */
export function findDuplicates(cards: DuplicateSearch['cards'], threshold: number, control: TaskControl = noTaskControl): DuplicateGroup[] {
  const n0 = cards.length;
  const step = (stage: number, done: number, of: number) => {
    if (done % STEP !== 0) return;
    control.checkpoint();
    control.progress(stage * n0 + (of === 0 ? 0 : Math.floor((done / of) * n0)), 3 * n0);
  };
  // Exact duplicates first; near-duplicate search then sees one card per exact group.
  const byText = new Map<string, number[]>();
  const representatives: { id: number; key: string }[] = [];
  cards.forEach((c, i) => {
    step(0, i, n0);
    const key = complaintText(c.complaint);
    const ids = byText.get(key);
    if (ids) ids.push(c.id);
    else {
      byText.set(key, [c.id]);
      representatives.push({ id: c.id, key });
    }
  });
  const groups: DuplicateGroup[] = [];
  for (const [, ids] of byText) {
    if (ids.length > 1) groups.push({ kind: 'exact', cardIds: ids, pairs: ids.slice(1).map((b) => ({ a: ids[0]!, b, similarity: 1 })) });
  }

  const n = representatives.length;
  const sets: Uint32Array[] = [];
  // Per band, the cards sharing its three rows: a lone card is stored as its index, a bucket
  // of two or more as an array (nearly every bucket holds one card; this spares 200,000 arrays
  // at 10,000 cards).
  const bands = Array.from({ length: BANDS }, () => new Map<number, number | number[]>());
  representatives.forEach((c, index) => {
    step(1, index, n);
    const set = shinglesOfKey(c.key);
    sets.push(set);
    const sig = signature(set);
    for (let b = 0; b < BANDS; b++) {
      const band = bands[b]!;
      const key = bandKey(sig[b * ROWS]!, sig[b * ROWS + 1]!, sig[b * ROWS + 2]!);
      const members = band.get(key);
      if (members === undefined) band.set(key, index);
      else if (typeof members === 'number') band.set(key, [members, index]);
      else members.push(index);
    }
  });
  const buckets = bands.flatMap((band) => [...band.values()].filter((m): m is number[] => typeof m !== 'number'));
  // Only qualifying pairs are kept, and each pair is checked once. A bucket holding many cards
  // (thousands of complaints written from one template) would make that quadratic, so a large
  // bucket is linked as a star around its first card: its members are near-identical anyway,
  // and that card becomes their group's centre (groupAroundCentres).
  const checked = new Set<number>();
  const pairs: { a: number; b: number; similarity: number }[] = [];
  const check = (x: number, y: number) => {
    const key = x * n + y;
    if (checked.has(key)) return;
    checked.add(key);
    const similarity = jaccard(sets[x]!, sets[y]!);
    if (similarity >= threshold && similarity < 1) pairs.push({ a: x, b: y, similarity });
  };
  buckets.forEach((members, bucket) => {
    step(2, bucket, buckets.length);
    if (members.length > STAR_BUCKET) {
      for (let j = 1; j < members.length; j++) check(members[0]!, members[j]!);
      return;
    }
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) check(members[i]!, members[j]!);
  });
  control.progress(3 * n0, 3 * n0);

  for (const members of groupAroundCentres(n, pairs)) {
    const inGroup = new Set(members);
    const group: DuplicateGroup = { kind: 'near', cardIds: members.map((i) => representatives[i]!.id).sort((x, y) => x - y), pairs: [] };
    for (const p of pairs) {
      if (inGroup.has(p.a) && inGroup.has(p.b)) group.pairs.push({ a: representatives[p.a]!.id, b: representatives[p.b]!.id, similarity: Math.round(p.similarity * 1000) / 1000 });
    }
    group.pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a);
    groups.push(group);
  }
  return groups.sort((x, y) => x.cardIds[0]! - y.cardIds[0]!);
}

/**
 * Near-duplicate groups from the qualifying pairs of `n` cards, each group around a centre
 * that every member is a near-duplicate of. Grouping by any pair (connected components)
 * chains A ≈ B ≈ C ≈ … into one group however unlike its ends are: 9,933 of 10,000 varied
 * generated complaints became one group at 0.7. Cards with the most near-duplicates become
 * centres first (ties: the earlier card); a centre takes its neighbours not yet in a group. A
 * card left over, all of whose near-duplicates went to other groups, is shown as a pair with
 * its most similar one, so no near-duplicate goes unreported (that one card is then in two
 * groups). Deterministic: the same pairs give the same groups.
 */
export function groupAroundCentres(n: number, pairs: readonly { a: number; b: number; similarity: number }[]): number[][] {
  const neighbours: { other: number; similarity: number }[][] = Array.from({ length: n }, () => []);
  for (const p of pairs) {
    neighbours[p.a]!.push({ other: p.b, similarity: p.similarity });
    neighbours[p.b]!.push({ other: p.a, similarity: p.similarity });
  }
  const order = [...neighbours.keys()].filter((i) => neighbours[i]!.length > 0).sort((x, y) => neighbours[y]!.length - neighbours[x]!.length || x - y);
  const taken = new Uint8Array(n);
  const groups: number[][] = [];
  for (const centre of order) {
    if (taken[centre]) continue;
    const members = [centre, ...neighbours[centre]!.map((m) => m.other).filter((i) => !taken[i])];
    if (members.length < 2) continue;
    for (const i of members) taken[i] = 1;
    groups.push(members);
  }
  for (const card of order) {
    if (taken[card]) continue;
    const best = neighbours[card]!.reduce((x, y) => (y.similarity > x.similarity || (y.similarity === x.similarity && y.other < x.other) ? y : x));
    groups.push([card, best.other]);
  }
  return groups;
}

/** The worker task: the same search, off the thread that answers the window. */
export const duplicatesTask: Task<DuplicateSearch, DuplicateGroup[]> = (input, control) => findDuplicates(input.cards, input.threshold, control);
