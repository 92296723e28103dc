import type { DuplicateGroup } from '../contract/role-card';
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
  const chars = [...complaintText(text)];
  const set = new Set<number>();
  if (chars.length < 3) set.add(fnv(chars.join('')));
  for (let i = 0; i + 3 <= chars.length; i++) set.add(fnv(chars[i]! + chars[i + 1]! + chars[i + 2]!));
  return Uint32Array.from(set).sort();
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
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

function signature(set: Uint32Array): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (let s = 0; s < set.length; s++) {
    const x = set[s]!;
    for (let k = 0; k < HASHES; k++) {
      const h = (Math.imul(x, multipliers[k]!) + offsets[k]!) >>> 0;
      if (h < sig[k]!) sig[k] = h;
    }
  }
  return sig;
}

export function findDuplicates(cards: { id: number; complaint: string }[], threshold: number): DuplicateGroup[] {
  // Exact duplicates first; near-duplicate search then sees one card per exact group.
  const byText = new Map<string, number[]>();
  for (const c of cards) {
    const key = complaintText(c.complaint);
    (byText.get(key) ?? byText.set(key, []).get(key)!).push(c.id);
  }
  const groups: DuplicateGroup[] = [];
  const representatives: { id: number; complaint: string }[] = [];
  for (const [, ids] of byText) {
    if (ids.length > 1) groups.push({ kind: 'exact', cardIds: ids, pairs: ids.slice(1).map((b) => ({ a: ids[0]!, b, similarity: 1 })) });
  }
  const seen = new Set<string>();
  for (const c of cards) {
    const key = complaintText(c.complaint);
    if (seen.has(key)) continue;
    seen.add(key);
    representatives.push(c);
  }

  const sets = representatives.map((c) => shingles(c.complaint));
  const buckets = new Map<string, number[]>();
  sets.forEach((set, index) => {
    const sig = signature(set);
    for (let b = 0; b < BANDS; b++) {
      const key = `${b}:${sig[b * ROWS]}:${sig[b * ROWS + 1]}:${sig[b * ROWS + 2]}`;
      (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(index);
    }
  });
  // Only qualifying pairs are kept, and each pair is checked once. A bucket holding many cards
  // (thousands of complaints written from one template) would make that quadratic, so a large
  // bucket is linked as a star around its first card: its members are near-identical anyway,
  // and the groups are the connected components either way.
  const n = representatives.length;
  const checked = new Set<number>();
  const pairs: { a: number; b: number; similarity: number }[] = [];
  const check = (x: number, y: number) => {
    const key = x * n + y;
    if (checked.has(key)) return;
    checked.add(key);
    const similarity = jaccard(sets[x]!, sets[y]!);
    if (similarity >= threshold && similarity < 1) pairs.push({ a: x, b: y, similarity });
  };
  for (const members of buckets.values()) {
    if (members.length > STAR_BUCKET) {
      for (let j = 1; j < members.length; j++) check(members[0]!, members[j]!);
      continue;
    }
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) check(members[i]!, members[j]!);
  }

  // Near-duplicate groups: cards linked by qualifying pairs (union-find).
  const parent = representatives.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const linked = pairs;
  for (const p of linked) parent[root(p.a)] = root(p.b);
  const near = new Map<number, DuplicateGroup>();
  for (const p of linked) {
    const r = root(p.a);
    const group = near.get(r) ?? near.set(r, { kind: 'near', cardIds: [], pairs: [] }).get(r)!;
    group.pairs.push({ a: representatives[p.a]!.id, b: representatives[p.b]!.id, similarity: Math.round(p.similarity * 1000) / 1000 });
  }
  for (const group of near.values()) {
    group.cardIds = [...new Set(group.pairs.flatMap((p) => [p.a, p.b]))].sort((a, b) => a - b);
    group.pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a);
    groups.push(group);
  }
  return groups.sort((x, y) => x.cardIds[0]! - y.cardIds[0]!);
}
