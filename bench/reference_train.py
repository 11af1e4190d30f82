"""PyTorch reference for bench/engine.ts: the same configurations, steps and thread count as the
Langlab worker, one configuration per process so peak RSS is per configuration.

Usage: /usr/bin/python3 bench/reference_train.py <config-json> <threads>
Prints one JSON object: samples_per_s, step_s, peak_rss_mb (and gemm_gflops for the GEMM row).
The models are the plain torch.nn ones of the parity fixtures (tests/fixtures/*/make_fixture.py),
which the engine matches with dropout off; in training their `train_dropout` puts dropout where
the engine has it (after the embeddings, on attention probabilities, after each block's output
projection, in the classifier), as transformers' RoBERTa does.
Run by bench/engine.ts with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from the environment,
so OpenBLAS picks its kernels for this CPU; `reference_blas` says which it used.
"""
import ctypes
import importlib.util
import json
import os
import resource
import sys
import time

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def scratch_model(cfg, shape):
    mod = load("tests/fixtures/scratch-parity/make_fixture.py", "scratch_ref")
    c = dict(vocab_size=260, d_model=shape["d_model"], num_layers=shape["num_layers"], num_heads=shape["num_heads"],
             dim_feedforward=shape["dim_feedforward"], dropout=shape["dropout"], max_length=cfg["seq"],
             activation="relu", layer_norm_eps=1e-5, num_labels=cfg["num_labels"], train_dropout=shape["dropout"])
    return mod.TransformerClassifier(c), 256, None


def roberta_model(cfg, shape):
    mod = load("tests/fixtures/roberta-parity/make_fixture.py", "roberta_ref")
    c = dict(vocab_size=shape["vocab_size"], hidden_size=shape["hidden_size"], num_hidden_layers=shape["num_hidden_layers"],
             num_attention_heads=shape["num_attention_heads"], intermediate_size=shape["intermediate_size"],
             max_position_embeddings=shape["max_length"] + 2, type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1,
             train_dropout=0.1)
    model = mod.RobertaForSequenceClassification(c, cfg["num_labels"])
    L = c["num_hidden_layers"]
    for name, p in model.named_parameters():
        p.requires_grad_(not name.startswith("roberta.") or any(name.startswith(f"roberta.encoder.layer.{i}.") for i in range(L - cfg.get("unfreeze_last_n_layers", 2), L)))
    return model, shape["vocab_size"], 0


def gemm(threads):
    best = 0.0
    for n in (1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        for _ in range(3):
            a @ b
        reps = 10
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        best = max(best, 2 * n**3 * reps / (time.perf_counter() - t) / 1e9)
    return {"gemm_gflops": round(best, 1)}


def run(cfg, threads):
    torch.manual_seed(0)
    shapes = cfg["shapes"]
    if cfg["family"] == "scratch":
        model, vocab, first = scratch_model(cfg, shapes["scratch"])
    else:
        model, vocab, first = roberta_model(cfg, shapes["codeberta"])
    b, s = cfg["batch"], cfg["seq"]
    ids = torch.randint(4, vocab, (b, s))
    if first is not None:
        ids[:, 0] = first
    mask = torch.ones(b, s, dtype=torch.long)
    labels = torch.randint(0, cfg["num_labels"], (b,))
    if cfg["kind"] == "forward":
        model.eval()
        timed = 0.0
        with torch.no_grad():
            for i in range(cfg["warmup"] + cfg["steps"]):
                t = time.perf_counter()
                torch.softmax(model(ids, mask), -1)
                if i >= cfg["warmup"]:
                    timed += time.perf_counter() - t
    else:
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
        timed = 0.0
        for i in range(cfg["warmup"] + cfg["steps"]):
            t = time.perf_counter()
            loss = nn.functional.cross_entropy(model(ids, mask), labels)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            if i >= cfg["warmup"]:
                timed += time.perf_counter() - t
    step = timed / cfg["steps"]
    return {"samples_per_s": round(b / step, 2), "step_s": round(step, 3)}


def blas_info():
    """Which BLAS torch uses and, for OpenBLAS, the kernel family it chose for this CPU."""
    info = {}
    cfg = torch.__config__.show()
    for key in ("BLAS_INFO", "LAPACK_INFO"):
        for part in cfg.replace(",", " ").split():
            if part.startswith(key + "="):
                info[key.lower()] = part.split("=", 1)[1]
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                info.update(library=pool.get("internal_api"), version=pool.get("version"), kernel=pool.get("architecture"))
                return info
    except ImportError:
        pass
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "openblas" in line and line.split()[-1].startswith("/")})
    for lib in libs:
        try:
            handle = ctypes.CDLL(lib)
            handle.openblas_get_corename.restype = ctypes.c_char_p
            handle.openblas_get_config.restype = ctypes.c_char_p
            info.update(library="openblas", kernel=handle.openblas_get_corename().decode(), config=handle.openblas_get_config().decode())
            break
        except (OSError, AttributeError):
            continue
    return info


def main():
    cfg = json.loads(sys.argv[1])
    threads = int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    out = gemm(threads) if cfg["kind"] == "gemm" else run(cfg, threads)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["torch"] = torch.__version__
    out["blas"] = blas_info()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
