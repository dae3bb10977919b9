#!/usr/bin/python3
"""Golden-value generator for the dl4j-losses test suite.

Writes src/test/resources/fixtures/pointwise.json (relative to the project root).

Run with Debian's python, which has torch + torchvision installed:

    /usr/bin/python3 src/test/python/make_fixtures.py

Everything is deterministic: every case seeds torch with a CRC32 of its id, all maths is
float64 through autograd, and "float32" cases only round their *inputs* (z, labels, mask)
to float32 before the float64 reference computation.

Per case the JSON holds: inputs (z, labels, mask), the mean value (sum / R, R counting
masked rows), the sum value, the per-row score array [R,1] and d(sum)/dz [R,K].

Wherever a loss's reference is a torch / torchvision function the per-element or per-row
values are computed with that function (reduction='none') and the script asserts that the
function's own 'mean'/'sum' reduction agrees for unmasked cases.  Additional independent
cross-checks (hand-written formulas, central finite differences of the gradient) are run
for every case; any failure aborts the script before the JSON is written.
"""
import json
import os
import sys
import zlib
from collections import Counter, OrderedDict

import torch
import torch.nn.functional as F
import torchvision
from torchvision.ops import sigmoid_focal_loss

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures", "pointwise.json"))

PKG = "org.dl4jlosses."
CLASSES = {
    "CrossEntropyLoss": PKG + "classification.CrossEntropyLoss",
    "BinaryCrossEntropyLoss": PKG + "classification.BinaryCrossEntropyLoss",
    "FocalLoss": PKG + "classification.FocalLoss",
    "PolyLoss": PKG + "classification.PolyLoss",
    "HingeLoss": PKG + "classification.HingeLoss",
    "MaeLoss": PKG + "regression.MaeLoss",
    "MseLoss": PKG + "regression.MseLoss",
    "HuberLoss": PKG + "regression.HuberLoss",
    "SmoothL1Loss": PKG + "regression.SmoothL1Loss",
}
# Default values of every option (options equal to the default are never written).
DEFAULTS = {
    "CrossEntropyLoss": {"weights": None, "labelSmoothing": 0.0},
    "BinaryCrossEntropyLoss": {"weights": None, "posWeight": None, "labelSmoothing": 0.0},
    "FocalLoss": {"gamma": 2.0, "alpha": 0.25, "weights": None},
    "PolyLoss": {"epsilon": 1.0, "gamma": 0.0, "alpha": -1.0, "labelSmoothing": 0.0, "weights": None},
    "HingeLoss": {"mode": "BINARY", "margin": 1.0, "squared": False},
    "MaeLoss": {"weights": None},
    "MseLoss": {"weights": None},
    "HuberLoss": {"delta": 1.0},
    "SmoothL1Loss": {"beta": 1.0},
}
ELEMENTWISE = {"BinaryCrossEntropyLoss", "MaeLoss", "MseLoss", "HuberLoss", "SmoothL1Loss"}

# Per-class / per-column vectors.  All values are exactly representable in float32, so it
# does not matter whether the Java side stores them as float or double.
WEIGHTS = [0.5, 2.0, 1.0, 1.5, 0.75, 1.25]
POS_WEIGHT = [2.0, 0.5, 3.0, 1.0, 1.5, 0.25]

KINK_EPS = 1e-3
CLAMP_EPS = 1e-7


def close(a, b, rtol=1e-11, atol=1e-12):
    a = torch.as_tensor(a, dtype=torch.float64)
    b = torch.as_tensor(b, dtype=torch.float64)
    return bool(torch.allclose(a, b, rtol=rtol, atol=atol))


CHECKS = Counter()
CHECKING = [True]   # switched off while evaluating finite differences


def check(cond, what, case_id):
    if not CHECKING[0]:
        return
    if not cond:
        raise AssertionError("self-check failed: %s in case %s" % (what, case_id))
    CHECKS[what] += 1


# --------------------------------------------------------------------------------------
# Random inputs
# --------------------------------------------------------------------------------------

def rand_uniform(shape, lo, hi):
    return lo + (hi - lo) * torch.rand(shape)


def soft_prob_labels(R, K):
    """Rows of probabilities that are multiples of 1/256 (exact in float32) summing to exactly 1."""
    rows = []
    for _ in range(R):
        w = torch.rand(K) + 0.05
        n = torch.floor(w / w.sum() * 256).clamp(min=1)
        n[torch.argmax(n)] += 256 - n.sum()
        rows.append(n / 256.0)
    return torch.stack(rows)


def onehot_from_index(idx, K):
    return F.one_hot(idx, K).to(torch.float64)


def make_mask(kind, R, K):
    if kind == "nomask":
        return None
    shape = (R, 1) if kind == "rowmask" else (R, K)
    while True:
        m = (torch.rand(shape) < 0.6).to(torch.float64)
        if m.min() == 0 and m.max() == 1:
            return m


def to_f32(x):
    return None if x is None else x.float().double()


def activation(name, z):
    if name == "softmax":
        return F.softmax(z, dim=1)
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "identity":
        return z
    if name == "tanh":
        return torch.tanh(z)
    raise ValueError(name)


# --------------------------------------------------------------------------------------
# Loss implementations.  Each returns (per_element [R,K] or None, per_row [R]) as a function
# of z (so autograd gives d/dz).  Element masks are applied by the caller for element-wise
# losses; per-row value = mean over K of (per_element * element_mask).
# --------------------------------------------------------------------------------------

def wvec(opts, K):
    w = opts.get("weights")
    return torch.ones(K) if w is None else torch.tensor(w)


def index_of(y, kind):
    """long index tensor [R] from one-hot [R,K] or index [R,1] labels."""
    if kind == "index":
        return y[:, 0].round().long()
    return torch.argmax(y, dim=1)


def hard_labels(y, kind, K):
    """one-hot [R,K] for index labels, labels unchanged otherwise."""
    if kind == "index":
        return onehot_from_index(index_of(y, kind), K)
    return y


def ce_loss(z, y, kind, act, opts, ctx):
    K = z.shape[1]
    w = opts.get("weights")
    wt = None if w is None else torch.tensor(w)
    e = opts.get("labelSmoothing", 0.0)
    Y = hard_labels(y, kind, K)
    ys = (1 - e) * Y + e / K
    if act == "softmax":
        target = y if kind == "soft" else index_of(y, kind)
        row = F.cross_entropy(z, target, weight=wt, label_smoothing=e, reduction="none")
        manual = -(wvec(opts, K) * ys * F.log_softmax(z, dim=1)).sum(1)
        check(close(row, manual), "CE softmax: F.cross_entropy(none) == -sum w y' log_softmax", ctx)
        if ctx.unmasked:
            ref = F.cross_entropy(z, target, weight=wt, label_smoothing=e, reduction="sum")
            check(close(row.sum() / z.shape[0], ref / z.shape[0]),
                  "CE softmax: mean == F.cross_entropy(sum)/R", ctx)
            if wt is None:
                ref_m = F.cross_entropy(z, target, label_smoothing=e, reduction="mean")
                check(close(row.mean(), ref_m), "CE softmax: mean == F.cross_entropy(mean) (unweighted)", ctx)
        return None, row
    assert act == "identity"
    p = z.clamp(CLAMP_EPS, 1 - CLAMP_EPS)
    row = -(wvec(opts, K) * ys * torch.log(p)).sum(1)
    if e == 0.0:
        ref = F.nll_loss(torch.log(p), index_of(y, kind), weight=wt, reduction="none")
        check(close(row, ref), "CE identity: == F.nll_loss(log p) (no smoothing)", ctx)
    return None, row


def bce_loss(z, y, kind, act, opts, ctx):
    K = z.shape[1]
    e = opts.get("labelSmoothing", 0.0)
    w = None if opts.get("weights") is None else torch.tensor(opts["weights"])
    pw = None if opts.get("posWeight") is None else torch.tensor(opts["posWeight"])
    ys = y * (1 - e) + e / 2
    if act == "sigmoid":
        el = F.binary_cross_entropy_with_logits(z, ys, weight=w, pos_weight=pw, reduction="none")
        if ctx.unmasked:
            ref = F.binary_cross_entropy_with_logits(z, ys, weight=w, pos_weight=pw, reduction="mean")
            check(close(el.mean(1).mean(), ref), "BCE sigmoid: mean == BCE_with_logits(mean)", ctx)
        p = torch.sigmoid(z)
        manual = -(w if w is not None else 1.0) * (
            (pw if pw is not None else 1.0) * ys * torch.log(p) + (1 - ys) * torch.log(1 - p))
        check(close(el, manual, rtol=1e-9, atol=1e-12), "BCE sigmoid: BCE_with_logits == manual formula", ctx)
        return el, None
    assert act == "identity"
    p = z.clamp(CLAMP_EPS, 1 - CLAMP_EPS)
    wv = torch.ones(K) if w is None else w
    pwv = torch.ones(K) if pw is None else pw
    el = -wv * (pwv * ys * torch.log(p) + (1 - ys) * torch.log(1 - p))
    if pw is None:
        ref = F.binary_cross_entropy(p, ys, weight=w, reduction="none")
        check(close(el, ref), "BCE identity: == F.binary_cross_entropy (no posWeight)", ctx)
    return el, None


def focal_loss(z, y, kind, act, opts, ctx):
    K = z.shape[1]
    gamma = opts.get("gamma", 2.0)
    alpha = opts.get("alpha", 0.25)
    if act == "sigmoid":
        el = sigmoid_focal_loss(z, y, alpha=alpha, gamma=gamma, reduction="none") * wvec(opts, K)
        if ctx.unmasked and opts.get("weights") is None:
            ref = sigmoid_focal_loss(z, y, alpha=alpha, gamma=gamma, reduction="mean")
            check(close(el.mean(1).mean(), ref), "Focal sigmoid: mean == sigmoid_focal_loss(mean)", ctx)
            ref_s = sigmoid_focal_loss(z, y, alpha=alpha, gamma=gamma, reduction="sum")
            check(close(el.mean(1).sum(), ref_s / K), "Focal sigmoid: sum == sigmoid_focal_loss(sum)/K", ctx)
        return el, None
    assert act == "softmax"
    Y = hard_labels(y, kind, K)
    logp = F.log_softmax(z, dim=1)
    p = F.softmax(z, dim=1)
    row = -(wvec(opts, K) * Y * (1 - p) ** gamma * logp).sum(1)
    if gamma == 0.0:
        wt = None if opts.get("weights") is None else torch.tensor(opts["weights"])
        target = y if kind == "soft" else index_of(y, kind)
        ref = F.cross_entropy(z, target, weight=wt, reduction="none")
        check(close(row, ref), "Focal softmax gamma=0: == F.cross_entropy(none)", ctx)
    return None, row


def poly_loss(z, y, kind, act, opts, ctx):
    K = z.shape[1]
    eps = opts.get("epsilon", 1.0)
    gamma = opts.get("gamma", 0.0)
    alpha = opts.get("alpha", -1.0)
    e = opts.get("labelSmoothing", 0.0)
    w = wvec(opts, K)
    if act == "softmax":
        Y = hard_labels(y, kind, K)
        ys = (1 - e) * Y + e / K
        p = F.softmax(z, dim=1)
        logp = F.log_softmax(z, dim=1)
        base = -(w * ys * (1 - p) ** gamma * logp).sum(1)
        pt = (ys * p).sum(1)
        row_w = (w * Y).sum(1) if opts.get("weights") is not None else torch.ones(z.shape[0])
        row = base + row_w * eps * (1 - pt) ** (gamma + 1)
        if gamma == 0.0 and opts.get("weights") is None:
            target = y if kind == "soft" else index_of(y, kind)
            ref = F.cross_entropy(z, target, label_smoothing=e, reduction="none") + eps * (1 - pt)
            what = ("Poly softmax gamma=0,e=0,no weights: == F.cross_entropy(none) + eps(1-p_t)" if e == 0.0
                    else "Poly softmax gamma=0,no weights: == F.cross_entropy(label_smoothing, none) + eps(1-p_t)")
            check(close(row, ref), what, ctx)
            if ctx.unmasked and e == 0.0:
                ref_m = F.cross_entropy(z, target, reduction="mean") + eps * (1 - pt).mean()
                check(close(row.mean(), ref_m), "Poly softmax: mean == F.cross_entropy(mean) + eps*mean(1-p_t)", ctx)
        return None, row
    assert act == "sigmoid"
    ys = y * (1 - e) + e / 2
    p = torch.sigmoid(z)
    pt = ys * p + (1 - ys) * (1 - p)
    ce = F.binary_cross_entropy_with_logits(z, ys, reduction="none")
    base = ce * (1 - pt) ** gamma
    if alpha >= 0:
        base = base * (alpha * ys + (1 - alpha) * (1 - ys))
    check(close(base, sigmoid_focal_loss(z, ys, alpha=alpha, gamma=gamma, reduction="none")),
          "Poly sigmoid: focal part == torchvision sigmoid_focal_loss(y')", ctx)
    el = w * (base + eps * (1 - pt) ** (gamma + 1))
    if ctx.unmasked and gamma == 0.0 and alpha < 0 and opts.get("weights") is None:
        ref = F.binary_cross_entropy_with_logits(z, ys, reduction="mean") + eps * (1 - pt).mean()
        check(close(el.mean(1).mean(), ref), "Poly sigmoid: mean == BCE_with_logits(mean) + eps*mean(1-p_t)", ctx)
    return el, None


def hinge_terms(a, y, kind, opts):
    """Returns the hinge arguments (before max(0, .)) used both for the loss and kink checks."""
    K = a.shape[1]
    mode = opts.get("mode", "BINARY")
    m = opts.get("margin", 1.0)
    if mode == "BINARY":
        ys = y if kind == "pm1" else 2 * y - 1
        return m - ys * a
    idx = index_of(y, kind)
    Y = onehot_from_index(idx, K)
    a_y = (a * Y).sum(1, keepdim=True)
    if mode == "CRAMMER_SINGER":
        others = a.masked_fill(Y.bool(), float("-inf"))
        return m + others.max(1, keepdim=True).values - a_y      # [R,1]
    return (m + a - a_y).masked_select(~Y.bool()).view(a.shape[0], K - 1)  # WESTON_WATKINS


def hinge_loss(z, y, kind, act, opts, ctx):
    K = z.shape[1]
    mode = opts.get("mode", "BINARY")
    pexp = 2 if opts.get("squared", False) else 1
    a = activation(act, z)
    t = hinge_terms(a, y, kind, opts)
    h = torch.relu(t) ** pexp
    if mode == "BINARY":
        return h, None
    if mode == "CRAMMER_SINGER":
        return None, h[:, 0]
    row = h.sum(1)
    ref = K * F.multi_margin_loss(a, index_of(y, kind), p=pexp, margin=opts.get("margin", 1.0), reduction="none")
    check(close(row, ref), "Hinge WW: == C * F.multi_margin_loss(none)", ctx)
    if ctx.unmasked:
        ref_m = F.multi_margin_loss(a, index_of(y, kind), p=pexp, margin=opts.get("margin", 1.0), reduction="mean")
        check(close(row.mean(), K * ref_m), "Hinge WW: mean == C * F.multi_margin_loss(mean)", ctx)
    return None, row


def regression_loss(z, y, kind, act, opts, ctx):
    K = z.shape[1]
    a = activation(act, z)
    name = ctx.loss
    if name == "MaeLoss":
        fn = lambda red: F.l1_loss(a, y, reduction=red)
    elif name == "MseLoss":
        fn = lambda red: F.mse_loss(a, y, reduction=red)
    elif name == "HuberLoss":
        fn = lambda red: F.huber_loss(a, y, reduction=red, delta=opts.get("delta", 1.0))
    else:
        fn = lambda red: F.smooth_l1_loss(a, y, reduction=red, beta=opts.get("beta", 1.0))
    el = fn("none")
    if name in ("MaeLoss", "MseLoss"):
        el = el * wvec(opts, K)
    if ctx.unmasked and opts.get("weights") is None:
        check(close(el.mean(1).mean(), fn("mean")), "%s: mean == torch function(mean)" % name, ctx)
        check(close(el.mean(1).sum(), fn("sum") / K), "%s: sum == torch function(sum)/K" % name, ctx)
    return el, None


LOSS_FN = {
    "CrossEntropyLoss": ce_loss,
    "BinaryCrossEntropyLoss": bce_loss,
    "FocalLoss": focal_loss,
    "PolyLoss": poly_loss,
    "HingeLoss": hinge_loss,
    "MaeLoss": regression_loss,
    "MseLoss": regression_loss,
    "HuberLoss": regression_loss,
    "SmoothL1Loss": regression_loss,
}


def is_elementwise(loss, act, opts):
    if loss in ELEMENTWISE:
        return True
    if loss in ("FocalLoss", "PolyLoss"):
        return act == "sigmoid"
    if loss == "HingeLoss":
        return opts.get("mode", "BINARY") == "BINARY"
    return False


# --------------------------------------------------------------------------------------
# Input generation per loss (with kink avoidance)
# --------------------------------------------------------------------------------------

def gen_labels(kind, R, K):
    if kind == "onehot":
        return onehot_from_index(torch.randint(0, K, (R,)), K)
    if kind == "index":
        return torch.randint(0, K, (R, 1)).to(torch.float64)
    if kind == "soft":
        return soft_prob_labels(R, K)
    if kind == "binary":            # 0/1 multi-label
        return (torch.rand(R, K) < 0.5).to(torch.float64)
    if kind == "softbin":           # soft targets in [0,1]
        return torch.rand(R, K)
    if kind == "pm1":
        return 2 * (torch.rand(R, K) < 0.5).to(torch.float64) - 1
    if kind == "01":
        return (torch.rand(R, K) < 0.5).to(torch.float64)
    if kind == "real":
        return torch.randn(R, K)
    raise ValueError(kind)


def gen_z(loss, act, R, K, opts):
    if act == "identity" and loss in ("CrossEntropyLoss", "BinaryCrossEntropyLoss"):
        return rand_uniform((R, K), 0.02, 0.98)
    if act in ("softmax", "sigmoid"):
        return 1.5 * torch.randn(R, K)
    if loss == "HingeLoss":
        return (1.5 if act == "identity" else 1.2) * torch.randn(R, K)
    # regression
    return (2.0 if act == "identity" else 1.5) * torch.randn(R, K)


def inputs_ok(loss, act, opts, z, y, kind, mask):
    """Reject draws where a non-differentiable point is within KINK_EPS (and degenerate hinge draws)."""
    if loss == "HingeLoss":
        a = activation(act, z)
        t = hinge_terms(a, y, kind, opts)
        if (t.abs() < KINK_EPS).any():
            return False
        # the unmasked hinge terms must contain an active one (loss > 0), and for the
        # identity activation also an inactive one (for tanh that may be impossible)
        keep = torch.ones_like(t) if mask is None else mask.expand(t.shape[0], t.shape[1]) if mask.shape[1] == 1 \
            else mask
        live = t[keep.bool()]
        if not (live > 0).any():
            return False
        if act == "identity" and not (live < 0).any():
            return False
        if opts.get("mode") == "CRAMMER_SINGER" and z.shape[1] >= 3:
            Y = onehot_from_index(index_of(y, kind), z.shape[1]).bool()
            others = a.masked_fill(Y, float("-inf"))
            top2 = others.topk(2, dim=1).values
            if ((top2[:, 0] - top2[:, 1]).abs() < KINK_EPS).any():
                return False
        return True
    if loss in ("MaeLoss", "MseLoss", "HuberLoss", "SmoothL1Loss"):
        r = (activation(act, z) - y).abs()
        if (r < KINK_EPS).any():
            return False
        thr = opts.get("delta", 1.0) if loss == "HuberLoss" else opts.get("beta", 1.0) if loss == "SmoothL1Loss" else None
        if thr is not None and thr > 0:
            if ((r - thr).abs() < KINK_EPS).any():
                return False
            # want residuals on both sides of delta / beta
            if not ((r < thr).any() and (r > thr).any()):
                return False
        return True
    return True


# --------------------------------------------------------------------------------------
# Case construction
# --------------------------------------------------------------------------------------

class Ctx:
    def __init__(self, case_id, loss, unmasked):
        self.id = case_id
        self.loss = loss
        self.unmasked = unmasked

    def __str__(self):
        return self.id


def fmt_num(v):
    return ("%g" % v)


def make_id(loss, act, opts, kind, mask, dtype):
    parts = []
    for k, v in opts.items():
        if v is None:
            continue
        if isinstance(v, str):
            parts.append("%s=%s" % (k, v))
        elif isinstance(v, bool):
            parts.append(k if v else "%s=false" % k)
        elif k in ("weights", "posWeight"):
            parts.append(k)
        else:
            parts.append("%s=%s" % (k, fmt_num(v)))
    return "/".join([loss, act, ",".join(parts) if parts else "default", kind, mask, dtype])


def resolve_opts(loss, opts, K):
    """Fill per-class vectors for the actual K and drop anything equal to the default."""
    out = OrderedDict()
    for k, v in opts.items():
        if k not in DEFAULTS[loss]:
            raise KeyError("unknown option %s for %s" % (k, loss))
        if v == "W":
            v = WEIGHTS[:K]
        elif v == "PW":
            v = POS_WEIGHT[:K]
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            v = float(v)
        if v == DEFAULTS[loss][k]:
            continue
        out[k] = v
    return out


def build_case(loss, act, opts_spec, kind, mask_kind, dtype):
    case_id = make_id(loss, act, opts_spec, kind, mask_kind, dtype)
    seed = zlib.crc32(case_id.encode("utf-8"))
    torch.manual_seed(seed)
    R = int(torch.randint(3, 9, (1,)))
    K = int(torch.randint(2, 7, (1,)))
    opts = resolve_opts(loss, opts_spec, K)
    for attempt in range(10000):
        z = gen_z(loss, act, R, K, opts)
        y = gen_labels(kind, R, K)
        mask = make_mask(mask_kind, R, K)
        if dtype == "float32":
            z, y, mask = to_f32(z), to_f32(y), to_f32(mask)
        if inputs_ok(loss, act, opts, z, y, kind, mask):
            break
    else:
        raise RuntimeError("could not draw kink-free inputs for " + case_id)
    elementwise = is_elementwise(loss, act, opts)
    if mask_kind == "elemmask" and not elementwise:
        raise ValueError("element mask on non element-wise loss: " + case_id)

    ctx = Ctx(case_id, loss, mask is None)
    fn = LOSS_FN[loss]

    def score_rows(zz, record=True):
        CHECKING[0] = record
        try:
            el, row = fn(zz, y, kind, act, opts, ctx)
        finally:
            CHECKING[0] = True
        if el is not None:
            if mask is not None and mask_kind == "elemmask":
                el = el * mask
            row = el.mean(1)      # divide by K, not by the mask count
        if mask is not None and mask_kind == "rowmask":
            row = row * mask[:, 0]
        return row

    zv = z.clone().requires_grad_(True)
    rows = score_rows(zv)
    total = rows.sum()
    (grad,) = torch.autograd.grad(total, zv)
    rows = rows.detach()
    mean = total.item() / R

    # independent checks ----------------------------------------------------------
    check(torch.isfinite(rows).all() and torch.isfinite(grad).all(), "finite values", ctx)
    if mask is not None:
        gm = mask.expand(R, K) if mask_kind == "rowmask" else mask
        check(bool((grad[gm == 0] == 0).all()), "masked gradient entries are exactly 0", ctx)
        if mask_kind == "rowmask":
            check(bool((rows[mask[:, 0] == 0] == 0).all()), "masked rows score exactly 0", ctx)
    # central finite differences of d(sum)/dz
    h = 1e-6
    num = torch.zeros(R, K)
    with torch.no_grad():
        for i in range(R):
            for j in range(K):
                zp = z.clone(); zp[i, j] += h
                zm = z.clone(); zm[i, j] -= h
                num[i, j] = (score_rows(zp, False).sum() - score_rows(zm, False).sum()) / (2 * h)
    check(close(grad, num, rtol=1e-5, atol=1e-6), "autograd gradient == central finite difference", ctx)

    case = OrderedDict()
    case["id"] = case_id
    lo = OrderedDict([("@class", CLASSES[loss])])
    lo.update(opts)
    case["loss"] = lo
    case["activation"] = act
    case["dtype"] = dtype
    case["z"] = z.tolist()
    case["labels"] = y.tolist()
    case["mask"] = None if mask is None else mask.tolist()
    case["mean"] = mean
    case["sum"] = total.item()
    case["scoreArray"] = rows.view(R, 1).tolist()
    case["gradient"] = grad.tolist()
    return case


# --------------------------------------------------------------------------------------
# Case list
# --------------------------------------------------------------------------------------

def specs():
    S = []

    def add(loss, act, opts, kind, mask, dtype):
        S.append((loss, act, OrderedDict(opts), kind, mask, dtype))

    # ---- CrossEntropyLoss --------------------------------------------------------
    L = "CrossEntropyLoss"
    for kind in ("onehot", "soft", "index"):
        for dt in ("float64", "float32"):
            add(L, "softmax", [], kind, "nomask", dt)
    add(L, "softmax", [("weights", "W")], "onehot", "nomask", "float64")
    add(L, "softmax", [("weights", "W")], "index", "nomask", "float32")
    add(L, "softmax", [("weights", "W")], "soft", "nomask", "float64")
    add(L, "softmax", [("labelSmoothing", 0.1)], "onehot", "nomask", "float64")
    add(L, "softmax", [("labelSmoothing", 0.1)], "index", "nomask", "float32")
    add(L, "softmax", [("labelSmoothing", 0.1)], "soft", "nomask", "float32")
    add(L, "softmax", [("weights", "W"), ("labelSmoothing", 0.1)], "index", "nomask", "float64")
    add(L, "softmax", [("weights", "W"), ("labelSmoothing", 0.1)], "soft", "nomask", "float32")
    add(L, "softmax", [("weights", "W"), ("labelSmoothing", 0.1)], "onehot", "nomask", "float32")
    add(L, "softmax", [], "onehot", "rowmask", "float64")
    add(L, "softmax", [], "index", "rowmask", "float32")
    add(L, "softmax", [("weights", "W")], "soft", "rowmask", "float64")
    add(L, "softmax", [("labelSmoothing", 0.1)], "onehot", "rowmask", "float32")
    for kind in ("onehot", "index"):
        for dt in ("float64", "float32"):
            add(L, "identity", [], kind, "nomask", dt)
    add(L, "identity", [("weights", "W")], "onehot", "nomask", "float64")
    add(L, "identity", [("weights", "W")], "index", "nomask", "float32")
    add(L, "identity", [("labelSmoothing", 0.1)], "onehot", "nomask", "float32")
    add(L, "identity", [("labelSmoothing", 0.1)], "index", "nomask", "float64")
    add(L, "identity", [("weights", "W"), ("labelSmoothing", 0.1)], "index", "nomask", "float64")
    add(L, "identity", [], "onehot", "rowmask", "float64")
    add(L, "identity", [("weights", "W")], "index", "rowmask", "float32")

    # ---- BinaryCrossEntropyLoss --------------------------------------------------
    L = "BinaryCrossEntropyLoss"
    for act in ("sigmoid", "identity"):
        for kind in ("binary", "softbin"):
            for dt in ("float64", "float32"):
                add(L, act, [], kind, "nomask", dt)
        add(L, act, [("weights", "W")], "binary", "nomask", "float64")
        add(L, act, [("posWeight", "PW")], "binary", "nomask", "float32")
        add(L, act, [("labelSmoothing", 0.1)], "binary", "nomask", "float64")
        add(L, act, [("weights", "W"), ("posWeight", "PW")], "softbin", "nomask", "float64")
        add(L, act, [("weights", "W"), ("posWeight", "PW"), ("labelSmoothing", 0.1)], "binary", "nomask", "float32")
        add(L, act, [], "binary", "rowmask", "float64")
        add(L, act, [("posWeight", "PW")], "softbin", "rowmask", "float32")
        add(L, act, [], "binary", "elemmask", "float64")
        add(L, act, [("weights", "W"), ("labelSmoothing", 0.1)], "binary", "elemmask", "float32")
    add(L, "sigmoid", [("weights", "W")], "softbin", "nomask", "float32")
    add(L, "sigmoid", [("labelSmoothing", 0.1)], "softbin", "nomask", "float32")

    # ---- FocalLoss -----------------------------------------------------------------
    L = "FocalLoss"
    add(L, "sigmoid", [], "binary", "nomask", "float64")
    add(L, "sigmoid", [], "binary", "nomask", "float32")
    add(L, "sigmoid", [("gamma", 0.0)], "binary", "nomask", "float64")
    add(L, "sigmoid", [("gamma", 0.5)], "binary", "nomask", "float32")
    add(L, "sigmoid", [("gamma", 3.0)], "binary", "nomask", "float64")
    add(L, "sigmoid", [("gamma", 0.5)], "binary", "rowmask", "float32")
    add(L, "sigmoid", [("alpha", -1.0)], "binary", "nomask", "float64")
    add(L, "sigmoid", [("alpha", 0.5)], "binary", "nomask", "float32")
    add(L, "sigmoid", [("alpha", 0.75), ("gamma", 3.0)], "binary", "nomask", "float32")
    add(L, "sigmoid", [("weights", "W")], "binary", "nomask", "float64")
    add(L, "sigmoid", [], "softbin", "nomask", "float64")
    add(L, "sigmoid", [("gamma", 0.5)], "softbin", "nomask", "float32")
    add(L, "sigmoid", [], "binary", "rowmask", "float64")
    add(L, "sigmoid", [], "binary", "elemmask", "float64")
    add(L, "sigmoid", [("gamma", 0.0), ("alpha", -1.0)], "binary", "elemmask", "float32")
    add(L, "sigmoid", [("gamma", 0.5), ("alpha", -1.0), ("weights", "W")], "softbin", "nomask", "float32")
    for kind in ("onehot", "soft", "index"):
        for dt in ("float64", "float32"):
            add(L, "softmax", [], kind, "nomask", dt)
    add(L, "softmax", [("gamma", 0.0)], "onehot", "nomask", "float64")
    add(L, "softmax", [("gamma", 0.0)], "soft", "nomask", "float32")
    add(L, "softmax", [("gamma", 0.5)], "onehot", "nomask", "float32")
    add(L, "softmax", [("gamma", 0.5)], "index", "nomask", "float64")
    add(L, "softmax", [("gamma", 3.0)], "soft", "nomask", "float64")
    add(L, "softmax", [("gamma", 3.0)], "index", "nomask", "float32")
    add(L, "softmax", [("alpha", 0.5)], "onehot", "nomask", "float64")
    add(L, "softmax", [("alpha", -1.0)], "index", "nomask", "float32")
    add(L, "softmax", [("weights", "W")], "onehot", "nomask", "float64")
    add(L, "softmax", [("weights", "W"), ("gamma", 0.5)], "index", "nomask", "float32")
    add(L, "softmax", [("weights", "W"), ("gamma", 0.0)], "soft", "nomask", "float64")
    add(L, "softmax", [], "onehot", "rowmask", "float64")
    add(L, "softmax", [("gamma", 3.0), ("weights", "W")], "soft", "rowmask", "float32")

    # ---- PolyLoss ------------------------------------------------------------------
    L = "PolyLoss"
    for kind in ("onehot", "soft", "index"):
        for dt in ("float64", "float32"):
            add(L, "softmax", [], kind, "nomask", dt)
    add(L, "softmax", [("epsilon", -1.0)], "onehot", "nomask", "float64")
    add(L, "softmax", [("epsilon", 2.5)], "index", "nomask", "float32")
    add(L, "softmax", [("gamma", 2.0)], "onehot", "nomask", "float32")
    add(L, "softmax", [("gamma", 2.0)], "soft", "nomask", "float64")
    add(L, "softmax", [("labelSmoothing", 0.1)], "index", "nomask", "float64")
    add(L, "softmax", [("labelSmoothing", 0.1)], "soft", "nomask", "float32")
    add(L, "softmax", [("weights", "W")], "onehot", "nomask", "float64")
    add(L, "softmax", [("weights", "W")], "soft", "nomask", "float32")
    add(L, "softmax", [("epsilon", 2.5), ("gamma", 2.0), ("labelSmoothing", 0.1), ("weights", "W")],
        "index", "nomask", "float64")
    add(L, "softmax", [("epsilon", -1.0), ("gamma", 2.0)], "soft", "nomask", "float32")
    add(L, "softmax", [], "onehot", "rowmask", "float64")
    add(L, "softmax", [("epsilon", 2.5), ("weights", "W")], "index", "rowmask", "float32")
    for kind in ("binary", "softbin"):
        for dt in ("float64", "float32"):
            add(L, "sigmoid", [], kind, "nomask", dt)
    add(L, "sigmoid", [("epsilon", -1.0)], "binary", "nomask", "float32")
    add(L, "sigmoid", [("epsilon", 2.5)], "binary", "nomask", "float64")
    add(L, "sigmoid", [("gamma", 2.0)], "binary", "nomask", "float64")
    add(L, "sigmoid", [("alpha", 0.25)], "binary", "nomask", "float32")
    add(L, "sigmoid", [("gamma", 2.0), ("alpha", 0.25)], "softbin", "nomask", "float64")
    add(L, "sigmoid", [("labelSmoothing", 0.1)], "binary", "nomask", "float64")
    add(L, "sigmoid", [("weights", "W")], "binary", "nomask", "float32")
    add(L, "sigmoid", [("epsilon", 2.5), ("gamma", 2.0), ("alpha", 0.25), ("labelSmoothing", 0.1),
                       ("weights", "W")], "binary", "nomask", "float32")
    add(L, "sigmoid", [], "binary", "rowmask", "float64")
    add(L, "sigmoid", [("epsilon", -1.0), ("gamma", 2.0)], "binary", "rowmask", "float32")
    add(L, "sigmoid", [], "binary", "elemmask", "float64")
    add(L, "sigmoid", [("alpha", 0.25), ("weights", "W")], "softbin", "elemmask", "float32")

    # ---- HingeLoss -----------------------------------------------------------------
    L = "HingeLoss"
    for mode, kinds in (("BINARY", ("pm1", "01")), ("CRAMMER_SINGER", ("onehot", "index")),
                        ("WESTON_WATKINS", ("onehot", "index"))):
        mo = [("mode", mode)]
        k0, k1 = kinds
        add(L, "identity", mo, k0, "nomask", "float64")
        add(L, "identity", mo, k1, "nomask", "float32")
        add(L, "identity", mo + [("squared", True)], k0, "nomask", "float32")
        add(L, "identity", mo + [("squared", True)], k1, "nomask", "float64")
        add(L, "identity", mo + [("margin", 0.5)], k0, "nomask", "float64")
        add(L, "identity", mo + [("margin", 2.0)], k1, "nomask", "float32")
        add(L, "identity", mo + [("margin", 0.5), ("squared", True)], k1, "nomask", "float32")
        add(L, "identity", mo + [("margin", 2.0), ("squared", True)], k0, "nomask", "float64")
        add(L, "tanh", mo, k0, "nomask", "float32")
        add(L, "tanh", mo, k1, "nomask", "float64")
        add(L, "tanh", mo + [("margin", 0.5), ("squared", True)], k0, "nomask", "float64")
        add(L, "tanh", mo + [("margin", 2.0)], k1, "nomask", "float32")
        add(L, "identity", mo, k0, "rowmask", "float64")
        add(L, "tanh", mo + [("squared", True)], k1, "rowmask", "float32")
        if mode == "BINARY":
            add(L, "identity", mo, k1, "elemmask", "float64")
            add(L, "tanh", mo + [("margin", 0.5)], k0, "elemmask", "float32")

    # ---- Regression ------------------------------------------------------------------
    for L in ("MaeLoss", "MseLoss"):
        for act in ("identity", "tanh"):
            for dt in ("float64", "float32"):
                add(L, act, [], "real", "nomask", dt)
        add(L, "identity", [("weights", "W")], "real", "nomask", "float64")
        add(L, "tanh", [("weights", "W")], "real", "nomask", "float32")
        add(L, "identity", [], "real", "rowmask", "float32")
        add(L, "tanh", [("weights", "W")], "real", "rowmask", "float64")
        add(L, "identity", [], "real", "elemmask", "float64")
        add(L, "identity", [("weights", "W")], "real", "elemmask", "float32")
        add(L, "tanh", [], "real", "elemmask", "float32")
    L = "HuberLoss"
    for act in ("identity", "tanh"):
        for dt in ("float64", "float32"):
            add(L, act, [], "real", "nomask", dt)
    add(L, "identity", [("delta", 0.5)], "real", "nomask", "float64")
    add(L, "identity", [("delta", 2.0)], "real", "nomask", "float32")
    add(L, "tanh", [("delta", 0.5)], "real", "nomask", "float32")
    add(L, "tanh", [("delta", 2.0)], "real", "nomask", "float64")
    add(L, "identity", [("delta", 0.5)], "real", "rowmask", "float32")
    add(L, "tanh", [], "real", "rowmask", "float64")
    add(L, "identity", [], "real", "elemmask", "float64")
    add(L, "identity", [("delta", 2.0)], "real", "elemmask", "float32")
    L = "SmoothL1Loss"
    for act in ("identity", "tanh"):
        for dt in ("float64", "float32"):
            add(L, act, [], "real", "nomask", dt)
    add(L, "identity", [("beta", 0.0)], "real", "nomask", "float64")
    add(L, "identity", [("beta", 0.0)], "real", "nomask", "float32")
    add(L, "tanh", [("beta", 0.0)], "real", "nomask", "float64")
    add(L, "identity", [("beta", 0.5)], "real", "nomask", "float32")
    add(L, "tanh", [("beta", 0.5)], "real", "nomask", "float64")
    add(L, "identity", [("beta", 2.0)], "real", "nomask", "float64")
    add(L, "tanh", [("beta", 2.0)], "real", "nomask", "float32")
    add(L, "identity", [("beta", 0.5)], "real", "rowmask", "float64")
    add(L, "tanh", [], "real", "rowmask", "float32")
    add(L, "identity", [], "real", "elemmask", "float32")
    add(L, "identity", [("beta", 0.0)], "real", "elemmask", "float64")
    return S


# --------------------------------------------------------------------------------------
# Mean bias error fixtures
# --------------------------------------------------------------------------------------

def mbe_case(case_id, R, K, mask_kind):
    torch.manual_seed(zlib.crc32(case_id.encode("utf-8")))
    y = torch.randn(R, K)
    a = torch.randn(R, K)
    while True:
        m = make_mask(mask_kind, R, K)
        mm = torch.ones(R, K) if m is None else m.expand(R, K)
        if (mm.sum(0) > 0).all():          # every column needs at least one unmasked entry
            break
    d = mm * (y - a)
    overall = (d.sum() / mm.sum()).item()
    per_col = (d.sum(0) / mm.sum(0))
    # independent check: masked_select means
    sel = mm.bool()
    check(close(overall, (y - a)[sel].mean()), "MBE overall == mean of selected residuals", case_id)
    for k in range(K):
        check(close(per_col[k], (y[:, k] - a[:, k])[sel[:, k]].mean()), "MBE perColumn == column mean", case_id)
    if m is None:
        check(close(overall, (y - a).mean()), "MBE unmasked overall == mean(y - a)", case_id)
    c = OrderedDict()
    c["id"] = case_id
    c["labels"] = y.tolist()
    c["predictions"] = a.tolist()
    c["mask"] = None if m is None else m.tolist()
    c["overall"] = overall
    c["perColumn"] = per_col.tolist()
    return c


def main():
    cases = []
    seen = set()
    for spec in specs():
        c = build_case(*spec)
        if c["id"] in seen:
            raise AssertionError("duplicate case id " + c["id"])
        seen.add(c["id"])
        cases.append(c)

    mbe = [
        mbe_case("MeanBiasError/nomask/5x3", 5, 3, "nomask"),
        mbe_case("MeanBiasError/nomask/3x2", 3, 2, "nomask"),
        mbe_case("MeanBiasError/rowmask/6x4", 6, 4, "rowmask"),
        mbe_case("MeanBiasError/elemmask/7x3", 7, 3, "elemmask"),
        mbe_case("MeanBiasError/elemmask/4x5", 4, 5, "elemmask"),
    ]

    header = OrderedDict([("generator", "src/test/python/make_fixtures.py"),
                          ("torch", torch.__version__), ("torchvision", torchvision.__version__)])
    dumps = lambda o: json.dumps(o, allow_nan=False)
    text = (dumps(header)[:-1] + ",\n"
            + ' "cases": [\n' + ",\n".join("  " + dumps(c) for c in cases) + "\n ],\n"
            + ' "meanBiasError": [\n' + ",\n".join("  " + dumps(c) for c in mbe) + "\n ]\n}\n")
    json.loads(text)   # sanity: valid JSON
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)

    per_loss = Counter(c["id"].split("/")[0] for c in cases)
    per_dtype = Counter((c["id"].split("/")[0], c["dtype"]) for c in cases)
    print("wrote %s (%d bytes)" % (OUT, len(text.encode("utf-8"))))
    print("torch %s, torchvision %s" % (torch.__version__, torchvision.__version__))
    print("%-24s %5s %8s %8s" % ("loss", "cases", "float64", "float32"))
    for name in CLASSES:
        print("%-24s %5d %8d %8d" % (name, per_loss[name], per_dtype[(name, "float64")],
                                     per_dtype[(name, "float32")]))
    print("%-24s %5d" % ("TOTAL", len(cases)))
    print("meanBiasError cases: %d" % len(mbe))
    print("self-checks passed: %d (%d kinds)" % (sum(CHECKS.values()), len(CHECKS)))
    if "-v" in sys.argv:
        for k, v in sorted(CHECKS.items()):
            print("  %5d  %s" % (v, k))


if __name__ == "__main__":
    main()
