import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type Build, type CheckInput, analytic, maxRelError, numeric, rand } from './gradcheck.ts';

// Ops the CPU provider runs only in float32 (native LayerNormalization, Erf, Gelu). Their rules are
// evaluated in float32 and compared with float64 central differences of the same function: for
// LayerNormalization the float64 graph (which the builder decomposes), for Erf/Gelu a float64 JS erf.

const report: Record<string, number> = {};
after(() => {
  const rows = Object.entries(report).map(([k, v]) => `${k.padEnd(28)} ${v.toExponential(2)}`);
  console.log(`max relative error, float32 rule vs float64 central differences:\n${rows.join('\n')}`);
});

/** erf by its Maclaurin series: exact to double precision for |x| <= 3, enough for the test inputs. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-18; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const geluExact = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

async function checkElementwise(name: string, build: Build, f: (x: number) => number): Promise<void> {
  const x = rand(8, 4).map((v) => v * 2.5);
  const a = await analytic('float32', build, [{ shape: [8], data: x }]);
  const r = rand(8, 7); // the same weights the check graph multiplies the output by
  const h = 1e-5;
  const n = [x.map((v, i) => ((f(v + h) - f(v - h)) / (2 * h)) * r[i])];
  const { rel } = maxRelError(a, n);
  report[name] = rel;
  assert.ok(rel < 1e-4, `${name}: ${rel}`);
}

test('Erf gradient (float32) matches float64 differences', () => checkElementwise('Erf', (g, [x]) => g.Erf(x), erf));
test('Gelu exact gradient (float32) matches', () => checkElementwise('Gelu (erf)', (g, [x]) => g.Gelu(x), geluExact));
test('Gelu tanh gradient (float32) matches', () => checkElementwise('Gelu (tanh)', (g, [x]) => g.Gelu(x, { approximate: 'tanh' }), geluTanh));

test('native LayerNormalization gradient (float32) matches the float64 decomposition', async () => {
  const inputs: CheckInput[] = [
    { shape: [3, 6], data: rand(18, 3).map((v) => v * 2) },
    { shape: [6], data: rand(6, 5) },
    { shape: [6], data: rand(6, 6) },
  ];
  const build: Build = (g, [x, s, b]) => g.LayerNormalization(x, s, b, { epsilon: 1e-5 });
  const a = await analytic('float32', build, inputs);
  const n = await numeric(build, inputs);
  const { rel } = maxRelError(a, n, 1e-3);
  report['LayerNormalization'] = rel;
  assert.ok(rel < 1e-4, `LayerNormalization: ${rel}`);
});
