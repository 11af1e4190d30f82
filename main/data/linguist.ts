import * as linguist from 'linguist-languages';

// Labels come from GitHub Linguist's language table (the linguist-languages package). Linguist
// settles extensions shared by several languages with content heuristics this package does not
// carry, so an extension is used only when the table alone names one language:
//   1. exact file names (Makefile, .clang-format) with a single language;
//   2. the longest matching extension with a single language;
//   3. else the one candidate whose name or alias is the extension (.yml -> YAML, .tsx -> TSX)
//      wins unless another non-dialect candidate has it as primary extension (dialects are
//      languages with a group, e.g. OASv2-json); with no such name, the one non-dialect candidate,
//      or the one whose primary extension it is, wins;
//   4. else the extension is ambiguous (.h: C, C++, Objective-C; .yaml: MiniYAML, YAML; .m) and
//      the file is left out, unless an override names its language; a `.in` template of such a
//      file (config.h.in) is ambiguous too.

export type LanguageVerdict = { language: string } | { ambiguous: string[] } | null;

interface Tables {
  byFilename: Map<string, string[]>;
  byExtension: Map<string, string[]>;
  info: Map<string, { aliases: string[]; primary: string | undefined; dialect: boolean; extensions: string[] }>;
  /** A name or alias in lower case -> the language (the first in the table that has it). */
  byAlias: Map<string, string>;
  maxDots: number;
}

let tables: Tables | null = null;

function load(): Tables {
  if (tables) return tables;
  const byFilename = new Map<string, string[]>();
  const byExtension = new Map<string, string[]>();
  const info = new Map<string, { aliases: string[]; primary: string | undefined; dialect: boolean; extensions: string[] }>();
  const byAlias = new Map<string, string>();
  let maxDots = 1;
  const add = (map: Map<string, string[]>, key: string, name: string) => {
    const list = map.get(key);
    if (!list) map.set(key, [name]);
    else if (!list.includes(name)) list.push(name);
  };
  for (const lang of Object.values(linguist) as linguist.Language[]) {
    info.set(lang.name, {
      aliases: [lang.name.toLowerCase(), ...(lang.aliases ?? []).map((a) => a.toLowerCase())],
      primary: lang.extensions?.[0]?.toLowerCase(),
      dialect: lang.group !== undefined,
      extensions: (lang.extensions ?? []).map((e) => e.toLowerCase()),
    });
    for (const f of lang.filenames ?? []) add(byFilename, f, lang.name);
    for (const e of lang.extensions ?? []) {
      const ext = e.toLowerCase();
      add(byExtension, ext, lang.name);
      maxDots = Math.max(maxDots, ext.split('.').length - 1);
    }
  }
  for (const [name, lang] of info) for (const alias of lang.aliases) if (!byAlias.has(alias)) byAlias.set(alias, name);
  tables = { byFilename, byExtension, info, byAlias, maxDots };
  return tables;
}

/**
 * Which of a model's labels stands for a Linguist language: the label is the language's name or
 * an alias (`C++` / `cpp`, `JavaScript` / `javascript`) or one of its extensions (`yml` for YAML).
 * Null when none does (the model does not know the language).
 */
export function labelForLanguage(language: string, labels: readonly string[]): string | null {
  const lang = load().info.get(language);
  if (!lang) return null;
  for (const label of labels) {
    const l = label.toLowerCase();
    if (lang.aliases.includes(l) || lang.extensions.includes(`.${l}`)) return label;
  }
  return null;
}

/** Every Linguist language name, for validating user overrides. */
export function isLinguistLanguage(name: string): boolean {
  return load().info.has(name);
}

/**
 * The language a file name means in Linguist's table. `overrides` maps an extension ('.h') or a
 * file name to a language, or to null to leave it out; it is consulted first.
 */
export function languageForFileName(fileName: string, overrides?: ReadonlyMap<string, string | null>): LanguageVerdict {
  const t = load();
  const lower = fileName.toLowerCase();
  const exts = extensionsOf(lower, t.maxDots);
  if (overrides) {
    for (const key of [fileName, lower, ...exts]) {
      if (overrides.has(key)) {
        const v = overrides.get(key)!;
        return v === null ? null : { language: v };
      }
    }
  }
  // A configure template (`config.h.in`) is no surer than the file it makes: Linguist's table lists
  // `.h.in` under C alone while `.h` is C, C++ or Objective-C, so the template is ambiguous too
  // (an override of `.h.in` itself, checked above, still names it).
  if (lower.endsWith('.in') && lower.length > 3) {
    const made = languageForFileName(fileName.slice(0, -3));
    if (made && 'ambiguous' in made) return made;
  }
  const named = t.byFilename.get(fileName);
  if (named && named.length === 1) return { language: named[0] };
  for (const ext of exts) {
    const candidates = t.byExtension.get(ext);
    if (!candidates) continue;
    if (candidates.length === 1) return { language: candidates[0] };
    const main = candidates.filter((c) => !t.info.get(c)!.dialect);
    const pool = main.length > 0 ? main : candidates;
    const bare = ext.slice(1);
    const byAlias = candidates.filter((c) => t.info.get(c)!.aliases.includes(bare));
    const byPrimary = pool.filter((c) => t.info.get(c)!.primary === ext);
    if (byAlias.length === 1 && byPrimary.every((c) => c === byAlias[0])) return { language: byAlias[0] };
    if (byAlias.length === 0 && pool.length === 1) return { language: pool[0] };
    if (byAlias.length === 0 && byPrimary.length === 1) return { language: byPrimary[0] };
    return { ambiguous: [...candidates].sort() };
  }
  if (named && named.length > 1) return { ambiguous: [...named].sort() };
  return null;
}

/** '.tar.gz' style suffixes, longest first; a leading dot of a hidden file is not an extension. */
function extensionsOf(lowerName: string, maxDots: number): string[] {
  const out: string[] = [];
  const parts = lowerName.split('.');
  const first = lowerName.startsWith('.') ? 2 : 1;
  for (let i = Math.max(first, parts.length - maxDots); i < parts.length; i++) out.push('.' + parts.slice(i).join('.'));
  return out;
}

/**
 * Content rules for an extension that its table gives one language but another format shares,
 * each looking at the first KiB only:
 * - a `.ts` file that opens with a `<TS>` element (or its doctype), at a line's start or right after
 *   another tag, is a Qt Linguist translation, XML, not TypeScript (Linguist's own heuristic); a
 *   generic such as `Array<TS>` deep in a TypeScript file does not count;
 * - a YAML file whose first content (after blank and `#` comment lines) opens a `{` mapping or a `[`
 *   list is written in JSON's syntax, YAML's flow style: its text is JSON's, and no reader of the
 *   text alone could call it YAML. A Go template's `{{` does not count.
 */
const CONTENT_RULES: readonly { language: string; opens: RegExp; is: string }[] = [
  { language: 'TypeScript', opens: /(?:^|>)\s*<(?:TS\b|!DOCTYPE TS\b)/m, is: 'XML' },
  { language: 'YAML', opens: /^\uFEFF?(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*(?:\{(?!\{)|\[)/, is: 'JSON' },
];

/**
 * The language a file's text shows when it is not the one its name says (`null`: they agree): a
 * content rule above, or else an editor's mode line that names another language (Linguist reads
 * mode lines before the file name: bash-completion's `asciidoc.py` opens with `-*- shell-script -*-`
 * and is Shell).
 */
export function languageByContent(language: string, text: string): string | null {
  for (const rule of CONTENT_RULES) if (rule.language === language && rule.opens.test(text.slice(0, 1024))) return rule.is;
  const named = modelineLanguage(text);
  return named && named !== language ? named : null;
}

/** An Emacs mode line's mode: `-*- mode: sh; … -*-` or the bare `-*- shell-script -*-`. */
const EMACS = /-\*-(.*?)-\*-/;
const EMACS_MODE = /(?:^|;)\s*mode\s*:\s*([^\s;]+)/i;
/** A Vim mode line's file type: `vim: set ft=sh:`, `vi: filetype=tcl`, `ex: syntax=perl`. */
const VIM = /(?:^|\s)(?:vi|vim|ex)(?:[<=>]?\d+)?:(?:.*?[\s:])?(?:ft|filetype|syntax)\s*=\s*([\w+#.-]+)/i;

/**
 * The Linguist language an editor's mode line names, by the language's name or alias, as the
 * editors themselves read them: Emacs's `-*- … -*-` on the first line (the second after a `#!`
 * line), Vim's in the first or last five lines. Null when there is none, when it sets only other
 * variables (`-*- coding: utf-8 -*-`), or when its mode is no Linguist language (`-*- fundamental -*-`
 * is Text; `ft=ansible` is none).
 */
export function modelineLanguage(text: string): string | null {
  const head = text.slice(0, 4096).split('\n', 5);
  const tail = text.slice(-4096).replace(/\r?\n$/, '').split('\n').slice(-5);
  const first = head[0]?.startsWith('#!') ? head[1] : head[0];
  const emacs = first === undefined ? null : EMACS.exec(first);
  let mode: string | undefined;
  if (emacs) mode = EMACS_MODE.exec(emacs[1])?.[1] ?? /^\s*([^\s:;]+)\s*$/.exec(emacs[1])?.[1];
  for (const line of mode ? [] : [...head, ...tail]) {
    mode = VIM.exec(line)?.[1];
    if (mode) break;
  }
  return mode ? (load().byAlias.get(mode.toLowerCase()) ?? null) : null;
}
