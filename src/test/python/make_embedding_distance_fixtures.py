#!/usr/bin/python3
"""Golden values for org.dl4jlosses.embedding: TripletLoss and ContrastiveLoss.

    /usr/bin/python3 src/test/python/make_embedding_distance_fixtures.py

References (float64, autograd):
- TripletLoss NONE (BLOCKS anchor; positive; negative): torch.nn.functional.triplet_margin_loss
  (p=2, eps=1e-6, swap) for EUCLIDEAN; triplet_margin_with_distance_loss with |x-y|^2 or
  1 - F.cosine_similarity for SQUARED_EUCLIDEAN / COSINE; `normalize` applies F.normalize first.
- TripletLoss ALL / HARD / SEMI_HARD (GROUPS): pairwise distances from explicit differences
  (Euclidean with a safe square root: 0 where the squared distance is 0), then
  ALL: mean over valid triplets with a positive loss (0 if none);
  HARD: batch-hard of Hermans, Beyer and Leibe (2017), mean over anchors with a positive and a negative;
  SEMI_HARD: TensorFlow Addons triplet_semihard_loss (tfa/losses/triplet.py), re-written in torch
  with its masked_minimum / masked_maximum reductions and its mean over all positive pairs.
- ContrastiveLoss: 0.5 [y d^2 + (1-y) max(0, m - d)^2] (Hadsell, Chopra and LeCun 2006), mean over
  pairs; BLOCKS pairs (left; right) with block-0 labels, GROUPS every pair i < j of the batch.
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

TRIPLET = "org.dl4jlosses.embedding.TripletLoss"
CONTRASTIVE = "org.dl4jlosses.embedding.ContrastiveLoss"
KINK = 1e-4  # inputs are redrawn until no hinge, ordering or swap decision is closer than this


# ---------------------------------------------------------------- distances

def row_distance(kind, x, y):
    """Distance between matching rows (BLOCKS), as the torch references define it."""
    if kind == "EUCLIDEAN":
        return F.pairwise_distance(x, y, p=2, eps=1e-6)  # |x - y + 1e-6|, what triplet_margin_loss uses
    if kind == "EXACT_EUCLIDEAN":
        return (x - y).norm(dim=1)
    if kind == "SQUARED_EUCLIDEAN":
        return (x - y).pow(2).sum(1)
    if kind == "COSINE":
        return 1 - F.cosine_similarity(x, y)
    raise ValueError(kind)


def pairwise(kind, x):
    """All pairwise distances [n, n] from explicit differences; Euclidean with a safe square root."""
    if kind == "COSINE":
        u = F.normalize(x, dim=1)
        return 1 - u @ u.T
    squared = (x[:, None, :] - x[None, :, :]).pow(2).sum(-1)
    if kind == "SQUARED_EUCLIDEAN":
        return squared
    positive = squared > 0
    return torch.where(positive, squared.clamp_min(1e-300).sqrt(), torch.zeros_like(squared))


def group_ids(labels):
    return labels[:, 0] if labels.shape[1] == 1 else labels.argmax(1).to(labels.dtype)


# ---------------------------------------------------------------- TripletLoss

def triplet_none(margin, distance, swap, normalize):
    def reference(a, labels):
        n = a.shape[0] // 3
        x = F.normalize(a, dim=1) if normalize else a
        anchor, positive, negative = x[:n], x[n:2 * n], x[2 * n:]
        if distance == "EUCLIDEAN":
            per = F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=2, eps=1e-6, swap=swap,
                                        reduction="none")
            value = F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=2, eps=1e-6, swap=swap)
        else:
            fn = lambda u, v: row_distance(distance, u, v)
            per = F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=fn,
                                                      margin=margin, swap=swap, reduction="none")
            value = F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=fn,
                                                        margin=margin, swap=swap)
        assert fx.close(per.mean(), value, 1e-12, 1e-12)
        return value, per.repeat(3)
    return reference


def masked_maximum(data, mask):
    """TFA's _masked_maximum: the row maximum over the masked entries, via a shift by the row minimum."""
    minimum = data.min(1, keepdim=True).values
    return ((data - minimum) * mask).max(1, keepdim=True).values + minimum


def masked_minimum(data, mask):
    """TFA's _masked_minimum: the row minimum over the masked entries, via a shift by the row maximum."""
    maximum = data.max(1, keepdim=True).values
    return ((data - maximum) * mask).min(1, keepdim=True).values + maximum


def semi_hard(d, same, margin):
    """TFA triplet_semihard_loss on the distance matrix d [n, n] and the same-group matrix."""
    n = d.shape[0]
    adjacency_not = ~same
    # for every (positive column p, anchor a): negatives k of a with d[a, k] > d[a, p]
    tiled = d.repeat(n, 1)                                   # row p*n + a holds d[a, :]
    mask = adjacency_not.repeat(n, 1) & (tiled > d.T.reshape(-1, 1))
    mask_final = (mask.to(d.dtype).sum(1, keepdim=True) > 0).reshape(n, n).T
    outside = masked_minimum(tiled, mask.to(d.dtype)).reshape(n, n).T
    inside = masked_maximum(d, adjacency_not.to(d.dtype)).repeat(1, n)
    chosen = torch.where(mask_final, outside, inside)
    loss = margin + d - chosen
    positives = same.to(d.dtype) - torch.eye(n)
    return torch.clamp(loss * positives, min=0).sum() / positives.sum()


def triplet_mined(margin, distance, mining, normalize, swap=False):
    def reference(a, labels):
        x = F.normalize(a, dim=1) if normalize else a
        ids = group_ids(labels)
        n = x.shape[0]
        d = pairwise(distance, x)
        same = ids[:, None] == ids[None, :]
        pos = same & ~torch.eye(n, dtype=torch.bool)
        neg = ~same
        if mining == "ALL":
            # swap (pytorch-metric-learning TripletMarginLoss(swap=True)): negative distance min(d_an, d_pn)
            negative = torch.minimum(d[:, None, :], d[None, :, :]) if swap else d[:, None, :]
            loss = torch.relu(d[:, :, None] - negative + margin)
            loss = loss[pos[:, :, None] & neg[:, None, :]]
            count = (loss > 0).sum()
            value = loss.sum() / count if count > 0 else loss.sum() * 0
        elif mining == "HARD":
            valid = pos.any(1) & neg.any(1)
            hardest_pos, p_star = torch.where(pos, d, torch.full_like(d, -float("inf"))).max(1)
            hardest_neg, n_star = torch.where(neg, d, torch.full_like(d, float("inf"))).min(1)
            if swap:
                # the mined triplet (a, p*, n*) with PML's swap: min(d(a, n*), d(p*, n*))
                hardest_neg = torch.minimum(hardest_neg, d[p_star, n_star])
            value = torch.relu(hardest_pos - hardest_neg + margin)[valid].mean()
        else:
            value = semi_hard(d, same, margin)
        # the batch's loss spread evenly over its rows
        return value, value * torch.ones(n)
    return reference


def mined_kinks_ok(a, labels, margin, distance, normalize, swap=False):
    x = F.normalize(a, dim=1) if normalize else a
    d = pairwise(distance, x)
    n = d.shape[0]
    off = ~torch.eye(n, dtype=torch.bool)
    gaps = d[:, :, None] - d[:, None, :]
    pair = off[:, :, None] & off[:, None, :] & ~torch.eye(n, dtype=torch.bool)[None, :, :]
    ok = bool((gaps[pair].abs() > KINK).all() and ((gaps[pair] + margin).abs() > KINK).all())
    if swap:
        # every distance against every other: swap decisions and swapped hinges off their kinks
        i, j = torch.triu_indices(n, n, offset=1)
        v = d[i, j]
        all_gaps = (v[:, None] - v[None, :])[~torch.eye(v.shape[0], dtype=torch.bool)]
        ok = ok and bool((all_gaps.abs() > KINK).all() and ((all_gaps + margin).abs() > KINK).all())
    return ok


# ---------------------------------------------------------------- ContrastiveLoss

def contrastive_terms(d, y, margin):
    return 0.5 * (y * d.pow(2) + (1 - y) * torch.relu(margin - d).pow(2))


def contrastive(margin, distance, layout):
    kind = "EXACT_EUCLIDEAN" if distance == "EUCLIDEAN" else "COSINE"

    def reference(a, labels):
        if layout == "BLOCKS":
            n = a.shape[0] // 2
            per = contrastive_terms(row_distance(kind, a[:n], a[n:]), labels[:n, 0], margin)
            return per.mean(), per.repeat(2)
        n = a.shape[0]
        ids = group_ids(labels)
        i, j = torch.triu_indices(n, n, offset=1)
        d = pairwise("EUCLIDEAN" if distance == "EUCLIDEAN" else "COSINE", a)[i, j]
        value = contrastive_terms(d, (ids[i] == ids[j]).to(a.dtype), margin).mean()
        return value, value * torch.ones(n)
    return reference


# ---------------------------------------------------------------- cases

def group_labels(ids, one_hot, groups):
    if one_hot:
        return F.one_hot(ids, groups).to(torch.float64)
    return (10.0 + 3.0 * ids).view(-1, 1)


def draw_ids(n, groups):
    ids = torch.cat([torch.arange(groups).repeat_interleave(2), torch.randint(0, groups, (n - 2 * groups,))])
    return ids[torch.randperm(n)]


def variants(dtypes=("float64", "float32")):
    for masked in (False, True):
        for dtype in dtypes:
            yield masked, dtype


def main():
    cases = []

    # TripletLoss, NONE: BLOCKS [3N, D]
    for distance in ("EUCLIDEAN", "SQUARED_EUCLIDEAN", "COSINE"):
        for opts in ({}, {"swap": True}, {"normalize": True, "margin": 0.5}, {"margin": 0.2},
                     {"swap": True, "normalize": True, "margin": 0.3}):
            for activation in (("identity", "tanh") if opts == {} else ("identity",)):
                margin = opts.get("margin", 1.0)
                swap = opts.get("swap", False)
                normalize = opts.get("normalize", False)
                options = dict(opts)
                if distance != "EUCLIDEAN":
                    options["distance"] = distance
                for masked, dtype in variants():
                    case_id = "TripletLoss/NONE/%s/%s/%s/%s/%s" % (
                        distance, ",".join("%s=%s" % kv for kv in sorted(opts.items())) or "defaults",
                        activation, "rowmask" if masked else "nomask", dtype)
                    fx.seed(case_id)
                    n, dim = 6, 4
                    while True:
                        z = torch.randn(3 * n, dim)
                        x = fx.ACTIVATIONS[activation](fx.to_f32(z))
                        if normalize:
                            x = F.normalize(x, dim=1)
                        kind = distance
                        ap = row_distance(kind, x[:n], x[n:2 * n])
                        an = row_distance(kind, x[:n], x[2 * n:])
                        pn = row_distance(kind, x[n:2 * n], x[2 * n:])
                        neg = torch.minimum(an, pn) if swap else an
                        if (ap - neg + margin).abs().min() > KINK and (an - pn).abs().min() > KINK:
                            break
                    labels = torch.cat([torch.zeros(n), torch.full((2 * n,), 7.0)]).view(3 * n, 1)  # not read
                    mask = torch.ones(3 * n, 1)
                    mask[[1, 4, n + 1, n + 4, 2 * n + 1, 2 * n + 4]] = 0
                    cases.append(fx.case(case_id, TRIPLET, options, activation, dtype, z, labels,
                                         mask if masked else None,
                                         triplet_none(margin, distance, swap, normalize)))

    # TripletLoss, mined: GROUPS [N, D]
    for mining in ("ALL", "HARD", "SEMI_HARD"):
        for distance in ("EUCLIDEAN", "SQUARED_EUCLIDEAN", "COSINE"):
            base_margin = {"EUCLIDEAN": 1.0, "SQUARED_EUCLIDEAN": 2.0, "COSINE": 0.4}[distance]
            for opts in ({"margin": base_margin}, {"margin": 0.3, "normalize": True}):
                for one_hot in (False, True):
                    margin = opts["margin"]
                    normalize = opts.get("normalize", False)
                    activation = "tanh" if normalize else "identity"
                    options = {"mining": mining}
                    if distance != "EUCLIDEAN":
                        options["distance"] = distance
                    if margin != 1.0:
                        options["margin"] = margin
                    if normalize:
                        options["normalize"] = True
                    for masked, dtype in variants():
                        case_id = "TripletLoss/%s/%s/margin=%g%s/%s/%s/%s/%s" % (
                            mining, distance, margin, "/normalize" if normalize else "",
                            "onehot" if one_hot else "ids", activation, "rowmask" if masked else "nomask", dtype)
                        fx.seed(case_id)
                        n, dim, groups = 10, 3, 3
                        ids = draw_ids(n, groups)
                        labels = group_labels(ids, one_hot, groups)
                        while True:
                            z = torch.randn(n, dim)
                            if mined_kinks_ok(fx.ACTIVATIONS[activation](fx.to_f32(z)), labels, margin, distance,
                                              normalize):
                                break
                        mask = torch.ones(n, 1)
                        mask[[1, 4]] = 0
                        cases.append(fx.case(case_id, TRIPLET, options, activation, dtype, z, labels,
                                             mask if masked else None,
                                             triplet_mined(margin, distance, mining, normalize)))

    # TripletLoss, ALL and HARD with swap
    for mining in ("ALL", "HARD"):
        for distance in ("EUCLIDEAN", "SQUARED_EUCLIDEAN", "COSINE"):
            margin = {"EUCLIDEAN": 1.0, "SQUARED_EUCLIDEAN": 2.0, "COSINE": 0.4}[distance]
            options = {"mining": mining, "swap": True}
            if distance != "EUCLIDEAN":
                options["distance"] = distance
            if margin != 1.0:
                options["margin"] = margin
            for masked, dtype in variants():
                case_id = "TripletLoss/%s/%s/margin=%g/swap/ids/identity/%s/%s" % (
                    mining, distance, margin, "rowmask" if masked else "nomask", dtype)
                fx.seed(case_id)
                n, dim, groups = 9, 3, 3
                labels = group_labels(draw_ids(n, groups), False, groups)
                while True:
                    z = torch.randn(n, dim)
                    if mined_kinks_ok(fx.to_f32(z), labels, margin, distance, False, swap=True):
                        break
                mask = torch.ones(n, 1)
                mask[[1, 4]] = 0
                cases.append(fx.case(case_id, TRIPLET, options, "identity", dtype, z, labels,
                                     mask if masked else None,
                                     triplet_mined(margin, distance, mining, False, swap=True)))

    # TripletLoss, mined, with an anchor that has no positive (a group of one row): it is only a negative
    for mining in ("ALL", "HARD", "SEMI_HARD"):
        for masked in (False, True):
            case_id = "TripletLoss/%s/EUCLIDEAN/singleton-group/%s/float64" % (mining, "rowmask" if masked else "nomask")
            fx.seed(case_id)
            ids = torch.tensor([0, 0, 1, 1, 1, 2, 2, 3, 0])
            labels = group_labels(ids, False, 4)
            while True:
                z = torch.randn(9, 3)
                if mined_kinks_ok(z, labels, 1.0, "EUCLIDEAN", False):
                    break
            mask = torch.ones(9, 1)
            mask[[1, 4]] = 0
            cases.append(fx.case(case_id, TRIPLET, {"mining": mining}, "identity", "float64", z, labels,
                                 mask if masked else None, triplet_mined(1.0, "EUCLIDEAN", mining, False)))

    # ContrastiveLoss
    for layout in ("BLOCKS", "GROUPS"):
        for distance in ("EUCLIDEAN", "COSINE"):
            for margin in ((1.0, 2.5) if distance == "EUCLIDEAN" else (1.0, 0.6)):
                for one_hot in ((False,) if layout == "BLOCKS" else (False, True)):
                    for activation in ("identity", "tanh"):
                        options = {}
                        if margin != 1.0:
                            options["margin"] = margin
                        if distance != "EUCLIDEAN":
                            options["distance"] = distance
                        if layout != "BLOCKS":
                            options["layout"] = layout
                        for masked, dtype in variants():
                            case_id = "ContrastiveLoss/%s/%s/margin=%g/%s/%s/%s/%s" % (
                                layout, distance, margin, "onehot" if one_hot else "ids", activation,
                                "rowmask" if masked else "nomask", dtype)
                            fx.seed(case_id)
                            kind = "EXACT_EUCLIDEAN" if distance == "EUCLIDEAN" else "COSINE"
                            if layout == "BLOCKS":
                                n, dim = 8, 3
                                y = (torch.rand(n) < 0.5).to(torch.float64)
                                y[0], y[1] = 1.0, 0.0
                                labels = torch.cat([y, torch.full((n,), 7.0)]).view(2 * n, 1)  # block 1 not read
                                mask = torch.ones(2 * n, 1)
                                mask[[2, 5, n + 2, n + 5]] = 0
                            else:
                                n, dim, groups = 9, 3, 3
                                labels = group_labels(draw_ids(n, groups), one_hot, groups)
                                mask = torch.ones(n, 1)
                                mask[[1, 4]] = 0
                            rows = 2 * n if layout == "BLOCKS" else n
                            while True:
                                z = torch.randn(rows, dim)
                                x = fx.ACTIVATIONS[activation](fx.to_f32(z))
                                if layout == "BLOCKS":
                                    d = row_distance(kind, x[:n], x[n:])
                                else:
                                    i, j = torch.triu_indices(n, n, offset=1)
                                    d = pairwise("EUCLIDEAN" if distance == "EUCLIDEAN" else "COSINE", x)[i, j]
                                if (margin - d).abs().min() > KINK:
                                    break
                            cases.append(fx.case(case_id, CONTRASTIVE, options, activation, dtype, z, labels,
                                                 mask if masked else None, contrastive(margin, distance, layout)))

    fx.write("embedding_distance", "make_embedding_distance_fixtures.py", cases)


if __name__ == "__main__":
    main()
