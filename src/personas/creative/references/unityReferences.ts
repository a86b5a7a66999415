import type { Provided, Reference } from './types.js';

/**
 * Unity: assets name each other by GUID (`m_Script: {fileID: 11500000, guid: 3f2a..., type: 3}` in scenes,
 * prefabs, materials, animators...), and each asset's `.meta` file declares its GUID (`guid: 3f2a...`).
 * A GUID no .meta of the project declares may be in a package (Library/PackageCache, not kept): such a
 * reference is reported as leaving the project, not as broken. Built-in resources (GUIDs 0000...e000...,
 * 0000...f000...) are no references.
 */
const GUID = /\bguid:\s*([0-9a-f]{32})\b/g;
const BUILTIN = /^0{16}[ef]0{15}$/;

/** `guid:<hex>`: the name a GUID is declared and referenced under. */
export function guidName(hex: string): string {
  return `guid:${hex}`;
}

/** The GUID references of a Unity YAML asset (one per line and GUID). */
export function unityYamlReferences(from: string, text: string): Reference[] {
  const out: Reference[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const seen = new Set<string>();
    for (const [, guid = ''] of line.matchAll(GUID)) {
      if (BUILTIN.test(guid) || seen.has(guid)) continue;
      seen.add(guid);
      out.push({ from, raw: guid, kind: 'guid', line: i + 1, target: null, uid: guidName(guid) });
    }
  }
  return out;
}

/** A `.meta` file declares the GUID of the asset (or folder) beside it. */
export function unityMetaDeclarations(from: string, text: string): Provided[] {
  const guid = /^guid:\s*([0-9a-f]{32})\s*$/m.exec(text)?.[1];
  return guid ? [{ name: guidName(guid), target: from.slice(0, -'.meta'.length) }] : [];
}
