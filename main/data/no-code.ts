// Whether a file's text holds anything of its language beyond comments. A file that is only a
// licence header, a block of commented-out settings or a doc comment reads the same in every
// language that shares its comment syntax (a licence-only `.cc` is a licence-only `.java`), so its
// label is its name's, not its text's: a dataset that keeps it teaches a model, and scores it, on a
// guess. An XML file without a single element (a `.rdf` table of numbers) is not XML at all.

interface CommentSyntax {
  /** Line comments: from the marker to the end of the line. */
  line: readonly string[];
  /** Block comments: [open, close]. An unclosed block runs to the end of the file. */
  block: readonly (readonly [string, string])[];
}

const C_STYLE: CommentSyntax = { line: ['//'], block: [['/*', '*/']] };
const HASH: CommentSyntax = { line: ['#'], block: [] };

/**
 * Comment syntax by Linguist language: what the language's own readers skip as a comment, nothing
 * more. The test is syntax alone: a `#!` line is a comment in Python or Shell, and in JavaScript it
 * is not comment syntax, so there it counts as code; a Python docstring is code (a string expression).
 */
const COMMENTS: Readonly<Record<string, CommentSyntax>> = {
  C: C_STYLE,
  'C++': C_STYLE,
  Java: C_STYLE,
  JavaScript: C_STYLE,
  TypeScript: C_STYLE,
  Go: C_STYLE,
  Rust: C_STYLE,
  Groovy: C_STYLE,
  CSS: { line: [], block: [['/*', '*/']] },
  Python: HASH,
  Shell: HASH,
  Perl: HASH,
  Ruby: HASH,
  YAML: HASH,
  TOML: HASH,
  Tcl: HASH,
  SQL: { line: ['--'], block: [['/*', '*/']] },
  Lua: { line: ['--'], block: [] },
  TeX: { line: ['%'], block: [] },
  Scheme: { line: [';'], block: [] },
  'Vim script': { line: ['"'], block: [] },
  XML: { line: [], block: [['<!--', '-->']] },
};

/** An XML element, processing instruction or declaration opens here. */
const MARKUP = /^<[A-Za-z_:?!]/;

/**
 * False when the text is nothing but whitespace and comments in its language's syntax (or, for XML,
 * holds no markup outside comments). True for a language without an entry here: JSON has no
 * comments, and Markdown, HTML, PHP and the rest are not judged. The scan stops at the first
 * character outside a comment, so strings never need reading.
 */
export function hasCode(language: string, text: string): boolean {
  const syntax = COMMENTS[language];
  if (!syntax) return true;
  let i = 0;
  for (;;) {
    while (i < text.length && /\s|\uFEFF/.test(text[i])) i++;
    if (i >= text.length) return false;
    const line = syntax.line.find((m) => text.startsWith(m, i));
    if (line) {
      const end = text.indexOf('\n', i);
      if (end < 0) return false;
      i = end + 1;
      continue;
    }
    const block = syntax.block.find(([open]) => text.startsWith(open, i));
    if (block) {
      const end = text.indexOf(block[1], i + block[0].length);
      if (end < 0) return false;
      i = end + block[1].length;
      continue;
    }
    if (language === 'XML') {
      // Text before the first element (a stray line, a number table) is not XML's: look for markup.
      const lt = text.indexOf('<', i);
      if (lt < 0) return false;
      if (MARKUP.test(text.slice(lt, lt + 2)) && !text.startsWith('<!--', lt)) return true;
      i = text.startsWith('<!--', lt) ? lt : lt + 1;
      continue;
    }
    return true;
  }
}
