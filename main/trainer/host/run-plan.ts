// Everything about a run that can be checked before anything is created: the dataset exists and
// has usable splits, the model folder loads, the provider is one onnxruntime knows, and the
// hyperparameters are in range for this model. Each problem is an error naming the value.

import path from 'node:path';
import type { DatasetSummary, ModelKind, ModelSpec } from '../../../preload/contract.ts';
import { defaultHyperparameters, HYPERPARAMETERS, validateHyperparameters, type Hyperparameters, type ModelLimits } from '../../../preload/hyperparameters.ts';
import { LanglabError } from '../../errors.ts';
import { savedDatasetRow, toSummary } from '../../store/dataset-summaries.ts';
import type { StoreDb } from '../../store/store.ts';
import { checkModelFolder, type CheckedModel } from './model-check.ts';

/** onnxruntime execution providers a run may ask for; an unavailable one falls back to CPU when training starts. */
export const PROVIDER_NAMES = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

/** A run that may start: complete hyperparameters and everything they were checked against. */
export interface RunPlan {
  modelKind: ModelKind;
  model: ModelSpec;
  hyperparameters: Hyperparameters;
  provider: string;
  dataset: DatasetSummary;
  checkedModel: CheckedModel | null;
}

export interface PlanArgs {
  datasetId: number;
  model: ModelSpec;
  hyperparameters: Partial<Hyperparameters>;
  provider?: string;
}

function invalid(message: string): LanglabError {
  return new LanglabError('INVALID_ARGUMENT', message);
}

/** The saved dataset, or a NOT_FOUND error naming the id. */
export function datasetSummary(db: StoreDb, id: number): DatasetSummary {
  const row = savedDatasetRow(db, id);
  if (!row) throw new LanglabError('NOT_FOUND', `There is no dataset ${id} in the store. Pick one from the Datasets page (or \`langlab dataset list\`).`);
  return toSummary(row);
}

/** Files the training loop will see per epoch: train, less what is held out when there is no validation split. */
export function trainFileCount(dataset: DatasetSummary, hp: Hyperparameters): number {
  return dataset.splits.validation > 0 ? dataset.splits.train : dataset.splits.train - heldOut(dataset, hp);
}

function heldOut(dataset: DatasetSummary, hp: Hyperparameters): number {
  return Math.floor(dataset.splits.train * hp.validation_split);
}

function checkDataset(dataset: DatasetSummary, hp: Hyperparameters): void {
  const name = `Dataset ${dataset.id} (${dataset.name})`;
  const labels = dataset.classes.filter((c) => c.files > 0);
  if (labels.length < 2) {
    throw invalid(`${name} has ${labels.length === 0 ? 'no classes' : `only one class (${labels[0].label})`}; a classifier needs at least two.`);
  }
  if (dataset.splits.train === 0) throw invalid(`${name} has an empty train split (0 files): add it again with a smaller test fraction.`);
  if (dataset.splits.test === 0) throw invalid(`${name} has an empty test split (0 files): add it again with a test fraction above 0, so the run can be evaluated.`);
  if (dataset.splits.validation === 0 && heldOut(dataset, hp) < 1) {
    throw invalid(
      `${name} has no validation split, and validation_split ${hp.validation_split} of its ${dataset.splits.train} train files holds out none: raise validation_split or add more files.`,
    );
  }
  if (dataset.splits.validation === 0 && trainFileCount(dataset, hp) < 1) {
    throw invalid(`${name}: validation_split ${hp.validation_split} leaves no train files; lower it.`);
  }
}

/** The full hyperparameter set: the model kind's defaults under what was given. */
export function completeHyperparameters(kind: ModelKind, given: Partial<Hyperparameters>): Hyperparameters {
  const hp = defaultHyperparameters(kind);
  for (const s of HYPERPARAMETERS) {
    const v = given[s.key];
    if (v !== undefined) (hp as unknown as Record<string, unknown>)[s.key] = v;
  }
  return hp;
}

/** Checks a run's request completely; throws the first class of problem found, listing every value at fault. */
export function planRun(db: StoreDb, args: PlanArgs): RunPlan {
  const provider = (args.provider ?? 'cpu').trim().toLowerCase();
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    throw invalid(`Execution provider "${args.provider}" is unknown; choose one of ${PROVIDER_NAMES.join(', ')}.`);
  }
  const kind: ModelKind = args.model.kind;
  const dataset = datasetSummary(db, args.datasetId);
  const checkedModel = args.model.kind === 'pretrained' ? checkModelFolder(args.model.path) : null;
  const hp = completeHyperparameters(kind, args.hyperparameters);
  // A model with fewer positions than the default max_length reads as much as it can, unless told otherwise.
  if (args.hyperparameters.max_length === undefined && checkedModel) hp.max_length = Math.min(hp.max_length, checkedModel.check.maxPositions);
  const limits: ModelLimits = checkedModel ? { maxPositions: checkedModel.check.maxPositions, numLayers: checkedModel.check.numLayers } : {};
  const errors = validateHyperparameters(hp, kind, limits);
  if (kind === 'scratch' && Number.isInteger(hp.d_model) && hp.d_model % 2 !== 0) {
    errors.push({ key: 'd_model', message: `Model width (d_model) must be even for sinusoidal positions, got ${hp.d_model}.` });
  }
  if (errors.length > 0) throw invalid(errors.map((e) => e.message).join(' '));
  checkDataset(dataset, hp);
  const model: ModelSpec = args.model.kind === 'pretrained' ? { kind: 'pretrained', path: path.resolve(args.model.path) } : { kind: 'scratch' };
  return { modelKind: kind, model, hyperparameters: hp, provider, dataset, checkedModel };
}
