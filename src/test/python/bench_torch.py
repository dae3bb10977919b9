#!/usr/bin/python3
"""PyTorch CPU side of the dl4j-losses speed benchmark.

Times forward + backward of each loss (reduction='sum', float32, 2 threads) at the sizes of the
Java benchmark (org.dl4jlosses.bench.LossBenchmark): per call a fresh leaf `z.detach().requires_grad_()`,
the loss from the logits (PyTorch fuses softmax/sigmoid into its losses, as ours does), then
`backward()`. Reports the median per call over many repetitions after a warm-up and writes
target/bench/torch.json, which BenchMain reads to fill the PyTorch columns.

Run with Debian's Python, which has torch 1.13 + torchvision (OpenBLAS):
    /usr/bin/python3 src/test/python/bench_torch.py [loss ...] [RxK ...] [--seconds S] [--out FILE]

With 2 threads, timings need two idle cores: when another process holds one, every parallel
region waits for a scheduler time slice and medians jump to multiples of ~8 ms. The script
records the load average; rerun when it is high.
Loss names are those of the Java benchmark; a class name ("FocalLoss", "HingeLoss") selects all
its forms.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

try:
    from torchvision.ops import sigmoid_focal_loss
except ImportError:  # formula of torchvision.ops.sigmoid_focal_loss
    def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
        p = torch.sigmoid(inputs)
        ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
        p_t = p * targets + (1 - p) * (1 - targets)
        loss = ce * ((1 - p_t) ** gamma)
        if alpha >= 0:
            loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
        return loss.sum() if reduction == "sum" else loss

THREADS = 2
SIZES = ["32x10", "256x1000", "2048x1000"]


# Each loss: (label kind, fn(z, batch) -> scalar). batch holds the labels in the forms PyTorch
# users pass them: 'idx' class indices [R], 'onehot' [R,C] float, 'y' float targets [R,K].
def _focal_softmax(z, b, gamma=2.0):
    logp = F.log_softmax(z, dim=1).gather(1, b["idx"][:, None]).squeeze(1)
    return -(((1 - logp.exp()) ** gamma) * logp).sum()


def _poly1_softmax(z, b, epsilon=1.0):
    # PolyLoss paper (arXiv 2204.12511), Appendix: Poly-1 with softmax CE.
    pt = torch.sum(b["onehot"] * F.softmax(z, dim=-1), dim=-1)
    ce = F.cross_entropy(z, b["idx"], reduction="none")
    return (ce + epsilon * (1 - pt)).sum()


def _crammer_singer(z, b, margin=1.0):
    fy = z.gather(1, b["idx"][:, None]).squeeze(1)
    other = z.masked_fill(b["onehot"].bool(), float("-inf")).amax(dim=1)
    return F.relu(margin + other - fy).sum()


def _asymmetric(z, b, gamma_pos=0.0, gamma_neg=4.0, clip=0.05):
    # The authors' AsymmetricLoss (Ridnik et al. 2021), mean over the labels like the Java loss.
    y = b["y"]
    xs_pos = torch.sigmoid(z)
    xs_neg = (1 - xs_pos + clip).clamp(max=1)
    loss = y * torch.log(xs_pos.clamp(min=1e-8)) + (1 - y) * torch.log(xs_neg.clamp(min=1e-8))
    pt = xs_pos * y + xs_neg * (1 - y)
    loss = loss * torch.pow(1 - pt, gamma_pos * y + gamma_neg * (1 - y))
    return -loss.sum() / z.shape[1]


def _quantile(quantiles):
    # pytorch-forecasting's QuantileLoss.loss (errors = target - prediction of each quantile), mean over
    # the K x Q columns like the Java loss; column k Q + q predicts quantile q of target k.
    def loss(z, b):
        y = b["y"]
        pred = z.view(z.shape[0], -1, len(quantiles))
        losses = []
        for i, q in enumerate(quantiles):
            errors = y - pred[..., i]
            losses.append(torch.max((q - 1) * errors, q * errors).unsqueeze(-1))
        return torch.cat(losses, dim=2).sum() / z.shape[1]
    return loss


def _list_mle(z, b):
    # TF-Ranking's ListMLELoss: scores in the order of the grades (ties by position), log-sum-exp of each suffix.
    order = torch.sort(b["y"], dim=1, descending=True, stable=True).indices
    s = z.gather(1, order)
    return (torch.logcumsumexp(s.flip(1), dim=1).flip(1) - s).sum()


def _approx_ndcg(z, b, temperature=0.1):
    # TF-Ranking's ApproxNDCGLoss: pairwise sigmoid ranks, gains 2^y - 1, -DCG / ideal DCG per list.
    y = b["y"]
    ranks = torch.sigmoid((z.unsqueeze(1) - z.unsqueeze(2)) / temperature).sum(2) + 0.5
    gains = torch.pow(2.0, y) - 1
    dcg = (gains / torch.log2(1 + ranks)).sum(1)
    ideal = torch.sort(gains, dim=1, descending=True).values
    idcg = (ideal / torch.log2(torch.arange(2, y.shape[1] + 2, dtype=z.dtype))).sum(1)
    return -(dcg / idcg).sum()


LOSSES = {
    "CrossEntropyLoss": ("onehot", lambda z, b: F.cross_entropy(z, b["idx"], reduction="sum")),
    "BinaryCrossEntropyLoss": ("01", lambda z, b: F.binary_cross_entropy_with_logits(z, b["y"], reduction="sum")),
    "FocalLoss-sigmoid": ("01", lambda z, b: sigmoid_focal_loss(z, b["y"], alpha=0.25, gamma=2.0, reduction="sum")),
    "FocalLoss-softmax": ("onehot", _focal_softmax),
    # The Java benchmark's "-indices" rows feed our losses class indices, as PyTorch is fed here.
    "CrossEntropyLoss-indices": ("onehot", lambda z, b: F.cross_entropy(z, b["idx"], reduction="sum")),
    "FocalLoss-softmax-indices": ("onehot", _focal_softmax),
    "PolyLoss": ("onehot", _poly1_softmax),
    "HingeLoss-BINARY": ("pm1", lambda z, b: torch.clamp(1.0 - b["y"] * z, min=0).sum()),
    "HingeLoss-CRAMMER_SINGER": ("onehot", _crammer_singer),
    "HingeLoss-WESTON_WATKINS": ("onehot", lambda z, b: F.multi_margin_loss(z, b["idx"], margin=1.0, reduction="sum")),
    "MaeLoss": ("real", lambda z, b: F.l1_loss(z, b["y"], reduction="sum")),
    "MseLoss": ("real", lambda z, b: F.mse_loss(z, b["y"], reduction="sum")),
    "HuberLoss": ("real", lambda z, b: F.huber_loss(z, b["y"], reduction="sum", delta=1.0)),
    "SmoothL1Loss": ("real", lambda z, b: F.smooth_l1_loss(z, b["y"], reduction="sum", beta=1.0)),
    "KlDivergenceLoss": ("soft", lambda z, b: F.kl_div(F.log_softmax(z, dim=1), b["y"], reduction="sum")),
    "AsymmetricLoss": ("01", _asymmetric),
    "LogCoshLoss": ("real", lambda z, b: ((z - b["y"]) + F.softplus(-2 * (z - b["y"])) - 0.6931471805599453).sum()
                    / z.shape[1]),
    "QuantileLoss": ("real", _quantile([0.5])),
    "GaussianNllLoss": ("real/2", lambda z, b: F.gaussian_nll_loss(z[:, :z.shape[1] // 2], b["y"],
                                                                  torch.exp(z[:, z.shape[1] // 2:]),
                                                                  reduction="sum") / (z.shape[1] // 2)),
    "QuantileLoss-interval": ("real/2", _quantile([0.1, 0.9])),
    "PoissonNllLoss": ("counts", lambda z, b: F.poisson_nll_loss(z, b["y"], reduction="sum") / z.shape[1]),
    "ListwiseSoftmaxLoss": ("counts", lambda z, b: -(b["y"] / b["y"].sum(1, keepdim=True) * F.log_softmax(z, 1)).sum()),
    "ListMleLoss": ("counts", _list_mle),
    "ApproxNdcgLoss": ("counts", _approx_ndcg),
}


# ---- coupled losses: one fixed batch each, size "batch" -------------------------
# Each: make(gen) -> (z0, batch) and fn(z, batch) -> scalar, the same formula as the Java loss with
# its defaults (the references of the fixture generators, written here for speed, not clarity).

def _safe_dist(x):
    sq = (x * x).sum(1)
    d2 = (sq[:, None] + sq[None, :] - 2 * x @ x.t()).clamp(min=0)
    return torch.sqrt(d2.clamp(min=1e-16)) * (d2 > 0)


def _group_masks(ids):
    same = ids[:, None] == ids[None, :]
    eye = torch.eye(len(ids), dtype=torch.bool)
    return same & ~eye, ~same


def _triplet_hard(z, b, margin=1.0):
    d = _safe_dist(z)
    pos, neg = _group_masks(b["ids"])
    hardest_pos = (d * pos).amax(1)
    hardest_neg = (d + 1e9 * (~neg)).amin(1)
    return F.relu(hardest_pos - hardest_neg + margin).mean() * z.shape[0]


def _triplet_all(z, b, margin=1.0):
    d = _safe_dist(z)
    pos, neg = _group_masks(b["ids"])
    t = d[:, :, None] - d[:, None, :] + margin           # [a, p, n], N^3 as the usual batch-all code does
    valid = pos[:, :, None] & neg[:, None, :]
    t = F.relu(t) * valid
    count = (t > 1e-16).sum().clamp(min=1)
    return t.sum() / count * z.shape[0]


def _contrastive_groups(z, b, margin=1.0):
    d = _safe_dist(z)
    pos, neg = _group_masks(b["ids"])
    upper = torch.triu(torch.ones_like(d, dtype=torch.bool), 1)
    loss = 0.5 * (pos * d ** 2 + neg * F.relu(margin - d) ** 2)
    return loss[upper].mean() * z.shape[0]


def _info_nce(z, b, temperature=0.1):
    n = z.shape[0] // 2
    q, k = F.normalize(z[:n], dim=1), F.normalize(z[n:], dim=1)
    return F.cross_entropy(q @ k.t() / temperature, torch.arange(n), reduction="mean") * z.shape[0]


def _mnrl(z, b, scale=20.0):
    n = z.shape[0] // 2
    a, p = F.normalize(z[:n], dim=1), F.normalize(z[n:], dim=1)
    return F.cross_entropy(scale * a @ p.t(), torch.arange(n), reduction="mean") * z.shape[0]


def _ge2e(z, b, w=10.0, bias=-5.0, speakers=64, utterances=8):
    e = z.view(speakers, utterances, -1)
    total = e.sum(1)
    centroids = total / utterances
    own = (total[:, None, :] - e) / (utterances - 1)                 # leave-one-out centroids
    en = F.normalize(e, dim=2)
    cos_all = torch.einsum("jid,kd->jik", en, F.normalize(centroids, dim=1))
    cos_own = (en * F.normalize(own, dim=2)).sum(2)
    idx = torch.arange(speakers)
    cos_all = cos_all.clone()
    cos_all[idx, :, idx] = cos_own
    s = w * cos_all + bias
    target = idx[:, None].expand(speakers, utterances).reshape(-1)
    return F.cross_entropy(s.reshape(speakers * utterances, speakers), target, reduction="mean") * z.shape[0]


def _arcface(z, b, s=64.0, m=0.5):
    import math
    cos = z
    sin = torch.sqrt((1.0 - cos ** 2).clamp(min=0, max=1))
    phi = cos * math.cos(m) - sin * math.sin(m)
    phi = torch.where(cos > math.cos(math.pi - m), phi, cos - math.sin(math.pi - m) * m)
    onehot = b["onehot"]
    logits = s * (onehot * phi + (1 - onehot) * cos)
    return F.cross_entropy(logits, b["idx"], reduction="sum")


def _cosface(z, b, s=64.0, m=0.35):
    # insightface's CosFace: the target cosine minus m, then F.cross_entropy.
    logits = s * (z - m * b["onehot"])
    return F.cross_entropy(logits, b["idx"], reduction="sum")


def _combined(z, b, s=64.0, m1=1.35, m2=0.25, m3=0.1):
    # cos(m1 theta + m2) - m3 on the target, insightface's ArcFace fallback past pi.
    import math
    target = z.gather(1, b["idx"][:, None]).squeeze(1)
    phi = torch.cos(m1 * torch.acos(target.clamp(-1 + 1e-7, 1 - 1e-7)) + m2) - m3
    phi = torch.where(target > math.cos((math.pi - m2) / m1), phi, target - m2 * math.sin(math.pi - m2) - m3)
    onehot = b["onehot"]
    logits = s * (onehot * phi[:, None] + (1 - onehot) * z)
    return F.cross_entropy(logits, b["idx"], reduction="sum")


def _pair_scores(z, b, scale=20.0, angle=False):
    # sentence-transformers' CoSENTLoss (pairwise cosine) / AnglELoss (pairwise_angle_sim), times the 2N rows.
    n = z.shape[0] // 2
    x, y = z[:n], z[n:]
    if angle:
        a, bb = torch.chunk(x, 2, dim=1)
        c, d = torch.chunk(y, 2, dim=1)
        zz = (c ** 2 + d ** 2).sum(1, keepdim=True)
        ratio = (a ** 2 + bb ** 2).sum(1, keepdim=True) ** 0.5 / zz ** 0.5
        sim = torch.abs(torch.cat(((a * c + bb * d) / zz / ratio, (bb * c - a * d) / zz / ratio), dim=1).sum(1))
    else:
        sim = (F.normalize(x, dim=1) * F.normalize(y, dim=1)).sum(1)
    s = scale * sim
    s = s[:, None] - s[None, :]
    s = s - (b["y"][:, None] >= b["y"][None, :]).float() * 1e12
    return torch.logsumexp(torch.cat((torch.zeros(1), s.view(-1))), 0) * z.shape[0]


def _masked_lse(x, keep, add_one=False):
    x = x.masked_fill(~keep, float("-inf"))
    if add_one:
        x = torch.cat((x, torch.zeros(x.shape[0], 1)), dim=1)
    return torch.logsumexp(x, dim=1).masked_fill(~keep.any(1), 0)


def _supcon(z, b, temperature=0.1):
    # pytorch-metric-learning SupConLoss (cosine, AvgNonZeroReducer: every anchor has a positive here).
    u = F.normalize(z, dim=1)
    s = u @ u.t() / temperature
    pos, neg = _group_masks(b["ids"])
    log_prob = s - _masked_lse(s, pos | neg)[:, None]
    return (-(pos * log_prob).sum(1) / pos.sum(1)).mean() * z.shape[0]


def _multi_similarity(z, b, alpha=2.0, beta=50.0, base=0.5, eps=0.1):
    # pytorch-metric-learning MultiSimilarityLoss on MultiSimilarityMiner's pairs, MeanReducer.
    u = F.normalize(z, dim=1)
    s = u @ u.t()
    pos, neg = _group_masks(b["ids"])
    with torch.no_grad():
        min_pos = s.masked_fill(~pos, float("inf")).amin(1, keepdim=True)
        max_neg = s.masked_fill(~neg, float("-inf")).amax(1, keepdim=True)
        pos = pos & (s - eps < max_neg)
        neg = neg & (s + eps > min_pos)
    losses = _masked_lse(alpha * (base - s), pos, True) / alpha + _masked_lse(beta * (s - base), neg, True) / beta
    return losses.sum()


def _circle(z, b, m=0.4, gamma=80.0):
    # pytorch-metric-learning CircleLoss (weights detached, AvgNonZeroReducer: every anchor counts here).
    u = F.normalize(z, dim=1)
    s = u @ u.t()
    pos, neg = _group_masks(b["ids"])
    logit_p = -gamma * torch.relu(1 + m - s.detach()) * (s - (1 - m))
    logit_n = gamma * torch.relu(s.detach() + m) * (s - m)
    return F.softplus(_masked_lse(logit_p, pos) + _masked_lse(logit_n, neg)).mean() * z.shape[0]


def _dice(z, b, images=16, smooth=1.0):
    p = torch.softmax(z, dim=1).view(images, -1, z.shape[1])
    y = b["onehot"].view(images, -1, z.shape[1])
    inter = (p * y).sum(1)
    den = p.sum(1) + y.sum(1)
    return (1 - (2 * inter + smooth) / (den + smooth)).mean(1).sum()


def _tversky(z, b, images=16, smooth=1.0, alpha=0.3, beta=0.7, gamma=4.0 / 3.0):
    # MONAI's TverskyLoss per image and class, with the focal exponent 1/gamma (Abraham & Khan 2019).
    p = torch.softmax(z, dim=1).view(images, -1, z.shape[1])
    y = b["onehot"].view(images, -1, z.shape[1])
    tp = (p * y).sum(1)
    fp = (p * (1 - y)).sum(1)
    fn = ((1 - p) * y).sum(1)
    return ((1 - (tp + smooth) / (tp + alpha * fp + beta * fn + smooth)) ** (1 / gamma)).mean(1).sum()


def _dice_ce(z, b, images=16):
    # MONAI's DiceCELoss per image: Dice summed over images, plus the pixels' cross-entropy over P per image.
    pixels = z.shape[0] // images
    return _dice(z, b, images) + F.cross_entropy(z, b["onehot"], reduction="sum") / pixels


def _generalized_dice(z, b, images=16, smooth=1e-5):
    # MONAI's GeneralizedDiceLoss per image, w_type SQUARE (absent classes take the image's largest weight).
    p = torch.softmax(z, dim=1).view(images, -1, z.shape[1])
    y = b["onehot"].view(images, -1, z.shape[1])
    ground = y.sum(1)
    w = torch.reciprocal(ground * ground)
    infs = torch.isinf(w)
    w = torch.where(infs, torch.zeros_like(w), w)
    w = w + infs * w.max(1, keepdim=True)[0]
    numer = 2 * ((p * y).sum(1) * w).sum(1) + smooth
    denom = ((p.sum(1) + ground) * w).sum(1) + smooth
    return (1 - numer / denom).sum()


def _ids(n, groups):
    return torch.arange(n) % groups


def _mk_groups(n, d, groups):
    return lambda gen: (torch.randn(n, d, generator=gen), {"ids": _ids(n, groups)})


def _mk_cosines(n, c):
    def make(gen):
        idx = torch.randint(0, c, (n,), generator=gen)
        return torch.rand(n, c, generator=gen) * 1.8 - 0.9, {"idx": idx, "onehot": F.one_hot(idx, c).float()}
    return make


def _mk_scored_pairs(n, d, grades):
    return lambda gen: (torch.randn(2 * n, d, generator=gen), {"y": torch.randint(0, grades, (n,), generator=gen).float()})


def _mk_pixels(rows, k):
    def make(gen):
        idx = torch.randint(0, k, (rows,), generator=gen)
        return torch.randn(rows, k, generator=gen), {"onehot": F.one_hot(idx, k).float()}
    return make


def _mk_pairs(n):
    def make(gen):
        return torch.randn(n, 2, generator=gen), {"y": torch.randint(0, 2, (n,), generator=gen).float() * 2 - 1}
    return make


COUPLED = {
    "MarginRankingLoss": (_mk_pairs(4096),
                          lambda z, b: F.margin_ranking_loss(z[:, 0], z[:, 1], b["y"], reduction="sum")),
    "DiceLoss": (_mk_pixels(16 * 64 * 64, 4), _dice),
    "TverskyLoss": (_mk_pixels(16 * 64 * 64, 4), _tversky),
    "GeneralizedDiceLoss": (_mk_pixels(16 * 64 * 64, 4), _generalized_dice),
    "DiceCrossEntropyLoss": (_mk_pixels(16 * 64 * 64, 4), _dice_ce),
    "TripletLoss-HARD": (_mk_groups(512, 128, 64), _triplet_hard),
    "TripletLoss-ALL": (_mk_groups(256, 128, 32), _triplet_all),
    "ContrastiveLoss-GROUPS": (_mk_groups(512, 128, 64), _contrastive_groups),
    "InfoNceLoss": (lambda gen: (torch.randn(1024, 128, generator=gen), {}), _info_nce),
    "MultipleNegativesRankingLoss": (lambda gen: (torch.randn(1024, 128, generator=gen), {}), _mnrl),
    "Ge2eLoss": (lambda gen: (torch.randn(512, 128, generator=gen), {}), _ge2e),
    "AdditiveAngularMarginLoss": (_mk_cosines(256, 10000), _arcface),
    "AdditiveCosineMarginLoss": (_mk_cosines(256, 10000), _cosface),
    "CombinedMarginLoss": (_mk_cosines(256, 10000), _combined),
    "CoSentLoss": (_mk_scored_pairs(512, 128, 6), _pair_scores),
    "AnglELoss": (_mk_scored_pairs(512, 128, 6), lambda z, b: _pair_scores(z, b, angle=True)),
    "SupervisedContrastiveLoss": (_mk_groups(512, 128, 64), _supcon),
    "MultiSimilarityLoss": (_mk_groups(512, 128, 64), _multi_similarity),
    "CircleLoss": (_mk_groups(512, 128, 64), _circle),
}


def make_batch(kind, rows, cols, gen):
    b = {}
    if kind == "onehot":
        b["idx"] = torch.randint(0, cols, (rows,), generator=gen)
        b["onehot"] = F.one_hot(b["idx"], cols).float()
    elif kind == "01":
        b["y"] = torch.randint(0, 2, (rows, cols), generator=gen).float()
    elif kind == "pm1":
        b["y"] = torch.randint(0, 2, (rows, cols), generator=gen).float() * 2 - 1
    elif kind == "soft":
        b["y"] = torch.softmax(torch.randn(rows, cols, generator=gen), dim=1)
    elif kind == "real/2":
        b["y"] = torch.randn(rows, cols // 2, generator=gen)
    elif kind == "counts":
        b["y"] = torch.randint(0, 7, (rows, cols), generator=gen).float()
    else:
        b["y"] = torch.randn(rows, cols, generator=gen)
    return b


def time_case(fn, z0, batch, seconds, min_reps=50, max_reps=20000):
    def call():
        z = z0.detach().requires_grad_(True)
        loss = fn(z, batch)
        loss.backward()
        return z.grad

    # Warm-up: at least 20 calls or 0.3 s.
    t_end = time.perf_counter() + 0.3
    n = 0
    while n < 20 or time.perf_counter() < t_end:
        call()
        n += 1
    times = []
    t_end = time.perf_counter() + seconds
    while (len(times) < min_reps or time.perf_counter() < t_end) and len(times) < max_reps:
        t0 = time.perf_counter_ns()
        call()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1e6, len(times)


def blas_libs():
    lib = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
    try:
        out = subprocess.run(["ldd", lib], capture_output=True, text=True, check=False).stdout
    except OSError:
        return []
    return sorted({line.split()[0] for line in out.splitlines() if "blas" in line or "lapack" in line})


def select(words):
    losses, sizes = [], []
    for w in words:
        if "x" in w and w.replace("x", "").isdigit():
            sizes.append(w)
            continue
        known = list(LOSSES) + list(COUPLED)
        hit = [n for n in known if n.lower() == w.lower() or n.lower().startswith(w.lower() + "-")]
        if not hit:
            sys.exit("unknown loss %r; known: %s" % (w, ", ".join(known)))
        losses += [n for n in hit if n not in losses]
    return losses or list(LOSSES) + list(COUPLED), sizes or SIZES


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("select", nargs="*", help="loss names and/or sizes RxK (default: all)")
    ap.add_argument("--seconds", type=float, default=2.0, help="measurement time per case (default 2)")
    ap.add_argument("--out", default=os.path.join("target", "bench", "torch.json"))
    ap.add_argument("--threads", type=int, default=THREADS,
                    help="intra-op threads (default 2, the benchmark's setting; 1 only for diagnosis)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    load_start = os.getloadavg()
    losses, sizes = select(args.select)
    libs = blas_libs()
    meta = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": libs,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "dtype": "float32",
        "what": "median per call of forward+backward, reduction='sum', fresh requires_grad_ leaf per call",
    }
    print("torch %s, %d threads, BLAS libs of libtorch_cpu: %s" % (meta["torch"], meta["threads"], ", ".join(libs) or "?"))
    if not any("openblas" in l for l in libs):
        print("WARNING: libtorch_cpu does not link libopenblas", file=sys.stderr)

    results = []
    print("\n| loss | size | PyTorch (ms) | calls |\n|---|---|---:|---:|")
    for name in losses:
        if name in COUPLED:
            make, fn = COUPLED[name]
            gen = torch.Generator().manual_seed(42)
            z0, batch = make(gen)
            ms, n = time_case(fn, z0, batch, args.seconds)
            results.append({"loss": name, "size": "batch", "median_ms": ms, "calls": n})
            print("| %s | batch | %.4f | %d |" % (name, ms, n), flush=True)
            continue
        kind, fn = LOSSES[name]
        for size in sizes:
            rows, cols = (int(v) for v in size.split("x"))
            gen = torch.Generator().manual_seed(42)
            z0 = torch.randn(rows, cols, generator=gen, dtype=torch.float32)
            batch = make_batch(kind, rows, cols, gen)
            ms, n = time_case(fn, z0, batch, args.seconds)
            results.append({"loss": name, "size": size, "median_ms": ms, "calls": n})
            print("| %s | %s | %.4f | %d |" % (name, size, ms, n), flush=True)

    meta["loadavg_start"] = [round(v, 2) for v in load_start]
    meta["loadavg_end"] = [round(v, 2) for v in os.getloadavg()]
    print("\nload average (1/5/15 min) at start %s, at end %s, on %d CPUs (the end value includes this"
          " script's own threads; anything well above that means other work shared the cores)" % (
              meta["loadavg_start"], meta["loadavg_end"], os.cpu_count()))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    old = {}
    if os.path.exists(args.out):  # keep results of cases not re-run this time
        try:
            with open(args.out) as f:
                old = {(r["loss"], r["size"]): r for r in json.load(f).get("results", [])}
        except (ValueError, KeyError, OSError):
            old = {}
    for r in results:
        old[(r["loss"], r["size"])] = r
    with open(args.out, "w") as f:
        json.dump({"meta": meta, "results": list(old.values())}, f, indent=2)
    print("\nwrote %s" % args.out)


if __name__ == "__main__":
    main()
