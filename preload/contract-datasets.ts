// The part of the bridge contract behind the Datasets section: adding a dataset three ways with
// progress and cancel, its report, and paging through its files. Merged into `Requests`/`Events`
// by contract.ts. Types only (plus the compile-checked name lists).

export interface DatasetRequests {}

export interface DatasetEvents {}

export const datasetRequestNames: { [K in keyof DatasetRequests]: true } = {};
export const datasetEventNames: { [K in keyof DatasetEvents]: true } = {};
