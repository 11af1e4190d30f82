import * as linguist from 'linguist-languages';
import { languageForFileName } from './linguist.ts';

// Linguist names that highlight.js spells differently. Any other language is tried as its
// lower-cased name; the viewer checks the name against highlight.js and falls back to plain text.
const HLJS_NAMES: Record<string, string | null> = {
  'C++': 'cpp',
  'C#': 'csharp',
  'F#': 'fsharp',
  'Objective-C': 'objectivec',
  'Objective-C++': 'objectivec',
  Shell: 'bash',
  HTML: 'xml',
  SVG: 'xml',
  Vue: 'xml',
  XSLT: 'xml',
  TSX: 'typescript',
  'JSON with Comments': 'json',
  JSON5: 'json',
  Batchfile: 'dos',
  'Vim Script': 'vim',
  'Emacs Lisp': 'lisp',
  'Common Lisp': 'lisp',
  TeX: 'latex',
  TOML: 'ini',
  'Git Config': 'ini',
  'Protocol Buffer': 'protobuf',
  'Visual Basic .NET': 'vbnet',
  Assembly: 'x86asm',
  'Unix Assembly': 'x86asm',
  Text: null,
};

let byLowerName: Map<string, string> | null = null;

/** Linguist's language for a label typed by a person ('cpp', 'yml', 'Python'), by name or alias. */
function languageForLabel(label: string): string | null {
  if (!byLowerName) {
    byLowerName = new Map();
    for (const lang of Object.values(linguist) as linguist.Language[]) {
      byLowerName.set(lang.name.toLowerCase(), lang.name);
      for (const alias of lang.aliases ?? []) if (!byLowerName.has(alias.toLowerCase())) byLowerName.set(alias.toLowerCase(), lang.name);
    }
  }
  return byLowerName.get(label.toLowerCase()) ?? null;
}

/**
 * The highlight.js language to show a dataset file with: its label when that names a language
 * (folder datasets use names like 'cpp' or 'yml'; repository builds use Linguist's own), else
 * what its file name means to Linguist, else null for plain text.
 */
export function highlightLanguage(label: string, filePath: string): string | null {
  let language = languageForLabel(label);
  if (!language) {
    const verdict = languageForFileName(filePath.split('/').pop() ?? filePath);
    language = verdict && 'language' in verdict ? verdict.language : null;
  }
  if (!language) return null;
  if (Object.hasOwn(HLJS_NAMES, language)) return HLJS_NAMES[language];
  return language.toLowerCase().replace(/\s+/g, '-');
}
