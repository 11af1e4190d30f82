import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField } from '../../../main/classify/export-results.ts';

test('CSV fields are quoted as RFC 4180 says, and text a spreadsheet would run as a formula is defused', () => {
  assert.equal(csvField('src/a.py'), 'src/a.py');
  assert.equal(csvField('odd, "name".py'), '"odd, ""name"".py"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(0.5), '0.5');
  assert.equal(csvField(false), 'false');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('+1.py'), "'+1.py");
  assert.equal(csvField('-rf.sh'), "'-rf.sh");
  assert.equal(csvField('@cmd'), "'@cmd");
  assert.equal(csvField('\tx'), "'\tx");
});
