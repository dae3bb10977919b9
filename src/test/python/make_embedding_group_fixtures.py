#!/usr/bin/python3
"""Golden values for org.dl4jlosses.embedding: SupervisedContrastiveLoss, MultiSimilarityLoss and
CircleLoss (GROUPS layout: embeddings with group ids, every pair of the batch).

pytorch-metric-learning cannot be installed here; its formulas are written again in torch, following
its sources (github.com/KevinMusgrave/pytorch-metric-learning, src/pytorch_metric_learning/):

- distances/cosine_similarity.py: F.normalize'd rows, then their matrix product;
  distances/dot_product_similarity.py without normalisation (SupConLoss with normalize = false);
- utils/loss_and_miner_utils.py: get_all_pairs_indices (ordered pairs, no self pair) and logsumexp
  (masked entries at -inf, an optional zero column, rows with nothing kept give 0);
- losses/generic_pair_loss.py: a pair list of at most one positive and one negative pair gives 0;
- losses/supcon_loss.py (+ reducers/avg_non_zero_reducer.py: mean of the losses above 0);
- losses/multi_similarity_loss.py (+ reducers/mean_reducer.py) with miners/multi_similarity_miner.py;
- losses/circle_loss.py (+ AvgNonZeroReducer); its alpha_p, alpha_n are detached there, and not here:
  the library's gradient is the loss's own derivative (the values are the same).


Per-row score arrays: SupCon and Circle spread the mean over the kept rows (value x ones); MultiSimilarity
puts each anchor's own loss on its row (its mean is over all rows). Either way the rows sum to n x value.

    /usr/bin/python3 src/test/python/make_embedding_group_fixtures.py
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

PACKAGE = "org.dl4jlosses.embedding."
NEG_INF = float("-inf")


def ids_of(labels):
    """Group ids [n] from [n, 1] ids or [n, C] one-hot rows."""
    return labels[:, 0].long() if labels.shape[1] == 1 else labels.argmax(dim=1)


def similarity(a, normalize=True):
    if normalize:
        a = F.normalize(a, p=2, dim=1)
    return a @ a.t()


def pair_masks(ids):
    matches = (ids[:, None] == ids[None, :])
    diffs = ~matches
    matches = matches.clone()
    matches.fill_diagonal_(False)
    return matches, diffs


def masked_logsumexp(x, keep, add_one):
    x = x.masked_fill(~keep, NEG_INF)
    if add_one:
        x = torch.cat([x, torch.zeros(x.shape[0], 1)], dim=1)
    out = torch.logsumexp(x, dim=1)
    return out.masked_fill(~keep.any(dim=1), 0)


def zero_rows(a):
    return a.sum() * 0 * torch.ones(a.shape[0])


def avg_non_zero(losses, anchors):
    """AvgNonZeroReducer: the mean of the losses above 0. The Java losses take the mean over the anchors
    (rows with a positive, and for Circle a negative), which is the same unless an anchor's loss has
    rounded to exactly 0 (see their Javadoc); these fixtures keep clear of that."""
    kept = losses[losses > 0]
    assert len(kept) == int(anchors.sum()), "an anchor's loss rounded to 0"
    return kept.mean() if len(kept) >= 1 else losses.sum() * 0


def supcon(temperature, normalize):
    def reference(a, labels):
        n = a.shape[0]
        pos, neg = pair_masks(ids_of(labels))
        if (pos.sum() <= 1 and neg.sum() <= 1) or not (pos.any() and neg.any()):
            return 0.0, zero_rows(a)
        mat = similarity(a, normalize) / temperature
        mat = mat - mat.max(dim=1, keepdim=True)[0].detach()
        denominator = masked_logsumexp(mat, pos | neg, False)[:, None]
        log_prob = mat - denominator
        posf = pos.to(mat.dtype)
        mean_log_prob_pos = (posf * log_prob).sum(dim=1) / (posf.sum(dim=1) + torch.finfo(mat.dtype).tiny)
        value = avg_non_zero(-mean_log_prob_pos, pos.any(dim=1))
        return value.item(), value * torch.ones(n)
    return reference


def ms_miner(mat, pos, neg, epsilon):
    """MultiSimilarityMiner on an inverted (similarity) distance: the kept positive and negative pairs."""
    if not pos.any() or not neg.any():
        return torch.zeros_like(pos), torch.zeros_like(neg)
    mat = mat.detach()
    pos_sorting = mat.masked_fill(~pos, float("inf"))     # negatives and the diagonal ignored
    neg_sorting = mat.masked_fill(~neg, NEG_INF)          # positives and the diagonal ignored
    hard_pos = (pos_sorting - epsilon) < neg_sorting.max(dim=1, keepdim=True)[0]
    hard_neg = (neg_sorting + epsilon) > pos_sorting.min(dim=1, keepdim=True)[0]
    return hard_pos & pos, hard_neg & neg


def multi_similarity(alpha, beta, base, epsilon):
    def reference(a, labels):
        pos, neg = pair_masks(ids_of(labels))
        mat = similarity(a)
        if epsilon >= 0:
            pos, neg = ms_miner(mat, pos, neg, epsilon)
        if pos.sum() <= 1 and neg.sum() <= 1:
            return 0.0, zero_rows(a)
        pos_loss = masked_logsumexp(alpha * (base - mat), pos, True) / alpha
        neg_loss = masked_logsumexp(beta * (mat - base), neg, True) / beta
        losses = pos_loss + neg_loss
        return losses.mean().item(), losses
    return reference


def circle(m, gamma):
    def reference(a, labels):
        n = a.shape[0]
        pos, neg = pair_masks(ids_of(labels))
        if pos.sum() <= 1 and neg.sum() <= 1:
            return 0.0, zero_rows(a)
        mat = similarity(a)
        new_mat = torch.zeros_like(mat)
        ap = mat[pos]
        an = mat[neg]
        new_mat = new_mat.index_put((pos.nonzero(as_tuple=True)),
                                    -gamma * torch.relu(1 + m - ap) * (ap - (1 - m)))
        new_mat = new_mat.index_put((neg.nonzero(as_tuple=True)),
                                    gamma * torch.relu(an + m) * (an - m))
        lse_pos = masked_logsumexp(new_mat, pos, False)
        lse_neg = masked_logsumexp(new_mat, neg, False)
        losses = F.softplus(lse_pos + lse_neg, beta=1, threshold=20)
        losses = losses * ((pos.sum(dim=1) > 0) & (neg.sum(dim=1) > 0)).to(losses.dtype)
        value = avg_non_zero(losses, pos.any(dim=1) & neg.any(dim=1))
        return value.item(), value * torch.ones(n)
    return reference


def supcon_options(t, normalize):
    o = {}
    if t != 0.1:
        o["temperature"] = t
    if not normalize:
        o["normalize"] = False
    return o


def ms_options(alpha, beta, base, eps):
    o = {}
    for name, v, d in (("alpha", alpha, 2.0), ("beta", beta, 50.0), ("base", base, 0.5), ("miningEpsilon", eps, 0.1)):
        if v != d:
            o[name] = v
    return o


def circle_options(m, gamma):
    o = {}
    if m != 0.4:
        o["margin"] = m
    if gamma != 80.0:
        o["gamma"] = gamma
    return o


CONFIGS = {
    "SupervisedContrastiveLoss": [((0.1, True), supcon, supcon_options), ((0.5, True), supcon, supcon_options),
                                  ((1.0, False), supcon, supcon_options)],
    "MultiSimilarityLoss": [((2.0, 50.0, 0.5, 0.1), multi_similarity, ms_options),
                            ((2.0, 50.0, 0.5, -1.0), multi_similarity, ms_options),
                            ((1.0, 10.0, 0.3, 0.0), multi_similarity, ms_options),
                            ((3.0, 20.0, 0.0, 0.5), multi_similarity, ms_options)],
    "CircleLoss": [((0.4, 80.0), circle, circle_options), ((0.25, 256.0), circle, circle_options),
                   ((0.1, 10.0), circle, circle_options)],
}


def labels_of(ids, one_hot, classes=None, junk=()):
    """[n, 1] ids (as 10 + 3 id) or [n, C] one-hot rows; rows in junk (masked) get an id of their own."""
    ids = torch.as_tensor(ids)
    if one_hot:
        c = classes if classes is not None else int(ids.max()) + 2
        y = torch.zeros(len(ids), c)
        y[torch.arange(len(ids)), ids] = 1.0
        for r in junk:
            y[r] = 0.0
            y[r, c - 1] = 1.0
        return y
    y = (10 + 3 * ids).double().view(-1, 1)
    for r in junk:
        y[r, 0] = 99.0
    return y


def row_mask(n, masked):
    mask = torch.ones(n, 1)
    for i in masked:
        mask[i] = 0
    return mask


def main_cases():
    cases = []
    n, d = 8, 4
    for loss, configs in CONFIGS.items():
        for options, maker, options_of in configs:
            for activation in ("identity", "tanh"):
                for label_form in ("ids", "one-hot"):
                    for masked in (False, True):
                        for dtype in ("float64", "float32"):
                            case_id = "%s/%s/%s/%s/%s/%s" % (loss, ",".join("%g" % o for o in options), activation,
                                                             label_form, "rowmask" if masked else "nomask", dtype)
                            fx.seed(case_id)
                            ids = torch.tensor([0, 0, 1, 1, 2, 2] + torch.randint(0, 3, (n - 6,)).tolist())
                            ids = ids[torch.randperm(n)]
                            z = torch.randn(n, d)
                            junk = [1, 5] if masked else []
                            cases.append(fx.case(case_id, PACKAGE + loss, options_of(*options), activation, dtype, z,
                                                 labels_of(ids, label_form == "one-hot", 4, junk),
                                                 row_mask(n, junk) if masked else None, maker(*options),
                                                 fd_check=True))
    return cases


def extreme_cases():
    """One id, no positives, cosines of +-1 (duplicate and opposite rows), zero rows, ties at the miner,
    large gamma / beta, small temperatures, masks leaving one id or one row."""
    cases = []
    for loss, configs in CONFIGS.items():
        options, maker, options_of = configs[0]
        for dtype in ("float64", "float32"):
            def add(name, z, ids, opts=options, mask=None, fd_check=True, activation="identity", one_hot=False):
                case_id = "%s/extreme/%s/%s" % (loss, name, dtype)
                cases.append(fx.case(case_id, PACKAGE + loss, options_of(*opts), activation, dtype, z,
                                     labels_of(ids, one_hot), mask, maker(*opts),
                                     fd_check=fd_check))

            fx.seed(loss + "/extreme/" + dtype)
            n, d = 6, 4
            add("one-id", torch.randn(n, d), [0] * n)
            add("no-positives", torch.randn(n, d), list(range(n)), one_hot=True)
            add("one-row", torch.randn(1, d), [0])
            add("mask-leaves-one-id", torch.randn(n, d), [0, 1, 0, 1, 0, 2], mask=row_mask(n, [1, 3, 5]))
            add("mask-leaves-one-row", torch.randn(n, d), [0, 0, 1, 1, 2, 2], mask=row_mask(n, [0, 1, 2, 3, 4]))
            base = torch.randn(3, d)
            # rows 0, 1: one direction (cosine 1) in id 0; row 2 opposite (cosine -1) in id 1; row 3 a
            # duplicate of row 0 in id 1 (a negative as close as the positive); rows 4, 5 random
            dup = torch.cat((base[0:1], 2.0 * base[0:1], -0.5 * base[0:1], base[0:1], base[1:3]))
            add("cosines-of-plus-minus-one", dup, [0, 0, 1, 1, 2, 2], fd_check=False)
            add("cosines-of-plus-minus-one-tanh", dup, [0, 0, 1, 1, 2, 2], fd_check=False, activation="tanh")
            zero = torch.randn(n, d)
            zero[1] = 0.0
            zero[4] = 0.0
            add("zero-rows", zero, [0, 0, 1, 1, 2, 2], fd_check=False)
            if loss == "MultiSimilarityLoss":
                for eps in (0.0, 0.1, -1.0):
                    add("ties-eps=%g" % eps, dup, [0, 1, 0, 1, 2, 2], opts=(2.0, 50.0, 0.5, eps), fd_check=False)
                add("one-id-no-mining", torch.randn(n, d), [0] * n, opts=(2.0, 50.0, 0.5, -1.0))
                # anchor 0 keeps its one positive and one negative, anchor 1 nothing, row 2 has no positive:
                # one positive and one negative pair in all, which the reference's pair loss takes as none
                add("mining-keeps-one-pair-each", torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -0.3]]), [0, 0, 1],
                    opts=(2.0, 50.0, 0.5, 0.0))
                add("mining-keeps-one-positive-two-negatives",
                    torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -0.3], [0.9, -0.5]]), [0, 0, 1, 2],
                    opts=(2.0, 50.0, 0.5, 0.0))
                add("mining-keeps-nothing", torch.tensor([[1.0, 0.0], [0.95, 0.05], [0.0, 1.0], [-1.0, 0.1]]),
                    [0, 0, 1, 2], opts=(2.0, 50.0, 0.5, 0.0))
                if dtype == "float64":
                    add("beta=1000", torch.randn(n, d), [0, 1, 0, 1, 2, 2], opts=(10.0, 1000.0, 0.5, -1.0),
                        fd_check=False)
            if loss == "CircleLoss" and dtype == "float64":
                add("gamma=1000", torch.randn(n, d), [0, 1, 0, 1, 2, 2], opts=(0.25, 1000.0), fd_check=False)
            if loss == "SupervisedContrastiveLoss" and dtype == "float64":
                add("temperature=0.01", torch.randn(n, d), [0, 1, 0, 1, 2, 2], opts=(0.01, True), fd_check=False)
                add("dot-temperature=0.01", 10 * torch.randn(n, d), [0, 1, 0, 1, 2, 2], opts=(0.01, False),
                    fd_check=False)
    return cases


def main():
    fx.write("embedding_group", "make_embedding_group_fixtures.py", main_cases() + extreme_cases())


if __name__ == "__main__":
    main()
