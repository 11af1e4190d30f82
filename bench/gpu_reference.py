"""PyTorch reference for bench/gpu-check.sh: the seeds' configuration on CUDA.

CodeBERTa-small's shape (random weights: nothing is downloaded), base frozen except the last 2
layers and the head, sequence 512, batch 16, AdamW with lr 1e-4 and global-norm clipping at 1.0,
dropout 0.1 as transformers' RoBERTa places it. Measured in fp32 and with CUDA AMP (fp16 autocast
and a GradScaler, as the seed script trains). Prints one JSON line per precision.

Usage: python3 bench/gpu_reference.py [--steps 20] [--warmup 5]
"""
import argparse
import json
import time

import torch


def build(device, attn):
    from transformers import RobertaConfig, RobertaForSequenceClassification

    cfg = RobertaConfig(vocab_size=52000, hidden_size=768, num_hidden_layers=6, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=514, type_vocab_size=1,
                        layer_norm_eps=1e-5, pad_token_id=1, num_labels=8,
                        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)
    try:  # "eager" computes attention explicitly, as the engine does; "sdpa" is PyTorch's fused kernel
        cfg._attn_implementation = attn
    except Exception:
        pass
    torch.manual_seed(0)
    model = RobertaForSequenceClassification(cfg).to(device)
    layers = cfg.num_hidden_layers
    for name, p in model.named_parameters():
        trainable = not name.startswith("roberta.") or any(name.startswith(f"roberta.encoder.layer.{i}.") for i in range(layers - 2, layers))
        p.requires_grad_(trainable)
    return model


def measure(precision, attn, steps, warmup, device):
    model = build(device, attn)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    amp = precision != "fp32"
    dtype = torch.float16 if precision == "amp_fp16" else torch.bfloat16
    scaler = torch.amp.GradScaler("cuda", enabled=precision == "amp_fp16")
    b, s = 16, 512
    g = torch.Generator(device="cpu").manual_seed(1)
    ids = torch.randint(4, 52000, (b, s), generator=g)
    ids[:, 0] = 0
    ids = ids.to(device)
    mask = torch.ones(b, s, dtype=torch.long, device=device)
    labels = (ids[:, 1] % 8).to(device)
    torch.cuda.reset_peak_memory_stats()
    losses = []
    for i in range(warmup + steps):
        if i == warmup:
            torch.cuda.synchronize()
            t0 = time.perf_counter()
        with torch.autocast("cuda", dtype=dtype, enabled=amp):
            loss = torch.nn.functional.cross_entropy(model(input_ids=ids, attention_mask=mask).logits.float(), labels)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        scaler.step(opt)
        scaler.update()
        losses.append(loss.detach())
    torch.cuda.synchronize()
    step = (time.perf_counter() - t0) / steps
    return {
        "check": "reference", "config": "codeberta_small_unfreeze2_seq512_batch16", "precision": precision, "attention": attn,
        "samples_per_s": round(b / step, 1), "step_s": round(step, 5),
        "peak_memory_mb": round(torch.cuda.max_memory_allocated() / 2**20), "last_loss": round(float(losses[-1]), 4),
        "torch": torch.__version__, "device": torch.cuda.get_device_name(0),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    a = ap.parse_args()
    if not torch.cuda.is_available():
        print(json.dumps({"check": "reference", "error": "CUDA is not available to torch"}))
        return
    for precision, attn in (("fp32", "eager"), ("amp_fp16", "eager"), ("amp_fp16", "sdpa"), ("amp_bf16", "sdpa")):
        try:
            print(json.dumps(measure(precision, attn, a.steps, a.warmup, "cuda")), flush=True)
        except Exception as e:  # one failing precision must not hide the others
            print(json.dumps({"check": "reference", "precision": precision, "attention": attn, "error": str(e)[:400]}), flush=True)
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
