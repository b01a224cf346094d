#!/usr/bin/python3
"""The PyTorch peer of bench/train_bench: the lab's model, losses and training loop written the
way a PyTorch user would write them, timed the same way (training-step time per epoch, and wall
time including the per-epoch validation pass).

Run with Debian's python3-torch (/usr/bin/python3), not a pyenv `python3` without torch.
Prints one JSON object on stdout.

    /usr/bin/python3 bench/peer_pytorch.py --threads 1
    /usr/bin/python3 bench/peer_pytorch.py --threads 2 --dataset idx:/usr/share/datasets/fashion-mnist \
        --max-samples 10000 --seed-epochs 3 --growth-epochs 0
    /usr/bin/python3 bench/peer_pytorch.py --dataset idx:/usr/share/datasets/fashion-mnist \
        --initial-experts 64 --seed-epochs 1 --growth-epochs 0 --dispatch routed --probe-experts 12

Same as the C++ core: input projection Linear(D,H)+relu, router H->E (softmax, top-k gates
renormalised; at k = 1 the gate is the probability itself), E expert MLPs H->F->H in stacked
tensors, classifier H->C. --dispatch dense runs every expert on every sample with baddbmm;
--dispatch routed gathers each expert's routed samples and adds its gated output back with
index_add_, expert by expert, as a user would write it. Then loss = cross entropy + 0.05 * mean pairwise cosine of all experts' outputs on a
fixed probe batch of 128 (through the projection; on --probe-experts experts drawn at random
each step when there are more, as the lab's training.probe_experts) - 0.1 * normalised entropy of the routed share.
Adam lr 1e-3, batch 64, 80/20 stratified split. Growth is replayed, not decided: --split-after
gives the epochs after which the C++ run split an expert (the bench passes the ones it saw), so
both train the same number of experts in every epoch.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time


def _threads_from_argv(default=1):
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return str(default)


# OpenBLAS keeps its own thread pool, which torch.set_num_threads does not limit; the C++ core
# limits it with openblas_set_num_threads. The PyTorch way is the environment, before the import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads_from_argv())
os.environ.setdefault("OMP_NUM_THREADS", _threads_from_argv())

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------------------------
# Data: loaded and scaled once, like the core (digits / 16, IDX pixels / 255).

def open_maybe_gz(path):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def load_digits():
    path = os.path.join(REPO, "resources", "digits.csv.gz")
    with gzip.open(path, "rt") as f:
        rows = [line.strip() for line in f if line.strip()]
    values = torch.tensor([[int(v) for v in row.split(",")] for row in rows], dtype=torch.int64)
    return values[:, :64].float() / 16.0, values[:, 64].clone(), 10


def find_idx(folder, split, kind):
    for name in (f"{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte",):
        for candidate in (name, name + ".gz"):
            path = os.path.join(folder, candidate)
            if os.path.exists(path):
                return path
    return None


def load_idx(folder):
    features, labels = [], []
    for split in ("train", "t10k"):
        images_path, labels_path = find_idx(folder, split, "images"), find_idx(folder, split, "labels")
        if images_path is None or labels_path is None:
            continue
        with open_maybe_gz(images_path) as f:
            _, n, rows, cols = struct.unpack(">IIII", f.read(16))
            pixels = torch.frombuffer(bytearray(f.read(n * rows * cols)), dtype=torch.uint8)
        with open_maybe_gz(labels_path) as f:
            _, m = struct.unpack(">II", f.read(8))
            lab = torch.frombuffer(bytearray(f.read(m)), dtype=torch.uint8)
        features.append(pixels.reshape(n, rows * cols).float() / 255.0)
        labels.append(lab.long())
    x, y = torch.cat(features), torch.cat(labels)
    return x, y, int(y.max()) + 1


def stratified_indices(y, classes, fraction, generator):
    """Per class, a seeded shuffle; `fraction` of each class goes to the first part."""
    first, second = [], []
    for c in range(classes):
        rows = (y == c).nonzero().squeeze(1)
        rows = rows[torch.randperm(rows.numel(), generator=generator)]
        take = math.floor(fraction * rows.numel() + 0.5)  # C++ std::round, not banker's
        first.append(rows[:take])
        second.append(rows[take:])
    return torch.cat(first).sort().values, torch.cat(second).sort().values


def load_data(dataset, max_samples, seed):
    if dataset == "digits":
        x, y, classes = load_digits()
    elif dataset.startswith("idx:"):
        x, y, classes = load_idx(dataset[4:])
    else:
        raise SystemExit(f"unknown dataset {dataset}")
    generator = torch.Generator().manual_seed(seed)
    if 0 < max_samples < y.numel():
        keep, _ = stratified_indices(y, classes, max_samples / y.numel(), generator)
        x, y = x[keep], y[keep]
    val_rows, train_rows = stratified_indices(y, classes, 0.2, generator)
    return x[train_rows].contiguous(), y[train_rows].contiguous(), x[val_rows], y[val_rows], classes


# ---------------------------------------------------------------------------------------------
# Model

class MoE(nn.Module):
    def __init__(self, d, h, f, c, experts, top_k):
        super().__init__()
        self.top_k = top_k
        self.projection = nn.Linear(d, h)
        bound_h, bound_f = 1 / math.sqrt(h), 1 / math.sqrt(f)
        u = lambda shape, b: nn.Parameter(torch.empty(shape).uniform_(-b, b))
        self.router_weight = u((experts, h), bound_h)
        self.router_bias = u((experts,), bound_h)
        self.w_in = u((experts, h, f), bound_h)
        self.b_in = u((experts, 1, f), bound_h)
        self.w_out = u((experts, f, h), bound_f)
        self.b_out = u((experts, 1, h), bound_f)
        self.classifier = nn.Linear(h, c)

    @property
    def experts(self):
        return self.router_weight.shape[0]

    def project(self, x):
        return F.relu(self.projection(x))

    def all_expert_outputs(self, hidden, experts=None):  # [E, B, H], or [len(experts), B, H]
        w_in, b_in, w_out, b_out = self.w_in, self.b_in, self.w_out, self.b_out
        if experts is not None:
            w_in, b_in, w_out, b_out = w_in[experts], b_in[experts], w_out[experts], b_out[experts]
        shared = hidden.unsqueeze(0).expand(w_in.shape[0], -1, -1)
        inner = F.relu(torch.baddbmm(b_in, shared, w_in))
        return torch.baddbmm(b_out, inner, w_out)

    def expert(self, e, rows):
        inner = F.relu(rows @ self.w_in[e] + self.b_in[e])
        return inner @ self.w_out[e] + self.b_out[e]

    def forward(self, x, routed=False):
        hidden = self.project(x)
        probs = torch.softmax(F.linear(hidden, self.router_weight, self.router_bias), dim=1)
        top_probs, top_idx = probs.topk(min(self.top_k, self.experts), dim=1)
        gates = top_probs if top_idx.shape[1] == 1 else top_probs / top_probs.sum(1, keepdim=True)
        gate_matrix = torch.zeros_like(probs).scatter(1, top_idx, gates)
        if routed:
            mixed = torch.zeros_like(hidden)
            for e in range(self.experts):
                rows = (top_idx == e).any(1).nonzero().squeeze(1)
                if rows.numel() == 0:
                    continue
                gated = gate_matrix[rows, e].unsqueeze(1) * self.expert(e, hidden[rows])
                mixed = mixed.index_add(0, rows, gated)
        else:
            outputs = self.all_expert_outputs(hidden).transpose(0, 1)
            mixed = torch.bmm(gate_matrix.unsqueeze(1), outputs).squeeze(1)
        return self.classifier(mixed), probs, top_idx


def entropy_objective(probs, top_idx):
    experts = probs.shape[1]
    if experts < 2:
        return probs.new_zeros(())
    membership = torch.zeros_like(probs).scatter(1, top_idx, 1.0 / top_idx.shape[1]).mean(0)
    soft = probs.mean(0)
    share = soft + (membership - soft).detach()
    return -(share * (share + 0.1 / experts).log()).sum() / math.log(experts)


def expert_similarity(outputs):
    experts = outputs.shape[0]
    if experts < 2:
        return outputs.new_zeros(())
    flat = F.normalize(outputs.reshape(experts, -1), dim=1, eps=1e-8)
    gram = flat @ flat.t()
    return (gram.sum() - gram.diagonal().sum()) / (experts * (experts - 1))


def split_expert(model, optimizer, parent, noise, generator):
    """Appends a noisy copy of expert `parent`; Adam's moments grow with a zero row."""
    grown = ["router_weight", "router_bias", "w_in", "b_in", "w_out", "b_out"]
    with torch.no_grad():
        for name in grown:
            old = getattr(model, name)
            row = old[parent:parent + 1].clone()
            if old.dim() > 1 and noise > 0:
                row += torch.randn(row.shape, generator=generator) * noise * float(row.std())
            new = nn.Parameter(torch.cat([old, row]))
            state = optimizer.state.pop(old, None)
            if state:
                for key in ("exp_avg", "exp_avg_sq"):
                    state[key] = torch.cat([state[key], torch.zeros_like(row)])
                optimizer.state[new] = state
            for group in optimizer.param_groups:
                group["params"] = [new if p is old else p for p in group["params"]]
            setattr(model, name, new)
        model.router_bias[parent] -= math.log(2.0)
        model.router_bias[-1] -= math.log(2.0)


# ---------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dataset", default="digits")
    p.add_argument("--max-samples", type=int, default=0)
    p.add_argument("--seed-epochs", type=int, default=20)
    p.add_argument("--growth-epochs", type=int, default=14)
    p.add_argument("--initial-experts", type=int, default=2)
    p.add_argument("--top-k", type=int, default=2)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--expert-hidden", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--split-after", default="", help="comma-separated epochs after which to split")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dispatch", choices=["dense", "routed"], default="dense")
    p.add_argument("--probe-experts", type=int, default=0,
                   help="experts on the diversity probe per step (0 = all, the seed's probe)")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train, x_val, y_val, classes = load_data(args.dataset, args.max_samples, args.seed)
    model = MoE(x_train.shape[1], args.hidden, args.expert_hidden, classes, args.initial_experts,
                args.top_k)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(args.seed)
    probe = x_train[torch.randperm(x_train.shape[0], generator=generator)[:128]]
    splits = {int(e) for e in args.split_after.split(",") if e}
    n = x_train.shape[0]

    epochs, train_seconds_total = [], 0.0
    run_start = time.perf_counter()
    for epoch in range(1, args.seed_epochs + args.growth_epochs + 1):
        model.train()
        order = torch.randperm(n, generator=generator)
        loss_sum, correct = torch.zeros(()), torch.zeros((), dtype=torch.int64)
        train_seconds = 0.0
        for begin in range(0, n, args.batch_size):
            t0 = time.perf_counter()
            rows = order[begin:begin + args.batch_size]
            x, y = x_train[rows], y_train[rows]
            optimizer.zero_grad()
            logits, probs, top_idx = model(x, routed=args.dispatch == "routed")
            probed = None
            if 0 < args.probe_experts < model.experts:
                probed = torch.randperm(model.experts, generator=generator)[:args.probe_experts]
            loss = (F.cross_entropy(logits, y)
                    + 0.05 * expert_similarity(model.all_expert_outputs(model.project(probe), probed))
                    - 0.1 * entropy_objective(probs, top_idx))
            loss.backward()
            optimizer.step()
            loss_sum += loss.detach()
            correct += (logits.detach().argmax(1) == y).sum()
            train_seconds += time.perf_counter() - t0
        with torch.no_grad():
            model.eval()
            val_logits, _, _ = model(x_val)
            val_accuracy = (val_logits.argmax(1) == y_val).float().mean().item()
        epochs.append({"epoch": epoch, "experts": model.experts,
                       "samples_per_second": n / train_seconds,
                       "loss": loss_sum.item() / math.ceil(n / args.batch_size),
                       "val_accuracy": val_accuracy})
        train_seconds_total += train_seconds
        if epoch in splits:
            utilisation = torch.bincount(model(x_val)[2].reshape(-1), minlength=model.experts)
            split_expert(model, optimizer, int(utilisation.argmax()), 0.01, generator)
    wall = time.perf_counter() - run_start
    total_samples = n * len(epochs)
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
        "dataset": args.dataset, "dispatch": args.dispatch, "train_samples": n, "epochs": len(epochs),
        "final_experts": model.experts,
        "samples_per_second": total_samples / train_seconds_total,
        "wall_samples_per_second": total_samples / wall,
        "final_val_accuracy": epochs[-1]["val_accuracy"] if epochs else None,
        "per_epoch": epochs,
    }))


if __name__ == "__main__":
    main()
