import type { DatasetCommonOptions, RequestArgs } from '../../../preload/contract.ts';

/** The three ways in, as the form names them. */
export type AddWay = 'folder' | 'table' | 'repositories';

/** What the Add dataset form holds; numbers stay strings until sent, so a blank means "default". */
export interface AddForm {
  way: AddWay;
  path: string;
  tableFormat: 'auto' | 'csv' | 'jsonl';
  roots: string[];
  name: string;
  seed: string;
  testFraction: string;
  validationFraction: string;
  maxKilobytes: string;
  top: string;
  minFiles: string;
  cap: string;
}

export const DEFAULT_FORM: AddForm = {
  way: 'folder',
  path: '',
  tableFormat: 'auto',
  roots: [''],
  name: '',
  seed: '42',
  testFraction: '0.2',
  validationFraction: '0.1',
  maxKilobytes: '1024',
  top: '',
  minFiles: '10',
  cap: '1000',
};

export type AddRequest =
  | { name: 'datasets.add'; args: RequestArgs<'datasets.add'> }
  | { name: 'datasets.build'; args: RequestArgs<'datasets.build'> };

function numberField(raw: string, label: string, integer: boolean): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${label} must be ${integer ? 'a whole number' : 'a number'} (got "${text}").`);
  }
  return value;
}

/** Turns the form into a request, or throws a message naming the field that is wrong. */
export function toAddRequest(form: AddForm): AddRequest {
  const common: DatasetCommonOptions = {};
  if (form.name.trim()) common.name = form.name.trim();
  const seed = numberField(form.seed, 'Seed', true);
  if (seed !== undefined) common.seed = seed;
  const test = numberField(form.testFraction, 'Test fraction', false);
  if (test !== undefined) common.testFraction = test;
  const validation = numberField(form.validationFraction, 'Validation fraction', false);
  if (validation !== undefined) common.validationFraction = validation;
  const kb = numberField(form.maxKilobytes, 'Largest file', true);
  if (kb !== undefined) common.maxBytes = kb * 1024;

  if (form.way === 'repositories') {
    const roots = form.roots.map((r) => r.trim()).filter(Boolean);
    if (roots.length === 0) throw new Error('Give at least one folder of code to build from.');
    const args: RequestArgs<'datasets.build'> = { ...common, roots };
    const top = numberField(form.top, 'Top N languages', true);
    if (top !== undefined) args.top = top;
    const minFiles = numberField(form.minFiles, 'Minimum files per language', true);
    if (minFiles !== undefined) args.minFiles = minFiles;
    const cap = numberField(form.cap, 'Files per language', true);
    if (cap !== undefined) args.cap = cap;
    return { name: 'datasets.build', args };
  }
  const path = form.path.trim();
  if (!path) throw new Error(form.way === 'folder' ? 'Give the dataset folder.' : 'Give the CSV or JSONL file.');
  const kind = form.way === 'folder' ? 'folder' : form.tableFormat !== 'auto' ? form.tableFormat : /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'csv';
  return { name: 'datasets.add', args: { ...common, kind, path } };
}
