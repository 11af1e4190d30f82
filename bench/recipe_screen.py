#!/usr/bin/env python3
"""A fast PyTorch replica of Langlab's from-scratch training, to screen many recipes on a GPU.

The data comes from bench/recipe-export.ts (the benchmark split exactly as `npm run bench:train`
makes it, and each file's window-source bytes). What is replicated from the engine and trainer:

- the byte tokens and windows: head and tail halves of max_length for validation and test; for
  training, `random_windows` draws two half-windows anew each epoch with the trainer's own
  generator (mulberry32 over subSeed(seed, "window\\0<epoch>\\0<file index>")), so the windows are
  the very bytes the engine trains on;
- the batches: the seeded xoshiro128** permutation, pools of 50 batches sorted by length, batch
  order shuffled, the smaller last batch kept last, dynamic padding (PAD = 256);
- the model (main/engine/models/scratch.ts): embedding * sqrt(d) with the engine's seeded init
  (N(0, 2/sqrt(d)) by Box-Muller over mulberry32, Xavier-uniform Linear weights, zero biases),
  sinusoidal positions, post-LN encoder layers with dropout on the embeddings, the attention
  output, the FFN hidden and output, attention dropout on the probabilities, masked mean (+ max)
  pooling, Linear -> ReLU -> Dropout -> Linear head of d/2;
- the loop: AdamW (0.9, 0.999, 1e-8; no decay on biases and norm weights), global-norm clipping,
  linear warm-up over floor(warmup_ratio * steps) then linear decay to 0, validation at each epoch
  end, best checkpoint by validation loss (early stopping patience), test with the best weights.

Not replicated: the dropout masks (torch draws its own), float rounding of the ONNX kernels. So the
figures are a proxy: confirm a winner with `npm run bench:train -- --set key=value ...`.

  python3 bench/recipe_screen.py --data .recipe/recipe-data.bin[.xz] --config 'base:' \\
      --config 'wd05:weight_decay=0.05' [--device cuda] [--workers 4] [--out results.jsonl]
"""
import argparse
import copy
import json
import lzma
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

PAD = 256
VOCAB = 260
POOL_BATCHES = 50
PREDICTION_TOP_K = 5  # predictions keep the 5 most probable labels (final-report.ts)
CORE = ['cpp', 'groovy', 'java', 'javascript', 'json', 'python', 'xml', 'yml']
M32 = 0xFFFFFFFF

# The trainer's defaults for the from-scratch model (preload/hyperparameters.ts), plus the
# screen's own knobs, off at their defaults as the engine trains: label_smoothing; window_min (each
# training window's length drawn uniformly in [window_min x max_length, max_length]); byte_noise
# (each training byte replaced by a uniformly random byte with this probability).
DEFAULTS = {
    'd_model': 128, 'num_layers': 2, 'num_heads': 4, 'dim_feedforward': 512, 'max_length': 256, 'epochs': 5,
    'learning_rate': 1e-3, 'dropout': 0.1, 'attention_dropout': 0.0, 'weight_decay': 0.01, 'batch_size': 16,
    'warmup_ratio': 0.1, 'max_grad_norm': 1.0, 'early_stopping_patience': 4, 'random_windows': 1, 'max_pooling': 1,
    'seed': 42, 'label_smoothing': 0.0, 'window_min': 1.0, 'byte_noise': 0.0, 'ngram_buckets': 65536,
}
INT_KEYS = {'d_model', 'num_layers', 'num_heads', 'dim_feedforward', 'max_length', 'epochs', 'batch_size',
            'early_stopping_patience', 'random_windows', 'max_pooling', 'seed', 'ngram_buckets'}
# main/engine/models/scratch.ts: the hashed n-gram orders and the rolling hash's constants.
NGRAM_ORDERS = (2, 3, 4)
NGRAM_HASH_PRIME = 1000003
NGRAM_BEFORE_START = 259


# ---------------------------------------------------------------- the engine's generators

def mulberry32(seed):
    """main/data/rng.ts seededRandom (and main/engine/models/init.ts Rng.next): floats in [0, 1)."""
    state = [seed & M32]

    def nxt():
        state[0] = (state[0] + 0x6D2B79F5) & M32
        t = state[0]
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296.0
    return nxt


def mulberry32_block(seed, start, count):
    """Draws start..start+count-1 of mulberry32(seed), vectorized (its state only adds a constant)."""
    k = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    t = (np.uint64(seed) + k * np.uint64(0x6D2B79F5)) & np.uint64(M32)
    m = np.uint64(M32)
    t = ((t ^ (t >> np.uint64(15))) * (t | np.uint64(1))) & m
    t = t ^ ((t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & m)) & m)
    return ((t ^ (t >> np.uint64(14))) & m).astype(np.float64) / 4294967296.0


def sub_seed(seed, name):
    """main/data/rng.ts subSeed: FNV-1a over the name's UTF-16 code units, from the seed."""
    h = (seed ^ 0x811C9DC5) & M32
    for ch in name:
        h = ((h ^ ord(ch)) * 0x01000193) & M32
    return h


class Xoshiro:
    """main/engine/optim/dropout-mask.ts MaskGenerator (xoshiro128**, splitmix32-seeded): the shuffle stream."""

    def __init__(self, seed):
        s = []
        x = seed & M32
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = x
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            s.append((z ^ (z >> 16)) & M32)
        if not any(s):
            s[0] = 1
        self.s = s

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M32
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result / 4294967296.0


def shuffle_in_place(xs, rng):
    for i in range(len(xs) - 1, 0, -1):
        j = int(rng.next() * (i + 1))
        xs[i], xs[j] = xs[j], xs[i]
    return xs


def epoch_batches(lengths, batch_size, rng):
    """main/trainer/batches.ts epochBatches."""
    order = shuffle_in_place(list(range(len(lengths))), rng)
    pool = batch_size * POOL_BATCHES
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])  # stable, as Array.sort
        batches.extend(chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size))
    last = batches.pop() if batches and len(batches[-1]) < batch_size else None
    shuffle_in_place(batches, rng)
    if last is not None:
        batches.append(last)
    return batches


def sorted_batches(lengths, batch_size):
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[b:b + batch_size] for b in range(0, len(order), batch_size)]


def head_tail(src, keep):
    """encoded.ts pickWindow(head_tail) over the window-source bytes."""
    n = len(src)
    if n <= keep:
        return src
    first = (keep + 1) // 2
    return np.concatenate([src[:first], src[n - (keep - first):]])


def random_window(src, keep, seed, epoch, file_index):
    """main/trainer/batches.ts randomWindow, draw for draw."""
    n = len(src)
    if n <= keep:
        return src
    rnd = mulberry32(sub_seed(seed, 'window\u0000%d\u0000%d' % (epoch, file_index)))
    first = (keep + 1) // 2
    second = keep - first
    head_start = 0 if rnd() < 0.5 else int(math.floor(rnd() * (n - keep + 1)))
    lowest = head_start + first
    tail_start = n - second if rnd() < 0.5 else lowest + int(math.floor(rnd() * (n - second - lowest + 1)))
    return np.concatenate([src[head_start:head_start + first], src[tail_start:tail_start + second]])


# ---------------------------------------------------------------- the model

def decays(name):
    """main/engine/models/common.ts decays."""
    if name.endswith('.bias'):
        return False
    return re.search(r'(LayerNorm|norm\d*)\.weight$', name) is None


def scratch_shapes(c, num_labels):
    d, f = c['d_model'], c['dim_feedforward']
    shapes = [('embedding.weight', (VOCAB, d))]
    if c.get('ngram_buckets', 0) > 0:
        shapes.append(('ngram_embedding.weight', (c['ngram_buckets'], d)))
    for i in range(c['num_layers']):
        p = 'transformer_encoder.layers.%d.' % i
        shapes += [(p + 'self_attn.in_proj_weight', (3 * d, d)), (p + 'self_attn.in_proj_bias', (3 * d,)),
                   (p + 'self_attn.out_proj.weight', (d, d)), (p + 'self_attn.out_proj.bias', (d,)),
                   (p + 'linear1.weight', (f, d)), (p + 'linear1.bias', (f,)),
                   (p + 'linear2.weight', (d, f)), (p + 'linear2.bias', (d,)),
                   (p + 'norm1.weight', (d,)), (p + 'norm1.bias', (d,)), (p + 'norm2.weight', (d,)), (p + 'norm2.bias', (d,))]
    hidden = max(1, d // 2)
    shapes += [('classifier.0.weight', (hidden, 2 * d if c['max_pooling'] else d)), ('classifier.0.bias', (hidden,)),
               ('classifier.3.weight', (num_labels, hidden)), ('classifier.3.bias', (num_labels,))]
    return shapes


def init_scratch_weights(c, num_labels):
    """main/engine/models/scratch.ts initScratchWeights with init.ts's Rng, value for value."""
    seed = c['seed'] & M32
    pos = 0  # draws taken so far
    out = {}
    for name, shape in scratch_shapes(c, num_labels):
        n = int(np.prod(shape))
        if name in ('embedding.weight', 'ngram_embedding.weight'):
            pairs = (n + 1) // 2
            u = mulberry32_block(seed, pos, 2 * pairs)
            pos += 2 * pairs
            r = np.sqrt(-2.0 * np.log(u[0::2]))
            ang = 2.0 * np.pi * u[1::2]
            vals = np.empty(2 * pairs)
            vals[0::2] = r * np.cos(ang)
            vals[1::2] = r * np.sin(ang)
            std = 2.0 / math.sqrt(c['d_model'])
            data = (std if name == 'embedding.weight' else std / math.sqrt(len(NGRAM_ORDERS))) * vals[:n]
            if n % 2:
                raise ValueError('odd embedding size: the Box-Muller spare would carry over')
        elif name.endswith('norm1.weight') or name.endswith('norm2.weight'):
            data = np.ones(n)
        elif len(shape) == 2:
            a = math.sqrt(6.0 / (shape[1] + shape[0]))
            data = (mulberry32_block(seed, pos, n) * 2 - 1) * a
            pos += n
        else:
            data = np.zeros(n)
        out[name] = torch.from_numpy(data.astype(np.float32).reshape(shape))
    return out


def sinusoidal_table(max_length, d):
    pe = np.zeros((max_length, d), dtype=np.float64)
    pos = np.arange(max_length, dtype=np.float64)[:, None]
    i = np.arange(0, d, 2, dtype=np.float64)
    angle = pos * np.exp((-i * math.log(10000.0)) / d)
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return torch.from_numpy(pe.astype(np.float32))


def ngram_buckets(ids, buckets):
    """scratch.ts ngramEmbeddings' hash: [batch, seq, orders] bucket of the n-gram ending at each position.

    The rows a batch reads are the distinct buckets of its padded ids, as the engine's ngramSlots
    computes them; train_one updates only those (LazyRowsAdamW).
    """
    h = ids
    out = []
    for n in range(2, max(NGRAM_ORDERS) + 1):
        before = torch.full_like(h[:, :1], NGRAM_BEFORE_START)
        h = (torch.cat([before, h[:, :-1]], dim=1) * NGRAM_HASH_PRIME + ids + n) % buckets
        if n in NGRAM_ORDERS:
            out.append(h)
    return torch.stack(out, dim=2)


class LazyRowsAdamW:
    """AdamW on the rows of a table a batch reads (main/engine/graph/graph.ts rowParam): the
    engine's CPU step gathers those rows of the table and its moments, updates them and writes them
    back; a row no batch reads keeps its value and moments."""

    def __init__(self, table, weight_decay):
        self.p = table
        self.wd = weight_decay
        self.m = torch.zeros_like(table)
        self.v = torch.zeros_like(table)

    @torch.no_grad()
    def step(self, buckets, lr, t):
        rows = torch.unique(buckets.flatten())
        g = self.p.grad[rows]
        m = self.m[rows] * 0.9 + g * (1 - 0.9)
        v = self.v[rows] * 0.999 + g * g * (1 - 0.999)
        self.m[rows] = m
        self.v[rows] = v
        denom = v.sqrt() / math.sqrt(1 - 0.999 ** t) + 1e-8
        self.p[rows] = self.p[rows] * (1 - lr * self.wd) - (lr / (1 - 0.9 ** t)) * m / denom
        self.p.grad = None


class Scratch(torch.nn.Module):
    """The engine's scratch graph, op for op (PyTorch parameter names = the engine's state_dict names)."""

    def __init__(self, c, num_labels):
        super().__init__()
        self.c = c
        weights = init_scratch_weights(c, num_labels)
        self.names = [n for n, _ in scratch_shapes(c, num_labels)]
        self.params = torch.nn.ParameterList([torch.nn.Parameter(weights[n]) for n in self.names])
        self.register_buffer('pe', sinusoidal_table(c['max_length'], c['d_model']))

    def named(self):
        return dict(zip(self.names, self.params))

    def forward(self, ids, mask):
        c = self.c
        W = self.named()
        d, h = c['d_model'], c['num_heads']
        dh = d // h
        p, pa = c['dropout'], c['attention_dropout']
        train = self.training
        b, t = ids.shape
        tok = F.embedding(ids, W['embedding.weight'])
        if c.get('ngram_buckets', 0) > 0:
            tok = tok + F.embedding(ngram_buckets(ids, c['ngram_buckets']), W['ngram_embedding.weight']).sum(2)
        x = tok * math.sqrt(d) + self.pe[:t].unsqueeze(0)
        x = F.dropout(x, p, train)
        m = mask.to(x.dtype)
        bias = ((m - 1) * 1e9)[:, None, None, :]
        for i in range(c['num_layers']):
            pre = 'transformer_encoder.layers.%d.' % i
            qkv = F.linear(x, W[pre + 'self_attn.in_proj_weight'], W[pre + 'self_attn.in_proj_bias'])
            q, k, v = qkv.split(d, dim=-1)
            q = (q * (1.0 / math.sqrt(dh))).view(b, t, h, dh).transpose(1, 2)
            k = k.view(b, t, h, dh).transpose(1, 2)
            v = v.view(b, t, h, dh).transpose(1, 2)
            probs = torch.softmax(q @ k.transpose(-1, -2) + bias, dim=-1)
            ctx = (F.dropout(probs, pa, train) @ v).transpose(1, 2).reshape(b, t, d)
            sa = F.dropout(F.linear(ctx, W[pre + 'self_attn.out_proj.weight'], W[pre + 'self_attn.out_proj.bias']), p, train)
            h1 = F.layer_norm(x + sa, (d,), W[pre + 'norm1.weight'], W[pre + 'norm1.bias'], 1e-5)
            inner = F.dropout(F.relu(F.linear(h1, W[pre + 'linear1.weight'], W[pre + 'linear1.bias'])), p, train)
            ff = F.dropout(F.linear(inner, W[pre + 'linear2.weight'], W[pre + 'linear2.bias']), p, train)
            x = F.layer_norm(h1 + ff, (d,), W[pre + 'norm2.weight'], W[pre + 'norm2.bias'], 1e-5)
        mm = m.unsqueeze(-1)
        mean = (x * mm).sum(1) / mm.sum(1).clamp_min(1e-9)
        pooled = torch.cat([mean, (x + (mm - 1) * 1e4).amax(1)], dim=-1) if c['max_pooling'] else mean
        hid = F.dropout(F.relu(F.linear(pooled, W['classifier.0.weight'], W['classifier.0.bias'])), p, train)
        return F.linear(hid, W['classifier.3.weight'], W['classifier.3.bias'])


# ---------------------------------------------------------------- data

def load_data(path, limit=None):
    """Reads recipe-export.ts's file (.xz or already unpacked)."""
    opener = lzma.open if path.endswith('.xz') else open
    with opener(path, 'rb') as fh:
        raw = fh.read()
    magic = b'LLRECIPE1\n'
    if not raw.startswith(magic):
        sys.exit('recipe_screen: %s is not a recipe-export file (no LLRECIPE1 header); make it with npm run bench:recipe:pack' % path)
    n = int.from_bytes(raw[len(magic):len(magic) + 4], 'little')
    head = json.loads(raw[len(magic) + 4:len(magic) + 4 + n])
    blob = np.frombuffer(raw, dtype=np.uint8, offset=len(magic) + 4 + n)
    labels = head['labels']
    lid = {l: i for i, l in enumerate(labels)}
    splits = {'train': [], 'validation': [], 'test': []}
    kept = {}
    off = 0
    for f in head['files']:
        src = blob[off:off + f['length']]  # uint8 view: no copy
        off += f['length']
        key = (f['label'], f['split'])
        if limit is not None:
            if kept.get(key, 0) >= limit:
                continue
            kept[key] = kept.get(key, 0) + 1
        splits[f['split']].append({'index': f['index'], 'label': lid[f['label']], 'src': src, 'path': f['path']})
    if off != len(blob):
        sys.exit('recipe_screen: %s is truncated or corrupt (%d bytes of file content, %d expected)' % (path, len(blob), off))
    return head, labels, splits


def pad_batch(rows, device):
    t = max(1, max(len(r) for r in rows))
    ids = np.full((len(rows), t), PAD, dtype=np.int64)
    mask = np.zeros((len(rows), t), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return torch.from_numpy(ids).to(device, non_blocking=True), torch.from_numpy(mask).to(device, non_blocking=True)


# ---------------------------------------------------------------- cost model

def forward_flops(c, lengths, num_labels):
    """Multiply-adds x 2 of one forward pass over files of these lengths (dynamic padding)."""
    d, f, L = c['d_model'], c['dim_feedforward'], c['num_layers']
    tokens = float(np.sum(lengths))
    quad = float(np.sum(np.asarray(lengths, dtype=np.float64) ** 2))
    per_token = L * 2 * (4 * d * d + 2 * d * f)
    attention = L * 2 * 2 * d * quad
    hidden = max(1, d // 2)
    head = len(lengths) * 2 * ((2 * d if c['max_pooling'] else d) * hidden + hidden * num_labels)
    return tokens * per_token + attention + head


def run_cost(c, splits, num_labels):
    """Training (forward + backward = 3 forwards) each epoch, a validation per epoch, the test once."""
    L = c['max_length']
    lens = {k: np.minimum([len(e['src']) for e in v], L) for k, v in splits.items()}
    train = 3 * forward_flops(c, lens['train'], num_labels) * c['epochs']
    return train + forward_flops(c, lens['validation'], num_labels) * c['epochs'] + forward_flops(c, lens['test'], num_labels)


# ---------------------------------------------------------------- the loop

def lr_at(step, peak, total, warmup):
    """main/engine/optim/schedule.ts linearWarmupDecay."""
    if step < warmup:
        return peak * step / max(1, warmup)
    return peak * max(0.0, (total - step) / max(1, total - warmup))


@torch.no_grad()
def evaluate(model, examples, max_length, device, batch_size=256):
    """Mean cross-entropy (no smoothing), accuracy and logits over head-and-tail windows, in file order."""
    model.eval()
    rows = [head_tail(e['src'], max_length) for e in examples]
    logits = torch.empty((len(rows), model.params[-1].shape[0]), dtype=torch.float32)
    for batch in sorted_batches([len(r) for r in rows], batch_size):
        ids, mask = pad_batch([rows[i] for i in batch], device)
        logits[batch] = model(ids, mask).float().cpu()
    labels = torch.tensor([e['label'] for e in examples])
    loss = F.cross_entropy(logits.double(), labels).item()
    acc = (logits.argmax(1) == labels).double().mean().item()
    return loss, acc, logits, labels


def train_one(name, c, labels, splits, device, default_cost, log):
    t0 = time.time()
    torch.manual_seed(c['seed'])
    if c['max_length'] > 2 * 4096:
        raise ValueError('max_length %d exceeds the exported window source (8192 bytes)' % c['max_length'])
    if c['d_model'] % c['num_heads'] or c['d_model'] % 2:
        raise ValueError('d_model %d must be even and divisible by num_heads %d' % (c['d_model'], c['num_heads']))
    model = Scratch(c, len(labels)).to(device)
    named = model.named()
    # The n-gram table is updated lazily, as the engine's CPU step does (only the rows a batch reads).
    table = named.pop('ngram_embedding.weight', None)
    lazy = LazyRowsAdamW(table, c['weight_decay']) if table is not None else None
    decay = [p for n, p in named.items() if decays(n)]
    no_decay = [p for n, p in named.items() if not decays(n)]
    extra = {'fused': True} if device.type == 'cuda' and 'fused' in torch.optim.AdamW.__init__.__code__.co_varnames else {}
    groups = [{'params': decay, 'weight_decay': c['weight_decay']}, {'params': no_decay, 'weight_decay': 0.0}]
    try:
        opt = torch.optim.AdamW(groups, lr=c['learning_rate'], betas=(0.9, 0.999), eps=1e-8, **extra)
    except (RuntimeError, TypeError, ValueError):  # a torch without the fused kernel for this device
        opt = torch.optim.AdamW(groups, lr=c['learning_rate'], betas=(0.9, 0.999), eps=1e-8)
    train = splits['train']
    L = c['max_length']
    lengths = [min(len(e['src']), L) for e in train]
    bs = c['batch_size']
    steps_per_epoch = -(-len(train) // bs)
    total = c['epochs'] * steps_per_epoch
    warmup = int(math.floor(total * c['warmup_ratio']))
    shuffle = Xoshiro(c['seed'])
    window_rng = np.random.default_rng(c['seed'] + 7)
    step = 0
    best = None
    patience = 0
    history = []
    for epoch in range(c['epochs']):
        model.train()
        batches = epoch_batches(lengths, bs, shuffle)
        if c['random_windows']:
            keep_len = L
            views = []
            for e in train:
                if c['window_min'] < 1.0:  # screen-only augmentation: a shorter window some epochs
                    keep_len = int(round(L * window_rng.uniform(c['window_min'], 1.0)))
                    keep_len = max(2, keep_len)
                views.append(random_window(e['src'], keep_len, c['seed'], epoch, e['index']))
        else:
            views = [head_tail(e['src'], L) for e in train]
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), device=device)
        seen = 0
        for batch in batches:
            ids, mask = pad_batch([views[i] for i in batch], device)
            if c['byte_noise'] > 0:
                noisy = (torch.rand(ids.shape, device=device) < c['byte_noise']) & (mask > 0)
                ids = torch.where(noisy, torch.randint(0, 256, ids.shape, device=device), ids)
            y = torch.tensor([train[i]['label'] for i in batch]).to(device, non_blocking=True)
            for g in opt.param_groups:
                g['lr'] = lr_at(step, c['learning_rate'], total, warmup)
            logits = model(ids, mask)
            loss = F.cross_entropy(logits, y, label_smoothing=c['label_smoothing']) if c['label_smoothing'] > 0 else F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if c['max_grad_norm'] > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), c['max_grad_norm'])
            opt.step()
            if lazy is not None:
                lazy.step(ngram_buckets(ids, c['ngram_buckets']), opt.param_groups[0]['lr'], step + 1)
            step += 1
            loss_sum += loss.detach() * len(batch)
            correct += (logits.detach().argmax(1) == y).sum()
            seen += len(batch)
        train_loss = loss_sum.item() / seen
        if not math.isfinite(train_loss):
            raise ValueError('loss became %s in epoch %d' % (train_loss, epoch + 1))
        vloss, vacc, _, _ = evaluate(model, splits['validation'], L, device)
        history.append({'epoch': epoch + 1, 'train_loss': round(train_loss, 4), 'train_acc': round(correct.item() / seen, 4),
                        'val_loss': round(vloss, 6), 'val_acc': round(vacc, 4), 'seconds': round(time.time() - t0, 1)})
        log('[%s] epoch %d: train %.4f/%.4f val %.4f/%.4f (%.0f s)' % (name, epoch + 1, train_loss, correct.item() / seen, vloss, vacc, time.time() - t0))
        if best is None or vloss < best['val_loss']:
            best = {'epoch': epoch + 1, 'val_loss': vloss, 'val_acc': vacc, 'state': copy.deepcopy(model.state_dict())}
            patience = 0
        else:
            patience += 1
            if c['early_stopping_patience'] > 0 and patience >= c['early_stopping_patience']:
                break
    model.load_state_dict(best['state'])
    _, tacc, logits, y = evaluate(model, splits['test'], L, device)
    pred = logits.argmax(1)
    per_class = {}
    for li, lab in enumerate(labels):
        sel = y == li
        if int(sel.sum()) > 0:
            per_class[lab] = round((pred[sel] == li).double().mean().item(), 4)
    core_ids = [labels.index(l) for l in CORE if l in labels]
    core_sel = torch.isin(y, torch.tensor(core_ids)) if core_ids else torch.zeros_like(y, dtype=torch.bool)
    core_acc = core_restricted = None
    if int(core_sel.sum()) > 0:
        core_acc = (pred[core_sel] == y[core_sel]).double().mean().item()
        # As bench/train-accuracy.ts scores it: the first core label among the 5 most probable.
        top = np.argsort(-logits[core_sel].numpy(), axis=1, kind='stable')[:, :PREDICTION_TOP_K]
        truth = y[core_sel].numpy()
        core_set = set(core_ids)
        hits = sum(1 for row, t in zip(top, truth) if next((k for k in row if k in core_set), None) == t)
        core_restricted = hits / len(truth)
    cost = run_cost(c, splits, len(labels))
    params = sum(p.numel() for p in model.parameters())
    return {
        'name': name, 'config': c, 'params': params, 'best_epoch': best['epoch'], 'best_val_loss': round(best['val_loss'], 6),
        'best_val_accuracy': round(best['val_acc'], 4), 'test_accuracy': round(tacc, 4),
        'core8_accuracy': None if core_acc is None else round(core_acc, 4),
        'core8_accuracy_restricted': None if core_restricted is None else round(core_restricted, 4),
        'mean_class_accuracy': round(sum(per_class.values()) / max(1, len(per_class)), 4), 'test_per_class': per_class,
        'cpu_cost_rel': round(cost / default_cost, 3), 'cpu_minutes_est': round(10.3 * cost / default_cost, 1),
        'steps': step, 'seconds': round(time.time() - t0, 1), 'history': history, 'device': str(device),
    }


def parse_config(spec):
    name, _, rest = spec.partition(':')
    if not name:
        sys.exit('recipe_screen: --config %r needs a name before the colon, e.g. "wd05:weight_decay=0.05"' % spec)
    c = dict(DEFAULTS)
    for kv in filter(None, (s.strip() for s in rest.split(','))):
        k, eq, v = kv.partition('=')
        if k not in DEFAULTS or not eq:
            sys.exit('recipe_screen: --config %r: unknown or empty key %r; keys: %s' % (spec, k, ', '.join(sorted(DEFAULTS))))
        try:
            val = float({'true': 1, 'false': 0}.get(v, v))
        except ValueError:
            sys.exit('recipe_screen: --config %r: %s=%r is not a number' % (spec, k, v))
        c[k] = int(val) if k in INT_KEYS else val
    return name, c


def summary(path):
    """A table of a results file, best mean-over-classes first."""
    rows = [json.loads(l) for l in open(path) if l.strip()]
    ok = sorted((r for r in rows if 'error' not in r), key=lambda r: -r['mean_class_accuracy'])
    fmt = '%-24s %6s %6s %7s %7s %7s %7s %5s %6s %6s'
    print(fmt % ('config', 'test', 'core8', 'core8r', 'mean', 'val', 'vloss', 'best', 'cpu', 'sec'))
    for r in ok:
        print(fmt % (r['name'][:24], '%.4f' % r['test_accuracy'], '%.4f' % (r['core8_accuracy'] or 0), '%.4f' % (r['core8_accuracy_restricted'] or 0),
                     '%.4f' % r['mean_class_accuracy'], '%.4f' % r['best_val_accuracy'], '%.4f' % r['best_val_loss'], r['best_epoch'],
                     '%.2f' % r['cpu_cost_rel'], '%.0f' % r['seconds']))
    for r in rows:
        if 'error' in r:
            print('%-24s ERROR %s' % (r['name'][:24], r['error']))


def parity(path):
    """Checks the replica against bench/recipe-parity.ts's engine figures; exits 1 on a mismatch."""
    ref = json.load(open(path))
    hp = ref['hyperparameters']
    c = dict(DEFAULTS)
    for k in c:
        if k in hp:
            c[k] = int(hp[k]) if k in INT_KEYS else float(hp[k])
    model = Scratch(c, ref['num_labels']).eval()
    ids, mask = pad_batch([np.asarray(r) for r in ref['rows']], torch.device('cpu'))
    with torch.no_grad():
        logits = model(ids, mask).double()
    want = torch.tensor(ref['logits'], dtype=torch.float64).view_as(logits)
    loss = F.cross_entropy(logits, torch.tensor(ref['labels'])).item()
    params = sum(p.numel() for p in model.parameters())
    lengths = ref['lengths']
    shuffle = Xoshiro(c['seed'])
    batches = [epoch_batches(lengths, c['batch_size'], shuffle) for _ in ref['batches']]
    src = np.arange(ref['source_length']) % 251
    windows_ok = all(random_window(src, c['max_length'], c['seed'], w['epoch'], w['fileIndex']).tolist() == w['window'] for w in ref['windows'])
    out = {'parity': 'recipe-screen', 'params': params, 'engine_params': ref['params'], 'max_abs_logit_diff': (logits - want).abs().max().item(),
           'max_abs_logit': want.abs().max().item(), 'mean_loss': loss, 'engine_mean_loss': ref['mean_loss'], 'ln_labels': math.log(ref['num_labels']),
           'batches_equal': batches == ref['batches'], 'windows_equal': windows_ok}
    out['ok'] = (params == ref['params'] and out['max_abs_logit_diff'] < 1e-3 and abs(loss - ref['mean_loss']) < 1e-4
                 and out['batches_equal'] and windows_ok)
    print(json.dumps(out))
    sys.exit(0 if out['ok'] else 1)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--summary':
        return summary(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == '--parity':
        return parity(sys.argv[2])
    ap = argparse.ArgumentParser(description='Screen from-scratch recipes with a PyTorch replica of the engine.')
    ap.add_argument('--data', required=True, help='recipe-export.ts output (.bin.xz or unpacked .bin)')
    ap.add_argument('--config', action='append', default=[], help="'name:key=value,...' (repeat); 'base:' is the defaults; @FILE reads one a line")
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--out', help='append one JSON line per config here too')
    ap.add_argument('--limit', type=int, help='keep the first N files of each class and split (quick checks)')
    ap.add_argument('--workers', type=int, default=1, help='processes sharing the device; each takes the next config not yet taken, costliest first')
    ap.add_argument('--deadline-s', type=float, help='start no config expected to end later than this many seconds from now')
    ap.add_argument('--claims', help=argparse.SUPPRESS)
    ap.add_argument('--deadline-at', type=float, help=argparse.SUPPRESS)
    ap.add_argument('--threads', type=int, help='torch CPU threads (default with --workers: cores / workers)')
    ap.add_argument('--cost-only', action='store_true', help='print each config\'s cpu_cost_rel and estimated CPU minutes, train nothing')
    args = ap.parse_args()
    specs = []
    for spec in args.config or ['base:']:
        if spec.startswith('@'):  # a file of configs, one a line, '#' starts a comment
            try:
                lines = open(spec[1:]).read().splitlines()
            except OSError as err:
                sys.exit('recipe_screen: cannot read the config list %s (%s)' % (spec[1:], err.strerror))
            specs += [l.split('#')[0].strip() for l in lines if l.split('#')[0].strip()]
        else:
            specs.append(spec)
    configs = [parse_config(s) for s in specs]
    names = [n for n, _ in configs]
    if len(set(names)) != len(names):
        sys.exit('recipe_screen: config names must be unique, got %s' % ', '.join(names))
    log = lambda msg: print(msg, file=sys.stderr, flush=True)
    deadline = args.deadline_at or (time.time() + args.deadline_s if args.deadline_s else None)

    if args.workers > 1 and not args.claims:
        # Several processes on one device: a tiny model leaves a big GPU mostly idle.
        claims = tempfile.mkdtemp(prefix='recipe-claims-')
        threads = args.threads or max(1, (os.cpu_count() or 1) // args.workers)
        procs = []
        for _ in range(args.workers):
            cmd = [sys.executable, os.path.abspath(__file__), '--data', args.data, '--device', args.device, '--claims', claims, '--threads', str(threads)]
            cmd += sum((['--config', s] for s in args.config), [])
            if args.limit:
                cmd += ['--limit', str(args.limit)]
            if args.out:
                cmd += ['--out', args.out]
            if deadline:
                cmd += ['--deadline-at', repr(deadline)]
            procs.append(subprocess.Popen(cmd))
        rc = max(p.wait() for p in procs)
        shutil.rmtree(claims, ignore_errors=True)
        sys.exit(rc)

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False  # float32, as the engine trains on the CPU
        torch.backends.cudnn.allow_tf32 = False
    t0 = time.time()
    head, labels, splits = load_data(args.data, args.limit)
    log('data: %s files (%s), %d labels, %.1f s' % (sum(len(v) for v in splits.values()), ', '.join('%s %d' % (k, len(v)) for k, v in splits.items()), len(labels), time.time() - t0))
    default_cost = run_cost(DEFAULTS, splits, len(labels))
    costs = [run_cost(c, splits, len(labels)) for _, c in configs]
    if args.cost_only:
        for (name, c), cost in zip(configs, costs):
            changed = {k: v for k, v in c.items() if v != DEFAULTS[k]}
            print(json.dumps({'name': name, 'changed': changed, 'cpu_cost_rel': round(cost / default_cost, 3), 'cpu_minutes_est': round(10.3 * cost / default_cost, 1)}))
        return
    order = sorted(range(len(configs)), key=lambda i: (-costs[i], i))
    rate = None  # seconds per cost unit, from this process's finished configs
    for i in order:
        if args.claims:
            try:
                os.close(os.open(os.path.join(args.claims, str(i)), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
        name, c = configs[i]
        if deadline and rate is not None and time.time() + rate * costs[i] > deadline:
            r = {'name': name, 'config': c, 'error': 'not run: expected to end %.0f s after the deadline' % (time.time() + rate * costs[i] - deadline)}
        else:
            try:
                r = train_one(name, c, labels, splits, device, default_cost, log)
                rate = r['seconds'] / costs[i]
            except Exception as err:  # one bad config must not end the screen
                r = {'name': name, 'config': c, 'error': '%s: %s' % (type(err).__name__, err)}
        r['data'] = {'fingerprint': head.get('fingerprint'), 'limit': args.limit}
        line = json.dumps(r)
        print(line, flush=True)
        if args.out:
            with open(args.out, 'a') as fh:
                fh.write(line + '\n')


if __name__ == '__main__':
    main()
