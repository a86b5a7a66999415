import type { Vault } from '../index.js';
import { bytes } from './text.js';

/** A line of a panel; `tone` picks its colour (the text itself says what it is without colour). */
export interface PanelLine {
  readonly text: string;
  readonly tone?: 'added' | 'deleted' | 'modified' | 'hunk' | 'dim' | 'error';
}

/**
 * A pseudo-entry above the changed files in the Diff view (platform config, bundles): a label, a one-line summary,
 * lines to show.
 */
export interface Panel {
  readonly key: string;
  readonly label: string;
  readonly summary: string;
  readonly lines: readonly PanelLine[];
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'null'));
const signed = (n: number) => {
  if (n === 0) return '±0 B';
  return n > 0 ? `+${bytes(n)}` : `-${bytes(-n)}`;
};

/** How a bundle's status is marked and coloured. */
const STATUS: Record<string, { mark: string; tone: PanelLine['tone'] }> = {
  added: { mark: '+', tone: 'added' },
  removed: { mark: '-', tone: 'deleted' },
};
const CHANGED = { mark: '~', tone: 'modified' } as const;

/** A snapshot that declares no platforms / bundles: no panel (any other error is shown in the panel). */
const undeclared = (e: unknown) => (e as { code?: string }).code === 'ENOCONFIG';

/** Game persona: how each platform's effective config changed from `a` to `b` (base + override merged). */
export async function platformsPanel(vault: Vault, a: string, b: string): Promise<Panel | null> {
  const { platformMatrix, platformDiff } = await import('../personas/game/platforms.js');
  let platforms: readonly string[];
  try {
    platforms = (await platformMatrix({ vault, snapshot: b })).platforms;
  } catch (e) {
    if (undeclared(e)) return null;
    return {
      key: 'platforms',
      label: 'platform config',
      summary: 'unreadable',
      lines: [{ text: (e as Error).message, tone: 'error' }],
    };
  }
  const lines: PanelLine[] = [];
  let keys = 0;
  let touched = 0;
  for (const p of platforms) {
    const d = await platformDiff({ vault, platform: p, a, b });
    if (!d.changes.length) continue;
    touched++;
    keys += d.changes.length;
    lines.push({
      text: `${p}: ${d.changes.length} key${d.changes.length === 1 ? '' : 's'} changed (effective config)`,
      tone: 'hunk',
    });
    for (const c of d.changes) {
      if (c.kind === 'added') lines.push({ text: `+ ${c.key} = ${show(c.new)}`, tone: 'added' });
      else if (c.kind === 'removed') lines.push({ text: `- ${c.key} (was ${show(c.old)})`, tone: 'deleted' });
      else lines.push({ text: `~ ${c.key}: ${show(c.old)} -> ${show(c.new)}`, tone: 'modified' });
    }
    // what is wrong with B's effective config (an override key the base lacks, a type that differs)
    for (const pr of d.problems)
      lines.push({
        text: `! ${pr.kind} ${pr.key}${pr.baseType ? ` (base ${pr.baseType}, override ${pr.overrideType})` : ''}`,
        tone: 'error',
      });
  }
  if (!lines.length)
    lines.push({ text: `the effective config of ${platforms.join(', ')} did not change`, tone: 'dim' });
  return {
    key: 'platforms',
    label: 'platform config',
    summary: keys ? `${keys} key${keys === 1 ? '' : 's'} on ${touched} of ${platforms.length} platforms` : 'unchanged',
    lines,
  };
}

/** Game persona: each bundle's size change and what a player holding `a` downloads for `b`. */
export async function bundlesPanel(vault: Vault, a: string, b: string): Promise<Panel | null> {
  const { bundlesDiff } = await import('../personas/game/bundles.js');
  let d;
  try {
    d = await bundlesDiff({ vault, a, b });
  } catch (e) {
    if (undeclared(e)) return null;
    return {
      key: 'bundles',
      label: 'bundles',
      summary: 'unreadable',
      lines: [{ text: (e as Error).message, tone: 'error' }],
    };
  }
  const lines: PanelLine[] = [];
  let total = 0;
  let changed = 0;
  for (const x of d.bundles) {
    total += x.sizeDelta;
    if (x.status === 'unchanged') {
      lines.push({ text: `  ${x.name}: unchanged (${x.b?.files ?? 0} files, ${bytes(x.b?.bytes ?? 0)})`, tone: 'dim' });
      continue;
    }
    changed++;
    const size = `${bytes(x.a?.bytes ?? 0)} -> ${bytes(x.b?.bytes ?? 0)} (${signed(x.sizeDelta)})`;
    const { mark, tone } = STATUS[x.status] ?? CHANGED;
    const redeclared = d.redeclared.includes(x.name) ? ', redeclared' : '';
    lines.push({ text: `${mark} ${x.name}: ${x.status}, ${size}, download ${bytes(x.download)}${redeclared}`, tone });
    for (const c of x.changes)
      lines.push({
        text:
          `    ${c.kind.padEnd(8)} ${c.path}  ` +
          `${c.kind === 'modified' ? `${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)}` : bytes(c.newSize ?? c.oldSize ?? 0)}`,
        tone: 'dim',
      });
  }
  return {
    key: 'bundles',
    label: 'bundles',
    summary: changed
      ? `${signed(total)} in ${changed} of ${d.bundles.length} bundles`
      : `unchanged (${d.bundles.length} bundles)`,
    lines,
  };
}

/** The game persona's panels for a diff from `a` to `b` (none for a first snapshot). */
export async function gamePanels(vault: Vault, a: string | null, b: string): Promise<Panel[]> {
  if (!a) return [];
  const out: Panel[] = [];
  for (const p of [await platformsPanel(vault, a, b), await bundlesPanel(vault, a, b)]) if (p) out.push(p);
  return out;
}
