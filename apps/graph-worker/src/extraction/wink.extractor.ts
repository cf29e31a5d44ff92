import winkNLP, { ItemEntity } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { ExtractedMention } from './entity-extractor';
import type { GeneralEntityFinder } from './compromise.extractor';
import { mention } from './spans';

type WinkInstance = ReturnType<typeof winkNLP>;
let shared: WinkInstance | undefined;
/** The model is ~1 MB of tables: load it once per process, on first use. */
function wink(): WinkInstance {
  shared ??= winkNLP(model);
  return shared;
}

/**
 * DATE and MONEY with wink-nlp's English lite model. The lite model has no
 * PERSON/ORG/LOCATION recogniser, so with this finder those types come only from
 * the organisation patterns.
 */
export class WinkFinder implements GeneralEntityFinder {
  readonly method = 'nlp:wink';

  find(segment: string): ExtractedMention[] {
    const nlp = wink();
    const its = nlp.its;
    const doc = nlp.readDoc(segment);
    // wink is lossless: preceding spaces + token values rebuild the text, which gives offsets.
    const values = doc.tokens().out(its.value);
    const spaces = doc.tokens().out(its.precedingSpaces);
    const starts: number[] = [];
    const ends: number[] = [];
    let at = 0;
    for (let i = 0; i < values.length; i++) {
      at += spaces[i].length;
      // Guard against any normalisation: find the token where it really is.
      const found = segment.indexOf(values[i], at);
      if (found >= 0 && found - at < 8) at = found;
      starts.push(at);
      at += values[i].length;
      ends.push(at);
    }
    const out: ExtractedMention[] = [];
    doc.entities().each((e: ItemEntity) => {
      const type = e.out(its.type);
      if (type !== 'DATE' && type !== 'MONEY') return;
      const [a, b] = e.out(its.span) as unknown as [number, number];
      const m = mention(segment, type, starts[a], ends[b], type === 'DATE' ? 0.85 : 0.85, this.method);
      if (m) out.push(m);
    });
    return out;
  }
}
