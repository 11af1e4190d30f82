// The datasets library: three ways in, one result shape. Runs anywhere Node runs (a worker
// thread, a utility process, the CLI); nothing here touches Electron or the store.
export { datasetFromFolder, type FolderOptions, DEFAULT_MAX_BYTES } from './from-folder.ts';
export { datasetFromTable, type TableOptions } from './from-table.ts';
export { datasetFromRepositories, type RepositoryOptions, DEFAULT_CAP, DEFAULT_MIN_FILES } from './from-repositories.ts';
export { languageForFileName } from './linguist.ts';
export type * from './types.ts';
