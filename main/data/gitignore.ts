import { promises as fsp } from 'node:fs';
import ignore, { type Ignore } from 'ignore';

/**
 * The .gitignore files met during a walk, each applying to the folder it sits in and below, the
 * way git reads nested ignore files. Paths are '/'-separated and relative to the walk's root.
 */
export class GitignoreSet {
  private readonly rules = new Map<string, Ignore>();

  /** Reads `<folder>/.gitignore` if there is one; `relDir` is '' for the root. */
  async load(absDir: Buffer, relDir: string): Promise<void> {
    let source: string;
    try {
      source = await fsp.readFile(Buffer.concat([absDir, Buffer.from('/.gitignore')]), 'utf8');
    } catch {
      return;
    }
    this.rules.set(relDir, ignore().add(source));
  }

  /** True when any .gitignore above `rel` excludes it (folders are tested with a trailing '/'). */
  ignores(rel: string, isDir: boolean): boolean {
    const parts = rel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const base = parts.slice(0, i).join('/');
      const rule = this.rules.get(base);
      if (!rule) continue;
      const sub = parts.slice(i).join('/') + (isDir ? '/' : '');
      try {
        if (rule.ignores(sub)) return true;
      } catch {
        // A name `ignore` cannot test (odd characters) is simply not ignored.
      }
    }
    return false;
  }
}
