import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';

/**
 * Phrase matching for English and Chinese. English is tokenized and stemmed with `natural`, so
 * "cancelled", "cancelling" and "cancel" all match "cancel"; Chinese has no inflection and no spaces,
 * so it is matched as a substring.
 */
const tokenizer = new WordTokenizer();

function stems(text: string): string[] {
  return tokenizer.tokenize(text.toLowerCase()).map((w) => PorterStemmer.stem(w));
}

const HAN = /[\u3400-\u9fff]/u;

export class PhraseMatcher {
  private readonly english: { phrase: string; stems: string[] }[] = [];
  private readonly chinese: string[] = [];

  constructor(phrases: readonly string[]) {
    for (const phrase of phrases) {
      if (HAN.test(phrase)) this.chinese.push(phrase);
      else this.english.push({ phrase, stems: stems(phrase) });
    }
  }

  /** The configured phrases that occur in the text. */
  find(text: string): string[] {
    const found = this.chinese.filter((p) => text.includes(p));
    const words = stems(text);
    for (const { phrase, stems: needle } of this.english) {
      if (needle.length > 0 && containsRun(words, needle)) found.push(phrase);
    }
    return found;
  }
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
