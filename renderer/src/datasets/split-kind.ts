import type { DatasetSplitKind } from '../../../preload/contract.ts';

/** What a dataset's test figure means, in words, for the dataset page and a run's report. */
export function splitKindSentence(kind: DatasetSplitKind): string {
  switch (kind) {
    case 'project':
      return 'Validation and test hold out whole projects, with their files in every language: a test figure is accuracy on projects the model never saw.';
    case 'mixed':
      return 'Validation and test hold out whole projects, with their files in every language, where a class has at least three; the other classes are split file by file.';
    case 'column':
      return "The splits come from the table's split column, as given.";
    case 'file':
      return (
        'Split file by file: no class names enough projects, so test files share projects (licence banners, naming, idioms) with ' +
        'training and the test figure overstates accuracy on new code. Put files in <class>/<project>/ folders or add a project column.'
      );
  }
}

/** A run's recorded `dataset_split` parameter; runs from before it was recorded have none. */
export function splitKindParam(value: unknown): DatasetSplitKind | null {
  return value === 'project' || value === 'file' || value === 'mixed' || value === 'column' ? value : null;
}
