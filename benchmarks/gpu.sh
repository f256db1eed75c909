#!/usr/bin/env bash
# On a machine with a CUDA GPU: the conformance check of convspec.accelerated on the GPU,
# then every benchmark with its tensors on the GPU, printing the accelerated/native ratios.
#
#   benchmarks/gpu.sh            # --quick benchmarks (a few minutes)
#   benchmarks/gpu.sh --full     # full-length benchmarks
#   PYTHON=/path/to/python benchmarks/gpu.sh
#
# Exits 2, saying why, when torch sees no CUDA device; otherwise with the check's status
# (0: conforms), after running the benchmarks either way. Run from anywhere.
set -uo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
BENCH_ARGS=(--quick --device cuda)
if [[ "${1:-}" == "--full" ]]; then
    BENCH_ARGS=(--device cuda)
fi

if [[ ! -x "$PYTHON" ]]; then
    echo "benchmarks/gpu.sh: no Python at $PYTHON (run 'make check' first to create .venv, or set PYTHON=...)" >&2
    exit 2
fi

if ! "$PYTHON" - <<'EOF'
import sys
import torch
if not torch.cuda.is_available():
    sys.exit(f"benchmarks/gpu.sh: torch {torch.__version__} sees no CUDA device "
             "(torch.cuda.is_available() is False): nothing to run. Use a machine with an NVIDIA GPU "
             "and a CUDA build of torch.")
import convspec.accelerated  # sets the backend flags: no TF32, deterministic cuDNN
from convspec.accelerated import _backend
print(f"GPU: {torch.cuda.get_device_name()}, torch {torch.__version__}, CUDA {torch.version.cuda}, "
      f"cuDNN {torch.backends.cudnn.version()}")
print("backend flags after importing convspec.accelerated:", _backend.current())
EOF
then
    exit 2
fi

echo
echo "== convspec check accelerated --device cuda"
start=$SECONDS
"$PYTHON" -m convspec.conformance check accelerated --device cuda
check_status=$?
echo "(check: exit status $check_status, $((SECONDS - start)) s)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
for script in benchmarks/bench_*.py; do
    echo
    echo "== $script ${BENCH_ARGS[*]}"
    "$PYTHON" "$script" "${BENCH_ARGS[@]}" 2>&1 | tee -a "$log" || status=$?
done

echo
echo "== summary: rows over the 1.05 target (read them against each table's control row)"
grep -E "^(Every row|Over the|  .*: [0-9.]+ \(spread)" "$log" || echo "(no summary lines: did the benchmarks run?)"
echo "benchmarks' exit status: $status; convspec check's: $check_status"
exit "$check_status"
