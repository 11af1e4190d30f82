// Two languages that a model reads from a window of bytes cannot always tell apart, because one
// contains the other: every JavaScript program is a TypeScript program, most C is C++, and most
// Java is Groovy (Groovy takes almost every Java program as its own). Where a model's answer is
// the larger language of such a pair and the file's whole text says otherwise, a syntax rule
// moves the answer (it swaps the two labels' probabilities; the row still sums to 1):
//
// - TypeScript that parses as JavaScript (acorn, as a module or a script) is JavaScript: it has no
//   type annotation, interface, enum or other TypeScript-only syntax anywhere in it.
// - C whose code (outside comments, strings and any `#if … __cplusplus` group or `#define`) uses
//   syntax that C does not have (`std::`, `Class::method(`, `template <`, `namespace`, `class X`,
//   `public:`, `extern "C"`, a C++ standard header, a C++ keyword such as `nullptr`) is C++, and so
//   is a file whose Emacs or Vim mode line names C++.
// - Groovy that parses as Java (java-parser, a compilation unit or a run of statements) is Java:
//   Groovy written in Java's style (classes, imports, annotations, generics) fills a window the
//   same way, but idiomatic Groovy leaves out semicolons and modifiers, which Java requires (2 of
//   v14's 1,200 Groovy files parse as Java). The converse does not hold: a file labelled Java that
//   java-parser rejects is mostly not Groovy but Java it cannot read (templates with
//   `${package}`, generated code missing one semicolon, statements a build tool inserts, `_` as a
//   name), so no rule moves Java to Groovy.
//
// The rules read the whole file, where the model reads a window of it (a long licence header can
// fill the window). They only ever move an answer between the two labels of a pair, only when the
// model has both and the other label of the pair is its second choice: text that parses as
// JavaScript need not be JavaScript (YAML's `key: value` lines are labelled statements), so a rule
// settles a pair the model already hesitates between. The test report, evaluations and
// classification apply the same rules, as they do the second look (tokenize/second-look.ts), so
// their figures agree.
import { parse } from 'acorn';

/** Label names (lower case) that stand for each language of a pair. */
const NAMES = {
  javascript: ['javascript', 'js'],
  typescript: ['typescript', 'ts'],
  c: ['c'],
  cpp: ['cpp', 'c++', 'cplusplus'],
  java: ['java'],
  groovy: ['groovy'],
} as const;

interface SyntaxRule {
  /** Shown in logs and reports. */
  name: string;
  /** The answer the rule can move, and where it moves it. */
  from: keyof typeof NAMES;
  to: keyof typeof NAMES;
  /** True when the text says the file is `to`. */
  holds(text: string): boolean | Promise<boolean>;
}

/** True when acorn parses `text` as JavaScript, as an ES module or as a script. */
export function parsesAsJavaScript(text: string): boolean {
  for (const sourceType of ['module', 'script'] as const) {
    try {
      parse(text, { ecmaVersion: 'latest', sourceType, allowHashBang: true, allowReturnOutsideFunction: sourceType === 'script', allowAwaitOutsideFunction: true });
      return true;
    } catch {
      // Not in this form; try the other.
    }
  }
  return false;
}

/** java-parser, loaded on first use (building its grammar takes about a second). */
let javaParser: Promise<typeof import('java-parser')> | null = null;

/** Longer texts are not parsed (not taken for Java): java-parser's time grows faster than the text on some inputs. */
const JAVA_PARSE_MAX_CHARS = 100_000;

/**
 * Syntax that Java does not have and Groovy does, found without parsing: a `package` or `import`
 * line without its semicolon, a `def` declaration. java-parser backtracks on text that is not Java
 * and can take minutes over one such file (a 16 KB Groovy test case of codenarc's), so the rule
 * looks for these first.
 */
function groovyOnlySyntax(code: string): boolean {
  return /^[ \t]*(package|import)([ \t]+static)?[ \t]+[\w.]+(\.\*)?[ \t]*$/m.test(code) || /^[ \t]*def[ \t]+\w/m.test(code);
}

/**
 * True when `text` is Java: java-parser parses it as a compilation unit (a class, an interface, a
 * module, …) or as a run of statements. Text with syntax only Groovy has, or longer than
 * `JAVA_PARSE_MAX_CHARS`, is not parsed.
 */
export async function parsesAsJava(text: string): Promise<boolean> {
  if (text.length > JAVA_PARSE_MAX_CHARS || groovyOnlySyntax(cCode(text))) return false;
  javaParser ??= import('java-parser');
  const { parse } = await javaParser;
  // A compilation unit, or a run of statements (a snippet a build tool inserts into a class).
  for (const entry of ['compilationUnit', 'blockStatements'] as const) {
    try {
      parse(text, entry);
      return true;
    } catch {
      // Not in this form.
    }
  }
  return false;
}

/**
 * `text` with comments and the contents of string and character literals blanked (their newlines
 * kept, so lines stay lines; a literal keeps its quotes), and with every `#define` (its
 * continuation lines too) and every line of an `#if` group whose condition names `__cplusplus`
 * (each branch, nested groups included) blanked: a C file may hold C++ for C++ compilers there.
 */
export function cCode(text: string): string {
  let out = '';
  const n = text.length;
  // Code between comments and literals is copied a run at a time.
  const opening = /\/[*/]|["']/g;
  let copied = 0;
  for (let m = opening.exec(text); m !== null; m = opening.exec(text)) {
    const i = m.index;
    const c = m[0][0];
    let end: number;
    if (m[0] === '/*') {
      const e = text.indexOf('*/', i + 2);
      end = e < 0 ? n : e + 2;
    } else if (m[0] === '//') {
      end = text.indexOf('\n', i);
      if (end < 0) end = n;
    } else {
      end = i + 1;
      while (end < n && text[end] !== c && text[end] !== '\n') end += text[end] === '\\' ? 2 : 1;
      end = Math.min(n, end + 1);
    }
    out += text.slice(copied, i);
    // A literal keeps its quotes (`extern "C"` stays recognisable), a comment becomes blanks.
    const blank = text.slice(i, end).replace(/[^\n]/g, ' ');
    if (c === '/') out += blank;
    else out += c + blank.slice(1, -1) + (end - i < 2 ? '' : text[end - 1] === c ? c : blank[blank.length - 1]);
    copied = end;
    opening.lastIndex = end;
  }
  out += text.slice(copied);
  const lines = out.split('\n');
  const kept: string[] = [];
  // Per open #if group: whether it (or a group around it) is a C++-only group.
  const groups: boolean[] = [];
  let continued = false;
  for (const line of lines) {
    const directive = /^[ \t]*#[ \t]*(\w+)(.*)$/.exec(line);
    const inCpp = groups.includes(true);
    if (continued) {
      continued = /\\\s*$/.test(line);
      kept.push('');
      continue;
    }
    if (directive) {
      const [, name, rest] = directive;
      if (name === 'if' || name === 'ifdef' || name === 'ifndef') groups.push(inCpp || rest.includes('__cplusplus'));
      else if (name === 'elif' && groups.length > 0 && rest.includes('__cplusplus')) groups[groups.length - 1] = true;
      else if (name === 'endif') groups.pop();
      else if (name === 'define') continued = /\\\s*$/.test(line);
      kept.push(name === 'include' && !inCpp ? line : '');
      continue;
    }
    kept.push(inCpp ? '' : line);
  }
  return kept.join('\n');
}

/** C++'s standard headers that C has no header of that name for. */
const CPP_HEADERS = 'iostream|istream|ostream|sstream|fstream|iomanip|string|string_view|vector|map|set|list|deque|array|queue|stack|bitset|'
  + 'unordered_map|unordered_set|memory|algorithm|numeric|functional|utility|tuple|optional|variant|any|iterator|limits|type_traits|'
  + 'chrono|thread|mutex|atomic|condition_variable|future|regex|random|complex|valarray|exception|stdexcept|new|typeinfo|'
  + 'cstdio|cstdlib|cstring|cstdint|cstddef|cmath|cassert|climits|cctype|ctime|cerrno|cfloat|csignal|cstdarg';

/** Syntax C does not have, each as a test of the code `cCode` leaves. */
const CPP_SYNTAX: readonly RegExp[] = [
  new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*<(${CPP_HEADERS})>`, 'm'),
  /^[ \t]*template[ \t]*</m,
  /^[ \t]*(public|private|protected)[ \t]*:/m,
  /^[ \t]*(using[ \t]+)?namespace[ \t]+\w+/m,
  /^[ \t]*class[ \t]+\w+/m,
  /\bstd::\w/,
  /\b\w+::~?\w+[ \t]*\(/,
  /\b(nullptr|constexpr|static_cast|dynamic_cast|reinterpret_cast|const_cast|noexcept|decltype)\b/,
  // A linkage specification, `extern "C" {` (C has no string after extern; blanked, `extern " " {`).
  /\bextern[ \t]+"[ C+]*"/,
];

/** A token every test of `CPP_SYNTAX` needs, found in the text as it stands. */
const CPP_TOKENS = new RegExp(`::|\\b(template|public|private|protected|namespace|class|nullptr|constexpr|static_cast|dynamic_cast|reinterpret_cast|const_cast|noexcept|decltype)\\b|\\bextern\\s*"|<(${CPP_HEADERS})>`);

/** True when an Emacs mode line (first two lines) or a Vim one (first or last five) names C++. */
function cppModeLine(text: string): boolean {
  const lines = text.split('\n', 5);
  if (lines.slice(0, 2).some((l) => /-\*-.*\bc\+\+.*-\*-/i.test(l))) return true;
  const vim = /\bvim?:.*\b(ft|filetype)=cpp\b/;
  return lines.some((l) => vim.test(l)) || text.slice(-400).split('\n').slice(-5).some((l) => vim.test(l));
}

/** True when the code of `text` read as C (`cCode`) has syntax only C++ has, or a mode line names C++. */
export function hasCppSyntax(text: string): boolean {
  if (cppModeLine(text)) return true;
  // Blanking cannot make a token that is not there: a text without any of these has no C++ syntax,
  // and most C has none, so most files skip the scan.
  if (!CPP_TOKENS.test(text)) return false;
  const code = cCode(text);
  return CPP_SYNTAX.some((r) => r.test(code));
}

const SYNTAX_RULES: readonly SyntaxRule[] = [
  { name: 'TypeScript that parses as JavaScript', from: 'typescript', to: 'javascript', holds: parsesAsJavaScript },
  { name: 'C with C++ syntax', from: 'c', to: 'cpp', holds: hasCppSyntax },
  { name: 'Groovy that parses as Java', from: 'groovy', to: 'java', holds: parsesAsJava },
];

/** The index of the label that stands for `language`, or -1. */
function labelIndex(labels: readonly string[], language: keyof typeof NAMES): number {
  const names: readonly string[] = NAMES[language];
  return labels.findIndex((l) => names.includes(l.toLowerCase()));
}

/** A row whose answer a rule moved, the rule's name and the label index it moved the answer to. */
export interface SyntaxRuleMove {
  row: number;
  rule: string;
  to: number;
}

/**
 * Applies the syntax rules to rows of probabilities (in place): where a row's top label is a
 * rule's `from`, its second is the rule's `to` (the model hesitates between the two; a rule does not
 * overrule a model that sees a third language there) and its text (`textOf(rows)`, in the order
 * asked) holds the rule, the two labels' probabilities are swapped, so `to` becomes the top label.
 * Only those rows have their text read. Returns the rows moved.
 */
export async function applySyntaxRules(labels: readonly string[], probs: Float32Array[], textOf: (rows: number[]) => Promise<string[]> | string[]): Promise<SyntaxRuleMove[]> {
  const active = SYNTAX_RULES.map((rule) => ({ rule, from: labelIndex(labels, rule.from), to: labelIndex(labels, rule.to) }))
    .filter((r) => r.from >= 0 && r.to >= 0);
  const candidates: { row: number; rule: (typeof active)[number] }[] = [];
  if (active.length > 0) {
    probs.forEach((p, row) => {
      const [top, second] = topTwo(p);
      const rule = active.find((r) => r.from === top && r.to === second);
      if (rule) candidates.push({ row, rule });
    });
  }
  if (candidates.length === 0) return [];
  const texts = await textOf(candidates.map((c) => c.row));
  const moves: SyntaxRuleMove[] = [];
  for (const [k, { row, rule }] of candidates.entries()) {
    if (!(await rule.rule.holds(texts[k]))) continue;
    const p = probs[row];
    [p[rule.from], p[rule.to]] = [p[rule.to], p[rule.from]];
    moves.push({ row, rule: rule.rule.name, to: rule.to });
  }
  return moves;
}

/** How many rows each rule moved, for a log line ("TypeScript that parses as JavaScript: 3"). */
export function describeMoves(moves: readonly SyntaxRuleMove[]): string {
  const counts = new Map<string, number>();
  for (const m of moves) counts.set(m.rule, (counts.get(m.rule) ?? 0) + 1);
  return counts.size === 0 ? 'none' : [...counts].map(([rule, n]) => `${rule}: ${n}`).join(', ');
}

/** The indices of the largest and second-largest values (the first of equals first). */
function topTwo(p: ArrayLike<number>): [number, number] {
  let first = 0;
  let second = -1;
  for (let i = 1; i < p.length; i++) {
    if (p[i] > p[first]) [first, second] = [i, first];
    else if (second < 0 || p[i] > p[second]) second = i;
  }
  return [first, second];
}
