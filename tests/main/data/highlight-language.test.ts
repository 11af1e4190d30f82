import assert from 'node:assert/strict';
import { test } from 'node:test';
import hljs from 'highlight.js';
import { highlightLanguage } from '../../../main/data/highlight-language.ts';

test('the reference labels and Linguist names map to languages highlight.js knows', () => {
  const cases: [string, string, string][] = [
    ['cpp', 'a/b.hpp', 'cpp'],
    ['groovy', 'x.groovy', 'groovy'],
    ['java', 'X.java', 'java'],
    ['javascript', 'x.js', 'javascript'],
    ['json', 'x.json', 'json'],
    ['python', 'x.py', 'python'],
    ['xml', 'x.xml', 'xml'],
    ['yml', 'x.yml', 'yaml'],
    ['C++', 'x.cc', 'cpp'],
    ['Shell', 'x.sh', 'bash'],
    ['TypeScript', 'x.ts', 'typescript'],
    ['Go', 'x.go', 'go'],
    ['Rust', 'x.rs', 'rust'],
    ['C#', 'x.cs', 'csharp'],
  ];
  for (const [label, file, expected] of cases) {
    const language = highlightLanguage(label, file);
    assert.equal(language, expected, label);
    assert.ok(hljs.getLanguage(language!), `highlight.js knows ${language}`);
  }
});

test('a label that names no language falls back to the file name, then to plain text', () => {
  assert.equal(highlightLanguage('backend', 'src/server.py'), 'python');
  assert.equal(highlightLanguage('notes', 'readme.unknownext'), null);
  assert.equal(highlightLanguage('Text', 'a.txt'), null);
});
