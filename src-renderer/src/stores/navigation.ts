import { create } from 'zustand';

// Which section is on screen. Mirrored in the URL hash (#/settings) so a reload, the
// back/forward keys and tests land on the same section.

export const sectionKeys = [
  'roleCards',
  'simulations',
  'dialogues',
  'evaluation',
  'arena',
  'annotation',
  'fineTuning',
  'settings',
] as const;
export type SectionKey = (typeof sectionKeys)[number];

/** roleCards → role-cards: used in the hash, test ids and screenshot names. */
export const sectionSlug = (key: SectionKey) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const fromHash = (hash: string): SectionKey =>
  sectionKeys.find((k) => `#/${sectionSlug(k)}` === hash) ?? 'roleCards';

// ── State ──────────────────────────────────────────────────────────────────────
export interface NavigationState {
  section: SectionKey;
}

export const useNavigationStore = create<NavigationState>()(() => ({ section: fromHash(window.location.hash) }));

// ── Actions ────────────────────────────────────────────────────────────────────
export const navigationActions = {
  go(section: SectionKey): void {
    useNavigationStore.setState({ section });
    const hash = `#/${sectionSlug(section)}`;
    if (window.location.hash !== hash) window.location.hash = hash;
  },

  /** Follows hash changes made outside the app (back/forward); returns the unsubscribe function. */
  followHash(): () => void {
    const onChange = () => useNavigationStore.setState({ section: fromHash(window.location.hash) });
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
export const selectSection = (s: NavigationState) => s.section;
