/** The element formats by file extension, each module loaded when a file of its kind is met. */
import { UnsupportedElementFormatError } from './errors.js';
import type { ElementFormat } from './types.js';

const LOADERS: Record<string, () => Promise<ElementFormat>> = {
  psd: async () => (await import('./psd.js')).psdFormat,
  glb: async () => (await import('./gltf.js')).gltfFormat,
  gltf: async () => (await import('./gltf.js')).gltfFormat,
  obj: async () => (await import('./obj.js')).objFormat,
  json: async () => (await import('./json.js')).jsonFormat,
  yaml: async () => (await import('./yaml.js')).yamlFormat,
  yml: async () => (await import('./yaml.js')).yamlFormat,
  tscn: async () => (await import('./tscn.js')).tscnFormat,
};

function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The format module for a path, by extension; EUNSUPPORTED when there is none. */
export async function elementFormatOf(path: string): Promise<ElementFormat> {
  const load = Object.hasOwn(LOADERS, extOf(path)) ? LOADERS[extOf(path)] : undefined;
  if (!load)
    throw new UnsupportedElementFormatError(
      path,
      extOf(path) ? `'.${extOf(path)}' files have no elements Vault knows` : 'the name has no extension',
    );
  return load();
}
