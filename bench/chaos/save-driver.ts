// The app's stepwise dataset save in a process of its own, for the chaos benchmark to kill:
// scans `table.csv`, prints `scanned`, saves with saveDatasetInSteps, prints `saved <id>`.
//   node --import tsx bench/chaos/save-driver.ts <store file> <table.csv>
import { datasetFromTable } from '../../main/data/from-table.ts';
import { saveDatasetInSteps } from '../../main/store/dataset-save.ts';
import { openStore } from '../../main/store/store.ts';

const [file, table] = process.argv.slice(2);
if (!file || !table) {
  console.error('save-driver: give the store file and the table to save.');
  process.exit(2);
}
const result = await datasetFromTable(table);
const store = openStore({ file });
console.log('scanned');
const id = await saveDatasetInSteps(store.db, result);
console.log(`saved ${id}`);
store.close();
