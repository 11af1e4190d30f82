#!/bin/sh
# GPU check (issue 21): run from the repository root on a machine with a GPU, after
# `npm run bench:gpu:pack` has filled .gpu/ on a machine with Node. Needs no Node, no network and
# no root: everything is unpacked under .gpu/run, and results go to the folder given (default
# .gpu/out). Prints JSON lines: the GPU, the engine's checks on WebGPU (start, op placement, parity
# of 20 steps with the CPU, samples/s, bytes copied per step), peak device memory, and PyTorch's
# CUDA reference (fp32 and AMP) on the same configuration. Takes at most about 8 minutes.
# Arguments after the folder go to the engine check alone (e.g. --only parity --state host --verbose),
# and then the PyTorch reference is skipped.
set -u
OUT_DIR=${1:-${OUT:-.gpu/out}}
[ $# -gt 0 ] && shift
RUN=.gpu/run
mkdir -p "$RUN/root" "$OUT_DIR"
trap 'rm -rf "$RUN"' EXIT
line() { printf '%s\n' "$1" | tee -a "$OUT_DIR/gpu-check.jsonl"; }

[ -f .gpu/node.xz ] && [ -f .gpu/runtime.tar.xz ] || { line '{"check":"setup","error":".gpu/ is not prepared: run npm run bench:gpu:pack on a machine with Node"}'; exit 1; }
xz -dc .gpu/node.xz > "$RUN/node" && chmod +x "$RUN/node"
tar -xJf .gpu/runtime.tar.xz -C "$RUN"
for f in .gpu/*.deb; do [ -f "$f" ] && dpkg -x "$f" "$RUN/root"; done
export LD_LIBRARY_PATH="$PWD/$RUN/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
done
[ -d /usr/local/nvidia/share/glvnd/egl_vendor.d ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
icds=$(ls /usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null | tr '\n' ' ')
line "{\"check\":\"gpu\",\"icd_files\":\"$icds\",\"nvidia_smi\":\"${gpu:-none}\",\"vulkan_icd\":\"${VK_DRIVER_FILES:-none}\"}"

# Peak device memory of each part: nvidia-smi sampled every 200 ms while it runs.
sample() { while :; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -1; sleep 0.2; done; }
peak() { sort -n "$1" 2>/dev/null | tail -1; }

sample > "$OUT_DIR/memory-engine.txt" & S=$!
timeout 240 "$RUN/node" "$RUN/gpu-check.mjs" --provider webgpu "$@" 2> "$OUT_DIR/engine-stderr.txt" | tee -a "$OUT_DIR/gpu-check.jsonl"
kill $S 2>/dev/null
line "{\"check\":\"memory\",\"part\":\"engine\",\"peak_device_mb\":\"$(peak "$OUT_DIR/memory-engine.txt")\"}"
if [ $# -gt 0 ]; then tail -c 1500 "$OUT_DIR/engine-stderr.txt"; exit 0; fi

sample > "$OUT_DIR/memory-reference.txt" & S=$!
PYTHONUNBUFFERED=1 timeout 120 python3 bench/gpu_reference.py --steps 10 --warmup 3 2> "$OUT_DIR/reference-stderr.txt" | tee -a "$OUT_DIR/gpu-check.jsonl"
kill $S 2>/dev/null
line "{\"check\":\"memory\",\"part\":\"reference\",\"peak_device_mb\":\"$(peak "$OUT_DIR/memory-reference.txt")\"}"
tail -c 1500 "$OUT_DIR/engine-stderr.txt"
