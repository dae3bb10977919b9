#!/usr/bin/python3
"""Golden values for org.dl4jlosses.embedding.InfoNceLoss and MultipleNegativesRankingLoss.

References (re-written in torch from their published code, as PyPI is not reachable here):
- InfoNceLoss BLOCKS: info-nce-pytorch `info_nce(query, positive_key, negative_keys, temperature,
  reduction, negative_mode)` (github.com/RElbers/info-nce-pytorch): F.normalize all inputs; without
  negative keys the logits are query @ positive_key.T with target i; with them, column 0 is the
  positive cosine and the rest query @ negatives.T (unpaired, negatives [M, D]) or each query's
  own negatives (paired, [N, M, D]); F.cross_entropy(logits / temperature). `normalize=False`
  skips the F.normalize (our option; the library always normalises).
- InfoNceLoss GROUPS: pytorch-metric-learning `NTXentLoss(temperature)` (GenericPairLoss with all
  ordered positive pairs a != p of one label and all negative pairs of different labels, cosine
  similarity, max-shifted -log(num / den + 1e-20), MeanReducer over positive pairs; zero when there
  are no positive or no negative pairs). `normalize=False` uses dot products.
- MultipleNegativesRankingLoss: sentence-transformers `MultipleNegativesRankingLoss(scale,
  similarity_fct)`: scores = sim(anchors, cat(positives, hard negatives)) * scale, cross_entropy
  with target i; `MultipleNegativesSymmetricRankingLoss` adds cross_entropy(scores[:, :N].T, i) and
  halves. util.cos_sim normalises with F.normalize; util.dot_score is a @ b.T.

Per-row score arrays (what the Java loss puts on each row): BLOCKS losses put query i's loss on
each of its tuple's G rows (sum = G N x mean); NT-Xent spreads its mean evenly over the rows.

    /usr/bin/python3 src/test/python/make_embedding_contrastive_fixtures.py
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

INFO_NCE = "org.dl4jlosses.embedding.InfoNceLoss"
MNRL = "org.dl4jlosses.embedding.MultipleNegativesRankingLoss"


# ----------------------------------------------------------------------------- the references

def info_nce(query, positive_key, negative_keys=None, temperature=0.1, reduction="mean",
             negative_mode="unpaired", normalize=True):
    """info-nce-pytorch's info_nce, plus a switch for its F.normalize."""
    if normalize:
        query, positive_key, negative_keys = [None if x is None else F.normalize(x, dim=-1)
                                              for x in (query, positive_key, negative_keys)]
    if negative_keys is not None:
        positive_logit = torch.sum(query * positive_key, dim=1, keepdim=True)
        if negative_mode == "unpaired":
            negative_logits = query @ negative_keys.transpose(-2, -1)
        else:
            negative_logits = (query.unsqueeze(1) @ negative_keys.transpose(-2, -1)).squeeze(1)
        logits = torch.cat([positive_logit, negative_logits], dim=1)
        labels = torch.zeros(len(logits), dtype=torch.long)
    else:
        logits = query @ positive_key.transpose(-2, -1)
        labels = torch.arange(len(query))
    return F.cross_entropy(logits / temperature, labels, reduction=reduction)


def ntxent(embeddings, ids, temperature, normalize=True):
    """pytorch-metric-learning's NTXentLoss over all pairs of a labelled batch (MeanReducer)."""
    x = F.normalize(embeddings, p=2, dim=1) if normalize else embeddings
    mat = x @ x.T
    same = ids.view(-1, 1) == ids.view(1, -1)
    positive = same & ~torch.eye(len(ids), dtype=torch.bool)
    a1, p = positive.nonzero(as_tuple=True)
    a2, n = (~same).nonzero(as_tuple=True)
    if len(a1) == 0 or len(a2) == 0:
        return mat.sum() * 0, torch.zeros(0)
    pos_pairs = mat[a1, p].unsqueeze(1) / temperature
    neg_pairs = mat[a2, n] / temperature
    n_per_p = (a2.unsqueeze(0) == a1.unsqueeze(1)).to(mat.dtype)
    neg_pairs = neg_pairs * n_per_p
    neg_pairs = neg_pairs.masked_fill(n_per_p == 0, float("-inf"))
    max_val = torch.max(pos_pairs, torch.max(neg_pairs, dim=1, keepdim=True)[0])
    numerator = torch.exp(pos_pairs - max_val).squeeze(1)
    denominator = torch.sum(torch.exp(neg_pairs - max_val), dim=1) + numerator
    losses = -torch.log((numerator / denominator) + 1e-20)
    return losses.mean(), losses


def cos_sim(a, b):
    return F.normalize(a, p=2, dim=1) @ F.normalize(b, p=2, dim=1).T


def dot_score(a, b):
    return a @ b.T


def mnrl(reps, scale, similarity_fct, symmetric, reduction="mean"):
    """sentence-transformers' MultipleNegativesRankingLoss / MultipleNegativesSymmetricRankingLoss."""
    anchor = reps[0]
    scores = similarity_fct(anchor, torch.cat(reps[1:])) * scale
    labels = torch.arange(len(scores))
    forward = F.cross_entropy(scores, labels, reduction=reduction)
    if not symmetric:
        return forward
    backward = F.cross_entropy(scores[:, :len(reps[1])].transpose(0, 1), labels, reduction=reduction)
    return (forward + backward) / 2


# ----------------------------------------------------------------------------- as fixture references

def blocks_of(a, g):
    n = a.shape[0] // g
    return [a[b * n:(b + 1) * n] for b in range(g)], n


def info_nce_blocks(temperature, normalize, k, mode):
    def reference(a, labels):
        blocks, n = blocks_of(a, 2 + k)
        if k == 0:
            negatives = None
        elif mode == "unpaired":
            negatives = torch.cat(blocks[2:])
        else:
            negatives = torch.stack(blocks[2:], dim=1)  # [N, K, D]: query i's own negatives
        kw = dict(temperature=temperature, negative_mode=mode, normalize=normalize)
        value = info_nce(blocks[0], blocks[1], negatives, reduction="mean", **kw)
        per_query = info_nce(blocks[0], blocks[1], negatives, reduction="none", **kw)
        assert fx.close(per_query.mean(), value, 1e-12, 1e-12)
        return value, per_query.repeat(2 + k)
    return reference


def ids_of(labels):
    return labels[:, 0].round().long() if labels.shape[1] == 1 else labels.argmax(dim=1)


def exact_ntxent(embeddings, ids, temperature, normalize=True):
    """The loss's formula without pytorch-metric-learning's 1e-20 inside the log: what the Java loss computes."""
    x = F.normalize(embeddings, p=2, dim=1) if normalize else embeddings
    s = x @ x.T / temperature
    same = ids.view(-1, 1) == ids.view(1, -1)
    positive = same & ~torch.eye(len(ids), dtype=torch.bool)
    if not positive.any() or same.all():
        return s.sum() * 0
    negatives = torch.logsumexp(s.masked_fill(same, float("-inf")), dim=1, keepdim=True)
    return F.softplus(negatives - s)[positive].mean()


def info_nce_groups(temperature, normalize):
    def reference(a, labels):
        value, _ = ntxent(a, ids_of(labels), temperature, normalize)
        # The fixtures stay where PML's 1e-20 floor is immaterial (pair losses well below 46).
        assert fx.close(exact_ntxent(a, ids_of(labels), temperature, normalize), value, 1e-13, 1e-13)
        return value, value.expand(a.shape[0])
    return reference


def mnrl_blocks(scale, similarity, k, symmetric):
    fct = cos_sim if similarity == "COSINE" else dot_score

    def reference(a, labels):
        blocks, n = blocks_of(a, 2 + k)
        value = mnrl(blocks, scale, fct, symmetric)
        per_anchor = mnrl(blocks, scale, fct, symmetric, reduction="none")
        assert fx.close(per_anchor.mean(), value, 1e-12, 1e-12)
        return value, per_anchor.repeat(2 + k)
    return reference


# ----------------------------------------------------------------------------- cases

N, D = 5, 4  # tuples per block (BLOCKS) and embedding width


def variants(base_id):
    for activation in ("identity", "tanh"):
        for masked in (False, True):
            for dtype in ("float64", "float32"):
                yield activation, masked, dtype, "%s/%s/%s/%s" % (
                    base_id, activation, "rowmask" if masked else "nomask", dtype)


def tuple_mask(g, n, masked_tuples=(1, 3)):
    mask = torch.ones(g * n, 1)
    for t in masked_tuples:
        for b in range(g):
            mask[b * n + t] = 0
    return mask


def blocks_cases(cls, name, options, g, reference):
    cases = []
    for activation, masked, dtype, case_id in variants(name):
        fx.seed(case_id)
        z = torch.randn(g * N, D)
        labels = torch.randint(0, 3, (g * N, 1)).double()  # not read
        mask = tuple_mask(g, N) if masked else None
        cases.append(fx.case(case_id, cls, options, activation, dtype, z, labels, mask, reference))
    return cases


def one_hot(ids):
    dense = {v: i for i, v in enumerate(sorted(set(ids)))}
    out = torch.zeros(len(ids), len(dense))
    for r, v in enumerate(ids):
        out[r, dense[v]] = 1
    return out


def groups_cases(name, options, ids, one_hot_labels, reference):
    cases = []
    for activation, masked, dtype, case_id in variants(name):
        fx.seed(case_id)
        z = torch.randn(len(ids), D)
        labels = one_hot(ids) if one_hot_labels else torch.tensor(ids, dtype=torch.float64).view(-1, 1)
        mask = None
        if masked:
            mask = torch.ones(len(ids), 1)
            mask[[1, 4]] = 0
        cases.append(fx.case(case_id, INFO_NCE, options, activation, dtype, z, labels, mask, reference))
    return cases


def main():
    cases = []

    # InfoNceLoss, BLOCKS: (temperature, normalize, K, mode)
    for t, normalize, k, mode in [
        (0.1, True, 0, "UNPAIRED"),
        (0.5, False, 0, "UNPAIRED"),
        (0.1, True, 0, "PAIRED"),   # no negative blocks: the mode is not read
        (0.1, True, 1, "UNPAIRED"),
        (0.05, True, 2, "UNPAIRED"),
        (1.0, False, 2, "UNPAIRED"),
        (0.1, True, 1, "PAIRED"),
        (0.5, False, 2, "PAIRED"),
        (0.05, True, 3, "PAIRED"),
    ]:
        options = {}
        if t != 0.1:
            options["temperature"] = t
        if not normalize:
            options["normalize"] = False
        if k:
            options["negatives"] = k
        if mode != "UNPAIRED":
            options["negativeMode"] = mode
        name = "InfoNceLoss/BLOCKS/t=%g/normalize=%s/K=%d/%s" % (t, normalize, k, mode)
        cases += blocks_cases(INFO_NCE, name, options, 2 + k,
                              info_nce_blocks(t, normalize, k, mode.lower()))

    # InfoNceLoss, GROUPS: (temperature, normalize, ids, one-hot labels, what)
    mixed = [12, 15, 12, 18, 15, 12, 18, 21, 15, 21]      # four groups, each with >= 2 rows
    singletons = [3, 5, 3, 8, 9, 5, 3, 11, 5, 6]          # groups 8, 9, 11, 6 are single rows: negatives only
    for t, normalize, ids, hot, what in [
        (0.1, True, mixed, False, "ids"),
        (0.5, False, mixed, True, "onehot"),
        (0.1, True, mixed, True, "onehot"),
        (0.2, True, singletons, False, "singletons"),
        (0.1, True, [4] * 6, False, "onegroup"),          # no negatives: nothing to learn
        (0.1, True, list(range(6)), False, "distinct"),   # no positives: nothing to learn
    ]:
        options = {"layout": "GROUPS"}
        if t != 0.1:
            options["temperature"] = t
        if not normalize:
            options["normalize"] = False
        name = "InfoNceLoss/GROUPS/t=%g/normalize=%s/%s" % (t, normalize, what)
        cases += groups_cases(name, options, ids, hot, info_nce_groups(t, normalize))

    # MultipleNegativesRankingLoss: (scale, similarity, K, symmetric)
    for scale, similarity, k, symmetric in [
        (20.0, "COSINE", 0, False),
        (20.0, "COSINE", 0, True),
        (10.0, "COSINE", 1, False),
        (20.0, "COSINE", 2, True),
        (1.0, "DOT", 0, False),
        (1.0, "DOT", 1, True),
        (2.5, "DOT", 2, False),
        (0.5, "DOT", 0, True),
    ]:
        options = {}
        if scale != 20.0:
            options["scale"] = scale
        if similarity != "COSINE":
            options["similarity"] = similarity
        if k:
            options["hardNegatives"] = k
        if symmetric:
            options["symmetric"] = True
        name = "MultipleNegativesRankingLoss/scale=%g/%s/K=%d/symmetric=%s" % (scale, similarity, k, symmetric)
        cases += blocks_cases(MNRL, name, options, 2 + k, mnrl_blocks(scale, similarity, k, symmetric))

    fx.write("embedding_contrastive", "make_embedding_contrastive_fixtures.py", cases)


if __name__ == "__main__":
    main()
