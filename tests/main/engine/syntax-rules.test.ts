// The syntax rules: what counts as JavaScript and as C++ syntax, and when a rule moves an answer
// (only between the two labels of a pair, only when the other is the model's second choice).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Classifier } from '../../../main/engine/export/classifier.ts';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { applySyntaxRules, cCode, describeMoves, hasCppSyntax, parsesAsJava, parsesAsJavaScript } from '../../../main/engine/export/syntax-rules.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';
import { tempDir } from '../../helpers/temp.ts';

test('JavaScript parses as a module or as a script; TypeScript-only syntax does not', () => {
  assert.equal(parsesAsJavaScript("import Handler from './Handler';\nexport default class A extends Handler {}\n"), true);
  assert.equal(parsesAsJavaScript('#!/usr/bin/env node\nvar m = require("m");\nreturn;\n'), true, 'a script with a #! line and a top-level return');
  assert.equal(parsesAsJavaScript('const x = await fetch(u);\n'), true);
  assert.equal(parsesAsJavaScript('export function f(a: number): number { return a; }\n'), false);
  assert.equal(parsesAsJavaScript('interface Point { x: number }\n'), false);
  assert.equal(parsesAsJavaScript('enum Color { Red, Green }\n'), false);
  assert.equal(parsesAsJavaScript('const a = <T,>(x: T) => x;\n'), false);
});

test('C code loses its comments, strings, macro bodies and C++-only groups, and keeps its lines', () => {
  const text = [
    '/* std::vector in a comment',
    '   spans lines */ int a; // Foo::bar( here too',
    'const char *s = "namespace x; std::y";',
    '#define CAST(t, v) static_cast<t>(v) \\',
    '  + reinterpret_cast<t>(v)',
    '#ifdef __cplusplus',
    '#include <cstdio>',
    'extern "C" {',
    '#else',
    'int c_only;',
    '#endif',
    'int b;',
  ].join('\n');
  const code = cCode(text).split('\n');
  assert.equal(code.length, 12);
  assert.equal(cCode('char *u = "unclosed\nint v;').split('\n')[1], 'int v;', 'a literal left open ends at its line');
  assert.equal(code[0].trim(), '');
  assert.equal(code[1].trim(), 'int a;');
  assert.equal(code[2].replace(/\s+/g, ' '), 'const char *s = " ";');
  assert.deepEqual(code.slice(3, 11).map((l) => l.trim()), ['', '', '', '', '', '', '', '']);
  assert.equal(code[11], 'int b;');
  assert.equal(hasCppSyntax(text), false);
});

test('C++ syntax is found in code, C is not taken for C++', () => {
  for (const cpp of [
    '#include <vector>\nint main() { return 0; }\n',
    'template <typename T>\nT max(T a, T b);\n',
    'struct S {\npublic:\n  int x;\n};\n',
    'namespace util {\nint f();\n}\n',
    'using namespace std;\n',
    'class Shape;\n',
    'int n = std::max(a, b);\n',
    'void Shape::move(double dx) {}\n',
    'Shape::~Shape() {}\n',
    'int *p = nullptr;\n',
    '#include <stdint.h>\nextern "C" {\nint f(const uint8_t *d);\n}\n',
    '// -*- c++ -*-\n#include <sigc++/bind.h>\n',
    '#include "a.h"\n/* vim: set ft=cpp: */\n',
  ]) assert.equal(hasCppSyntax(cpp), true, cpp);
  for (const c of [
    '#include <stdio.h>\nint main(void) { printf("std::cout\\n"); return 0; }\n',
    '/* class Foo; namespace bar */\nint x;\n',
    '#ifdef __cplusplus\nextern "C" {\nnamespace n {}\n#endif\nint f(void);\n#ifdef __cplusplus\n}\n#endif\n',
    '#if defined(__cplusplus) && __cplusplus >= 201103L\n#include <cstdint>\n#elif 1\nint y;\n#endif\n',
    "char c = ':'; int classes = 2;\n",
    '// extern "C" in a comment\n/* -*- c -*- */\nint z;\n',
  ]) assert.equal(hasCppSyntax(c), false, c);
});

test('Java parses as a compilation unit; Groovy written with its own syntax does not', async () => {
  for (const java of [
    'package a.b;\nimport java.util.List;\npublic class A<T> implements B {\n  private final List<T> xs = new java.util.ArrayList<>();\n  @Override public int size() { return xs.size(); }\n}\n',
    'public record Point(int x, int y) {}\n',
    'interface Shape { default double area() { return switch (kind()) { case 1 -> 1.0; default -> 0.0; }; } int kind(); }\n',
    '@Deprecated\npackage a.b;\n',
    'module com.example.app { requires java.sql; exports com.example.api; }\n',
  ]) assert.equal(await parsesAsJava(java), true, java);
  for (const groovy of [
    'class TestBean implements ITestBean {\n  ITestBean otherBean\n  void startup() { this.initialized = true }\n}\n',
    "def greet(name) { println \"Hello, ${name}\" }\n",
    "apply plugin: 'java'\ndependencies { testImplementation 'junit:junit:4.13' }\n",
    'list.each { item -> println item }\n',
    'println "done"\n',
  ]) assert.equal(await parsesAsJava(groovy), false, groovy);
  // Statements a build tool inserts into a class are Java too.
  assert.equal(await parsesAsJava('/* inserted into MainActivity.java */\nservices.add(new ServiceGoogleAnalytics(this));\n'), true);
  // Imports without semicolons or a `def` settle it before the parser, which can take minutes over such Groovy.
  const body = 'class T extends Base {\n  protected static final NAME = \'<init>\'\n  void test() { assert rule.name == NAME }\n}\n'.repeat(200);
  assert.equal(await parsesAsJava(`package org.codenarc.rule\n\nimport org.junit.Test\n\n${body}`), false);
  assert.equal(await parsesAsJava(`def x = 1;\n${body}`), false);
  // Too long to parse: not taken for Java.
  assert.equal(await parsesAsJava(`public class Big {\n${'  int f() { return 1; }\n'.repeat(5000)}}\n`), false);
});

const LABELS = ['c', 'cpp', 'javascript', 'typescript', 'yml'];
const row = (...p: number[]) => Float32Array.from(p);

test('a rule moves an answer only from its first label to its second, when the text holds it', async () => {
  const probs = [
    row(0.6, 0.3, 0.05, 0.03, 0.02), // C, then C++: C++ syntax below, moved
    row(0.6, 0.3, 0.05, 0.03, 0.02), // C, then C++, plain C: stays
    row(0.05, 0.03, 0.3, 0.6, 0.02), // TypeScript, then JavaScript, parses: moved
    row(0.05, 0.03, 0.3, 0.6, 0.02), // TypeScript with types: stays
    row(0.02, 0.03, 0.05, 0.5, 0.4), // TypeScript, then YAML: the model sees a third language, stays
    row(0.3, 0.6, 0.05, 0.03, 0.02), // C++ first: no rule moves C++ to C
  ];
  const texts = ['class A;\n', 'int a;\n', 'const a = 1;\n', 'let a: number = 1;\n', 'key: value\n', 'int a;\n'];
  const asked: number[][] = [];
  const moves = await applySyntaxRules(LABELS, probs, (rows) => {
    asked.push(rows);
    return rows.map((r) => texts[r]);
  });
  assert.deepEqual(asked, [[0, 1, 2, 3]], 'only rows a rule could move are read, in one call');
  assert.deepEqual(moves, [
    { row: 0, rule: 'C with C++ syntax', to: 1 },
    { row: 2, rule: 'TypeScript that parses as JavaScript', to: 2 },
  ]);
  assert.deepEqual(Array.from(probs[0]), Array.from(row(0.3, 0.6, 0.05, 0.03, 0.02)), 'the pair swapped, the row still sums to 1');
  assert.deepEqual(Array.from(probs[2]), Array.from(row(0.05, 0.03, 0.6, 0.3, 0.02)));
  assert.deepEqual(Array.from(probs[1]), Array.from(row(0.6, 0.3, 0.05, 0.03, 0.02)));
  assert.equal(describeMoves(moves), 'C with C++ syntax: 1, TypeScript that parses as JavaScript: 1');
  assert.equal(describeMoves([]), 'none');
});

test('Groovy that parses as Java moves to Java when Java is second; Java that does not parse stays Java', async () => {
  const labels = ['groovy', 'java', 'kotlin'];
  const probs = [
    row(0.6, 0.35, 0.05), // Groovy, then Java, parses as Java: moved
    row(0.6, 0.35, 0.05), // Groovy, then Java, Groovy's own syntax: stays
    row(0.35, 0.6, 0.05), // Java, then Groovy, Groovy's own syntax: no rule moves Java to Groovy
    row(0.6, 0.05, 0.35), // Groovy, then Kotlin: the model sees a third language, stays
  ];
  const javaText = 'public class A { private int n; public int get() { return n; } }\n';
  const groovyText = 'class A {\n  int n\n  def get() { n }\n}\n';
  const texts = [javaText, groovyText, groovyText, javaText];
  const asked: number[][] = [];
  const moves = await applySyntaxRules(labels, probs, (rows) => {
    asked.push(rows);
    return rows.map((r) => texts[r]);
  });
  assert.deepEqual(asked, [[0, 1]]);
  assert.deepEqual(moves, [{ row: 0, rule: 'Groovy that parses as Java', to: 1 }]);
  assert.deepEqual(Array.from(probs[0]), Array.from(row(0.35, 0.6, 0.05)));
  assert.deepEqual(Array.from(probs[1]), Array.from(row(0.6, 0.35, 0.05)));
  assert.deepEqual(Array.from(probs[2]), Array.from(row(0.35, 0.6, 0.05)));
});

test('labels are matched by their usual names in any case, and a model without both labels of a pair is left alone', async () => {
  const probs = [row(0.7, 0.3)];
  const moves = await applySyntaxRules(['TS', 'JS'], probs, () => ['const a = 1;\n']);
  assert.deepEqual(moves, [{ row: 0, rule: 'TypeScript that parses as JavaScript', to: 1 }]);
  const alone = [row(0.7, 0.3)];
  let read = false;
  assert.deepEqual(await applySyntaxRules(['typescript', 'python'], alone, () => {
    read = true;
    return [];
  }), []);
  assert.equal(read, false);
  assert.deepEqual(Array.from(alone[0]), Array.from(row(0.7, 0.3)));
});

test('a classifier applies the rules its export records, and a caller can override them', async () => {
  const labels = ['c', 'cpp', 'javascript', 'typescript'];
  const make = async (syntaxRules: boolean) => {
    const dir = path.join(tempDir(), 'model');
    const config = scratchConfig(labels.length, { d_model: 16, num_layers: 1, num_heads: 2, dim_feedforward: 32, max_length: 32 });
    exportClassifier(dir, { family: 'scratch', config, weights: initScratchWeights(config, 1), labels, ...(syntaxRules ? { syntax_rules: true } : {}) });
    const clf = await Classifier.load(dir, { intraOpNumThreads: 1 });
    // Every read answers TypeScript first, JavaScript second.
    clf.runEncoded = async (enc) => {
      const out = new Float32Array(enc.batch * labels.length);
      for (let b = 0; b < enc.batch; b++) out.set([0.05, 0.05, 0.3, 0.6], b * labels.length);
      return out;
    };
    return clf;
  };
  const texts = ['export default { a: 1 };\n', 'let a: number = 1;\n'];
  const on = await make(true);
  assert.equal(on.manifest.syntax_rules, true);
  assert.deepEqual((await on.predict(texts, { topK: 1 })).map((r) => r[0].label), ['javascript', 'typescript']);
  assert.deepEqual((await on.predict(texts, { topK: 1, syntaxRules: false })).map((r) => r[0].label), ['typescript', 'typescript']);
  const off = await make(false);
  assert.equal(off.manifest.syntax_rules, undefined);
  assert.deepEqual((await off.predict(texts, { topK: 1 })).map((r) => r[0].label), ['typescript', 'typescript']);
  assert.deepEqual((await off.predict(texts, { topK: 1, syntaxRules: true })).map((r) => r[0].label), ['javascript', 'typescript']);
  await Promise.all([on.close(), off.close()]);
});
