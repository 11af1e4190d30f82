// Whether this CPU runs ONNX Runtime's int8 MatMul exactly. On x86 without VNNI, MLAS's uint8 x int8
// kernel adds pairs of products in 16-bit lanes (vpmaddubsw), which saturate once two products pass
// 32,767 (255 x 127 x 2 does): the int8 export's accuracy was measured only on VNNI, which sums in
// 32 bits. So int8 is the classification default only where VNNI is reported; elsewhere it is asked for.
import fs from 'node:fs';
import os from 'node:os';

/** True on x86-64 Linux when /proc/cpuinfo (or the text given) lists avx512_vnni or avx_vnni; false where it cannot be told. */
export function int8SumsExactly(cpuinfo?: string): boolean {
  let text = cpuinfo;
  if (text === undefined) {
    if (os.arch() !== 'x64' || os.platform() !== 'linux') return false;
    try {
      text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return false;
    }
  }
  const flags = /^flags\s*:(.*)$/m.exec(text)?.[1].split(/\s+/) ?? [];
  return flags.includes('avx512_vnni') || flags.includes('avx_vnni');
}
