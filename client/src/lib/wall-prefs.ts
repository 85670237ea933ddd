/** How a supervisor last left the wall (view, density, pinned tiles), kept in this browser's localStorage. */

export type WallView = 'tiles' | 'table';
export type Density = 'comfortable' | 'compact';

const PREFS = 'rapport.wall';

export interface WallPrefs {
  view: WallView;
  density: Density;
  pinned: string[];
}

export function loadWallPrefs(): WallPrefs {
  const fallback: WallPrefs = { view: 'tiles', density: 'comfortable', pinned: [] };
  try {
    const saved = JSON.parse(localStorage.getItem(PREFS) ?? '{}') as Partial<WallPrefs>;
    return {
      view: saved.view === 'table' ? 'table' : 'tiles',
      density: saved.density === 'compact' ? 'compact' : 'comfortable',
      pinned: Array.isArray(saved.pinned) ? saved.pinned.filter((x): x is string => typeof x === 'string') : [],
    };
  } catch {
    return fallback;
  }
}

export function saveWallPrefs(prefs: WallPrefs): void {
  localStorage.setItem(PREFS, JSON.stringify(prefs));
}
