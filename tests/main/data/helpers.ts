import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder laid out from a map of relative path -> content. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-data-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

/** A distinct, realistic-enough source text per index. */
export function pySource(i: number): string {
  return `def function_${i}(value_${i}):\n    total = value_${i} * ${i}\n    for item in range(${i}):\n        total += item\n    return total + ${i * 7}\n\nprint(function_${i}(${i}))\n`;
}

export function jsSource(i: number): string {
  return `export function handler${i}(input${i}) {\n  const result = [];\n  for (let k = 0; k < ${i}; k++) result.push(input${i} * k + ${i * 3});\n  return result.join(',');\n}\nconsole.log(handler${i}(${i}));\n`;
}
