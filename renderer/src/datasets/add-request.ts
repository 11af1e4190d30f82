import type { DatasetCommonOptions, RequestArgs } from '../../../preload/contract.ts';
import { parseDecimal } from '../../../preload/hyperparameters.ts';

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

/** Reads the form's number fields, noting every bad one instead of stopping at the first. */
class Fields {
  readonly problems: string[] = [];

  number(raw: string, label: string, integer: boolean): number | undefined {
    const text = raw.trim();
    if (text === '') return undefined;
    const value = parseDecimal(text);
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      this.problems.push(`${label} must be ${integer ? 'a whole number' : 'a number'} (got "${text}").`);
      return undefined;
    }
    return value;
  }
}

/** Turns the form into a request, or throws one message naming every field that is wrong. */
export function toAddRequest(form: AddForm): AddRequest {
  const fields = new Fields();
  const common: DatasetCommonOptions = {};
  if (form.name.trim()) common.name = form.name.trim();
  const seed = fields.number(form.seed, 'Seed', true);
  if (seed !== undefined) common.seed = seed;
  const test = fields.number(form.testFraction, 'Test fraction', false);
  if (test !== undefined) common.testFraction = test;
  const validation = fields.number(form.validationFraction, 'Validation fraction', false);
  if (validation !== undefined) common.validationFraction = validation;
  const kb = fields.number(form.maxKilobytes, 'Largest file', true);
  if (kb !== undefined) common.maxBytes = kb * 1024;

  let request: AddRequest;
  if (form.way === 'repositories') {
    const roots = form.roots.map((r) => r.trim()).filter(Boolean);
    if (roots.length === 0) fields.problems.unshift('Give at least one folder of code to build from.');
    const args: RequestArgs<'datasets.build'> = { ...common, roots };
    const top = fields.number(form.top, 'Top N languages', true);
    if (top !== undefined) args.top = top;
    const minFiles = fields.number(form.minFiles, 'Minimum files per language', true);
    if (minFiles !== undefined) args.minFiles = minFiles;
    const cap = fields.number(form.cap, 'Files per language', true);
    if (cap !== undefined) args.cap = cap;
    request = { name: 'datasets.build', args };
  } else {
    const path = form.path.trim();
    if (!path) fields.problems.unshift(form.way === 'folder' ? 'Give the dataset folder.' : 'Give the CSV or JSONL file.');
    const kind = form.way === 'folder' ? 'folder' : form.tableFormat !== 'auto' ? form.tableFormat : /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'csv';
    request = { name: 'datasets.add', args: { ...common, kind, path } };
  }
  if (fields.problems.length) throw new Error(fields.problems.join(' '));
  return request;
}
