#!/usr/bin/python3
"""Golden values for the listwise ranking losses: ListwiseSoftmaxLoss, ListMleLoss, ApproxNdcgLoss.

    /usr/bin/python3 src/test/python/make_listwise_fixtures.py

One row is one query's list of K items (scores z [R, K], relevance grades y [R, K]); an element
mask marks padding, a row mask removes whole lists. The references re-implement in torch, float64:
  ListwiseSoftmaxLoss  optax's ranking_softmax_loss(z, y, where=valid): -sum q log softmax(z) over
                       the valid items, q = y / sum y (0 for a list without relevance), mean over lists
  ListMleLoss          TF-Ranking's ListMLELoss: the valid items sorted by grade (torch.sort, stable, so
                       ties keep their column order, where TF-Ranking shuffles them), then
                       sum_i log(sum_{j >= i} exp(s_j - max)) - (s_i - max)
  ApproxNdcgLoss       TF-Ranking's ApproxNDCGLoss: padded scores moved to min - 1e3, approx_ranks
                       sum_j sigmoid(alpha (s_j - s_i)) + 0.5 with alpha = 1 / temperature, gains
                       2^y - 1, discounts 1 / log2(1 + rank), -DCG / ideal DCG (0 if the ideal is 0)
Masked entries hold garbage (grade -5, score 50) that the loss must not read.
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

PKG = "org.dl4jlosses.ranking."
R, K = 6, 7


def valid_of(a, mask):
    if mask is None:
        return torch.ones_like(a, dtype=torch.bool)
    return mask.expand_as(a) != 0


def listnet(options):
    def reference(a, y, mask):
        valid = valid_of(a, mask)
        any_valid = valid.any(1, keepdim=True)
        logits = torch.where(valid, a, torch.full_like(a, -float("inf")))
        logits = torch.where(any_valid, logits, torch.zeros_like(a))
        log_p = torch.log_softmax(logits, 1)
        labels = torch.where(valid, y, torch.zeros_like(y))
        mass = labels.sum(1, keepdim=True)
        q = labels / torch.where(mass > 0, mass, torch.ones_like(mass))
        rows = -torch.where(valid, q * log_p, torch.zeros_like(a)).sum(1)
        return rows.mean(), rows
    return reference


def list_mle(options):
    def reference(a, y, mask):
        valid = valid_of(a, mask)
        rows = []
        for r in range(a.shape[0]):
            s, g = a[r][valid[r]], y[r][valid[r]]
            if s.numel() == 0:
                rows.append(a[r].sum() * 0)
                continue
            order = torch.sort(g, descending=True, stable=True).indices
            s = s[order]
            s = s - s.max()
            sums = torch.flip(torch.cumsum(torch.flip(torch.exp(s), [0]), 0), [0])
            rows.append((torch.log(sums) - s).sum())
        rows = torch.stack(rows)
        return rows.mean(), rows
    return reference


def approx_ndcg(options):
    alpha = 1.0 / options.get("temperature", 0.1)

    def reference(a, y, mask):
        valid = valid_of(a, mask)
        labels = torch.where(valid, y, torch.zeros_like(y))
        low = torch.where(valid, a, torch.full_like(a, float("inf"))).min(1, keepdim=True).values
        low = torch.where(torch.isfinite(low), low, torch.zeros_like(low))
        logits = torch.where(valid, a, low.detach() - 1e3)
        pairs = torch.sigmoid(alpha * (logits.unsqueeze(1) - logits.unsqueeze(2)))   # [b, i, j]: sigma(alpha (s_j - s_i))
        ranks = pairs.sum(2) + 0.5
        gains = torch.pow(2.0, labels) - 1
        dcg = (gains / torch.log2(1 + ranks)).sum(1)
        ideal = torch.sort(gains, 1, descending=True).values
        idcg = (ideal / torch.log2(1 + torch.arange(1, a.shape[1] + 1, dtype=a.dtype))).sum(1)
        rows = torch.where(idcg > 0, -dcg / torch.where(idcg > 0, idcg, torch.ones_like(idcg)), torch.zeros_like(dcg))
        return rows.mean(), rows
    return reference


def grades(kind):
    if kind == "integer":
        y = torch.randint(0, 5, (R, K)).double()
        y[2] = 0                                   # a list without a relevant item
        y[3, :3] = 2                               # ties
        return y
    if kind == "binary":
        return (torch.rand(R, K) < 0.3).double()
    if kind == "real":
        y = torch.rand(R, K) * 3
        y[1, 2:5] = 1.25                           # ties among real grades
        return y
    raise ValueError(kind)


def make_mask(kind):
    if kind == "nomask":
        return None
    if kind == "rowmask":
        m = torch.ones(R, 1)
        m[[1, 4]] = 0
        return m
    m = torch.ones(R, K)                           # padding: lists of different lengths
    m[0, 5:] = 0
    m[1, 1:] = 0                                   # a list of one item
    m[3, [1, 4]] = 0                               # holes inside a list
    m[5, :] = 0                                    # an empty list
    return m


def main():
    cases = []
    losses = [
        ("ListwiseSoftmaxLoss", {}, listnet),
        ("ListMleLoss", {}, list_mle),
        ("ApproxNdcgLoss", {}, approx_ndcg),
        ("ApproxNdcgLoss", {"temperature": 1.0}, approx_ndcg),
        ("ApproxNdcgLoss", {"temperature": 0.02}, approx_ndcg),
    ]
    for loss, options, reference_of in losses:
        for activation in ("identity", "tanh"):
            for kind in ("integer", "binary", "real"):
                for masking in ("nomask", "padding", "rowmask"):
                    for dtype in ("float64", "float32"):
                        name = ",".join("%s=%s" % kv for kv in options.items()) or "default"
                        case_id = "%s/%s/%s/%s/%s/%s" % (loss, name, activation, kind, masking, dtype)
                        fx.seed(case_id)
                        z = torch.randn(R, K) * (2.0 if activation == "identity" else 1.0)
                        y = grades(kind)
                        mask = make_mask(masking)
                        if mask is not None:
                            gone = mask.expand(R, K) == 0
                            y = torch.where(gone, torch.full_like(y, -5.0), y)
                            z = torch.where(gone, torch.full_like(z, 50.0), z)
                        cases.append(fx.case(case_id, PKG + loss, options, activation, dtype, z, y, mask,
                                             reference_of(options), masks_in_reference=True))
    fx.write("listwise", "make_listwise_fixtures.py", cases)


if __name__ == "__main__":
    main()
