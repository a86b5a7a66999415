/**
 * YAML key paths (`settings.audio.volume`, `items[2]`), through the yaml
 * library's document model: the old node (with its comments) replaces the
 * current one, or is added to its parent mapping. The file is written again by
 * the library, which keeps comments, key order and quoting; unusual spacing may
 * be normalised.
 */
import { isCollection, isNode, isSeq, parseDocument, type Document } from 'yaml';
import { ElementFormatError, MissingParentError, UnknownElementError } from './errors.js';
import { formatKeyPath, keyPathOf, listKeyPaths } from './keyPath.js';
import { closeNames } from './match.js';
import type { ElementFormat, FormatRestore, Side } from './types.js';

function parse(bytes: Uint8Array, side: Side): Document {
  const doc = parseDocument(Buffer.from(bytes).toString('utf8'));
  if (doc.errors.length)
    throw new ElementFormatError(side.path, side.where, `not valid YAML: ${doc.errors[0]!.message}`);
  return doc;
}

function restore(opts: {
  current: Uint8Array;
  old: Uint8Array;
  element: string;
  path: string;
  oldWhere: string;
}): FormatRestore {
  const cur = parse(opts.current, { path: opts.path, where: 'the project folder' });
  const old = parse(opts.old, { path: opts.path, where: opts.oldWhere });
  const segs = keyPathOf(opts.element, (x) => old.hasIn(x));
  const name = formatKeyPath(segs);
  if (!segs.length || !old.hasIn(segs))
    throw new UnknownElementError(
      opts.element,
      opts.path,
      opts.oldWhere,
      closeNames(
        name,
        listKeyPaths(old.toJS()).map((e) => e.name),
      ),
    );
  const node = old.getIn(segs, true);
  const value = isNode(node) ? node.clone() : node;
  const had = cur.hasIn(segs);
  const parentSegs = segs.slice(0, -1);
  if (!had && parentSegs.length && !isCollection(cur.getIn(parentSegs, true)))
    throw new MissingParentError(name, opts.path, formatKeyPath(parentSegs));
  cur.setIn(segs, value);
  let kind: 'array' | 'object' | 'value' = 'value';
  if (isSeq(node)) kind = 'array';
  else if (isCollection(node)) kind = 'object';
  return {
    data: Buffer.from(cur.toString(), 'utf8'),
    element: { name, kind },
    action: had ? 'replaced' : 'inserted',
    notes: [],
  };
}

export const yamlFormat: ElementFormat = {
  format: 'yaml',
  list: (bytes, side) => listKeyPaths(parse(bytes, side).toJS()),
  restore,
};
