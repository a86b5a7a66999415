import type { FileMerger } from '../porcelain/merge/mergeContent.js';
import type { Vault } from '../porcelain/openVault.js';
import { personaOf, personasWith } from '../porcelain/settings.js';

/** What the creative persona's element merge reads (PSD layers, glTF/GLB and OBJ parts, Godot scene nodes). */
const ELEMENT_FORMATS = /\.(psd|gltf|glb|obj|tscn)$/i;
/** It decodes all three versions in memory: bigger files are left to the ordinary conflict handling. */
const ELEMENT_MERGE_MAX_BYTES = 512 * 1024 * 1024;

/**
 * The file merger `vault merge` (and `vault pull`) hands the merge: the creative persona's
 * element-aware merge, for files both sides changed. On for the creative and game personas (and
 * `--with creative`) unless `extra.elementMerge: false`; `extra.elementMerge: true` turns it on for any
 * vault. Porcelain knows no format and never imports a persona: this is the seam. The persona's code
 * is loaded only when a merge meets such a file.
 */
export async function fileMergerFor(vault: Vault): Promise<FileMerger | undefined> {
  const persona = personaOf(vault);
  const byPersona = persona === 'creative' || persona === 'game' || personasWith(vault).includes('creative');
  const setting = vault.config.extra.elementMerge;
  if (setting === false || (!byPersona && setting !== true)) return undefined;
  return {
    handles: (path, size) => ELEMENT_FORMATS.test(path) && size <= ELEMENT_MERGE_MAX_BYTES,
    merge: async ({ path, base, ours, theirs }) => {
      if (!base) return null; // both added it: no common version to compare elements with
      const { mergeElements } = await import('../personas/creative/elements/merge.js');
      const r = await mergeElements({ path, base, ours, theirs });
      const report = [
        ...r.elements.map((e) => `${e.kind} ${e.name}: ${e.change}, from ${e.from === 'both' ? 'both sides' : e.from}`),
        ...r.conflicts.map((c) => `${c.kind} ${c.name}: ${c.why}`),
        ...r.notes,
      ];
      if (r.data && r.related.size) {
        // a .gltf's separate .bin and images: one merged file cannot carry them
        const files = [...r.related.keys()].join(', ');
        return {
          data: null,
          report: [...report, `the merged file needs separate files too (${files}): merge by hand`],
        };
      }
      return { data: r.data, report };
    },
  };
}
