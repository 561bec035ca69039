// Edits that quick fixes are made of, built on the document's nodes when a finding is made.
import type { Node } from 'jsonc-parser';
import type { Edit, Fix } from '../types';
import type { FindingSink } from './findings';
import type { TextIndex } from './model';

/** Replaces a value (or key) node's text. */
export function replaceFix(sink: FindingSink, node: Node, newText: string, title: string, preferred = false): Fix {
  const fix: Fix = { title, edits: [{ range: sink.range(node), newText }] };
  if (preferred) fix.preferred = true;
  return fix;
}

/** An edit that removes a property with its separating comma, leaving valid JSON (and no blank line). */
export function removeProperty(sink: FindingSink, object: Node, property: Node, at?: number): Edit {
  const siblings = object.children ?? [];
  // The caller walking the object knows where the property is: no search per removed key.
  const index = at ?? siblings.indexOf(property);
  const text = sink.model.text;
  let start = property.offset;
  let end = property.offset + property.length;
  const next = siblings[index + 1];
  if (next) {
    end = next.offset;
    const ownLine = lineStart(sink.model, start);
    const nextLine = lineStart(sink.model, next.offset);
    // One property per line: remove whole lines, so the next property keeps its indentation.
    if (nextLine > start && /^[ \t]*$/.test(text.slice(ownLine, start))) {
      start = ownLine;
      end = nextLine;
    }
  } else if (index > 0) {
    const previous = siblings[index - 1]!;
    start = previous.offset + previous.length; // from the end of the previous property: takes its comma
  }
  return { range: sink.range({ offset: start, length: end - start }), newText: '' };
}

/** Where the line holding `offset` starts, from the model's line index (a search back would be quadratic on a one-line file). */
function lineStart(model: TextIndex, offset: number): number {
  return model.offsetAt({ line: model.positionAt(offset).line, character: 0 });
}
