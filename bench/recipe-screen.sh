#!/bin/sh
# The GPU recipe screen (issue 14): run from the repository root on a machine with PyTorch (CUDA)
# and numpy, after `npm run bench:recipe:pack` has written .recipe/recipe-data.bin.xz on a machine
# with Node. Needs no Node and no network. Unpacks the data once into a temporary folder, trains every
# config with bench/recipe_screen.py (a replica of the engine's from-scratch training) and writes
# OUTDIR/results.jsonl (one JSON line per config), OUTDIR/log.txt and OUTDIR/summary.txt (a table).
#
#   sh bench/recipe-screen.sh OUTDIR ['name:key=value,...' ...]
#
# Without configs it screens the defaults ('base:'). Configs run costliest first, each worker
# process taking the next one not yet taken; a config expected to end after RECIPE_DEADLINE_S
# (default 540 s from the start) is not started and gets an "error" line instead, so the command
# ends inside the device's 600 s limit with every finished config written. Environment:
# RECIPE_WORKERS (processes sharing the GPU, default 8), RECIPE_DEVICE (default cuda when
# available), RECIPE_ARGS (more arguments for recipe_screen.py, e.g. "--limit 20"), PYTHON.
# Figures are a proxy: confirm winners with npm run bench:train.
set -u
OUT_DIR=${1:?usage: sh bench/recipe-screen.sh OUTDIR [configs...]}
shift
DATA=.recipe/recipe-data.bin.xz
PY=${PYTHON:-python3}
[ -f "$DATA" ] || { echo "recipe-screen: $DATA is missing: run npm run bench:recipe:pack on a machine with Node" >&2; exit 1; }
mkdir -p "$OUT_DIR"
# The data unpacked once, so each worker process reads it without decompressing; outside .recipe/,
# which stays small enough to carry to the GPU machine.
RUN=$(mktemp -d "${TMPDIR:-/tmp}/langlab-recipe.XXXXXX") || exit 1
trap 'rm -rf "$RUN"' EXIT
"$PY" -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$DATA" "$RUN/recipe-data.bin" || exit 1
[ $# -gt 0 ] || set -- 'base:'
ARGS=""
for c in "$@"; do ARGS="$ARGS --config '$c'"; done
DEVICE=${RECIPE_DEVICE:-$("$PY" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -1 > "$OUT_DIR/gpu.txt"
: > "$OUT_DIR/results.jsonl"
eval "\"$PY\" bench/recipe_screen.py --data \"$RUN/recipe-data.bin\" --device $DEVICE --workers ${RECIPE_WORKERS:-8} --deadline-s ${RECIPE_DEADLINE_S:-540} --out \"$OUT_DIR/results.jsonl\" ${RECIPE_ARGS:-} $ARGS" \
  > /dev/null 2> "$OUT_DIR/log.txt"
rc=$?
"$PY" bench/recipe_screen.py --summary "$OUT_DIR/results.jsonl" | tee "$OUT_DIR/summary.txt"
exit $rc
