#!/usr/bin/python3
"""Golden values for org.dl4jlosses.embedding: CoSentLoss and AnglELoss (pairs of embeddings ranked
by their similarity scores).

CoSENT: sentence-transformers' CoSENTLoss, written again here in torch: similarities of the pairs
(pairwise cosine of F.normalize'd rows), times the scale, every difference s_i - s_j kept where
label_i < label_j (the others pushed down by 1e12), a zero logit appended, torch.logsumexp over all.
AnglE: the same with sentence-transformers' pairwise_angle_sim: each row split in halves (real and
imaginary parts), the product with the conjugate divided by |y|^2, then by |x| / |y|, real and
imaginary parts summed, absolute value. Where a row is zero that divides 0 by 0; there the angle
similarity is taken on F.normalize'd rows, where the divisions are by 1 (the Java loss's definition,
equal to the former for every row of norm >= 1e-12, which this script checks on the other cases).

The loss is one value for the batch (the reference's); each kept row carries it, so the rows sum to
2N x the value (the spec's E x reference value for a BLOCKS layout of 2N rows).

    /usr/bin/python3 src/test/python/make_embedding_pair_fixtures.py
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

PACKAGE = "org.dl4jlosses.embedding."


def pairwise_cos_sim(x, y):
    return (F.normalize(x, p=2, dim=1) * F.normalize(y, p=2, dim=1)).sum(dim=-1)


def pairwise_angle_sim(x, y):
    a, b = torch.chunk(x, 2, dim=1)
    c, d = torch.chunk(y, 2, dim=1)
    z = torch.sum(c ** 2 + d ** 2, dim=1, keepdim=True)
    re = (a * c + b * d) / z
    im = (b * c - a * d) / z
    dz = torch.sum(a ** 2 + b ** 2, dim=1, keepdim=True) ** 0.5
    dw = torch.sum(c ** 2 + d ** 2, dim=1, keepdim=True) ** 0.5
    re = re / (dz / dw)
    im = im / (dz / dw)
    return torch.abs(torch.sum(torch.cat((re, im), dim=1), dim=1))


def normalized_angle_sim(x, y):
    """pairwise_angle_sim's arithmetic on F.normalize'd rows, where |x| = |y| = 1 leaves no division."""
    a, b = torch.chunk(F.normalize(x, p=2, dim=1), 2, dim=1)
    c, d = torch.chunk(F.normalize(y, p=2, dim=1), 2, dim=1)
    return torch.abs(torch.sum(torch.cat((a * c + b * d, b * c - a * d), dim=1), dim=1))


def angle_sim(x, y):
    """pairwise_angle_sim, on normalised rows where a row is (nearly) zero; the two agree elsewhere."""
    if (x.norm(dim=1) < 1e-12).any() or (y.norm(dim=1) < 1e-12).any():
        return normalized_angle_sim(x, y)
    raw = pairwise_angle_sim(x, y)
    assert fx.close(raw.detach(), normalized_angle_sim(x, y).detach(), 1e-12, 1e-12)
    return raw


def cosent(scale, similarity):
    def reference(a, labels):
        n = a.shape[0] // 2
        y = labels[:n, 0]
        scores = similarity(a[:n], a[n:]) * scale
        scores = scores[:, None] - scores[None, :]
        relevant = (y[:, None] < y[None, :]).to(scores.dtype)
        scores = scores - (1 - relevant) * 1e12
        scores = torch.cat((torch.zeros(1, dtype=scores.dtype), scores.view(-1)), dim=0)
        value = torch.logsumexp(scores, dim=0)
        return value, value * torch.ones(2 * n, dtype=scores.dtype)
    return reference


LOSSES = {"CoSentLoss": pairwise_cos_sim, "AnglELoss": angle_sim}


def labels_of(y):
    """Block-0 labels y [n], block 1 holding a value the loss must not read."""
    n = len(y)
    return torch.cat((torch.as_tensor(y, dtype=torch.float64), torch.full((n,), 7.0))).view(2 * n, 1)


def pair_mask(n, masked):
    mask = torch.ones(2 * n, 1)
    for i in masked:
        mask[i] = 0
        mask[n + i] = 0
    return mask


def options_of(scale):
    return {} if scale == 20.0 else {"scale": scale}


def main_cases():
    cases = []
    n, d = 6, 4
    for loss, similarity in LOSSES.items():
        for scale in (20.0, 5.0, 1.5):
            for activation in ("identity", "tanh"):
                for label_form in ("grades", "real"):
                    for masked in (False, True):
                        for dtype in ("float64", "float32"):
                            case_id = "%s/scale=%g/%s/%s/%s/%s" % (loss, scale, activation, label_form,
                                                                   "rowmask" if masked else "nomask", dtype)
                            fx.seed(case_id)
                            z = torch.randn(2 * n, d)
                            if label_form == "grades":
                                y = torch.randint(0, 4, (n,)).double()
                                y[0] = y[1]                       # at least one tie
                            else:
                                y = torch.rand(n) * 2 - 1
                            cases.append(fx.case(case_id, PACKAGE + loss, options_of(scale), activation, dtype, z,
                                                 labels_of(y), pair_mask(n, [1, 4]) if masked else None,
                                                 cosent(scale, similarity)))
    return cases


def extreme_cases():
    """Equal scores (0), one pair, cosines of +-1, a zero row, a large scale, odd D for CoSENT."""
    cases = []
    for loss, similarity in LOSSES.items():
        for dtype in ("float64", "float32"):
            def add(name, z, y, scale=20.0, mask=None, fd_check=True, activation="identity"):
                case_id = "%s/extreme/%s/%s" % (loss, name, dtype)
                cases.append(fx.case(case_id, PACKAGE + loss, options_of(scale), activation, dtype, z, labels_of(y),
                                     mask, cosent(scale, similarity), fd_check=fd_check))

            fx.seed(loss + "/extreme/" + dtype)
            n, d = 5, 4
            add("equal-scores", torch.randn(2 * n, d), [0.5] * n)
            add("one-pair", torch.randn(2, d), [1.0])
            add("all-but-one-masked", torch.randn(2 * n, d), [0.0, 1.0, 2.0, 3.0, 4.0],
                mask=pair_mask(n, [0, 1, 2, 4]))
            left = torch.randn(n, d)
            # pairs 0, 2: same direction (cosine 1); 1, 3: opposite (cosine -1); 4: random
            right = torch.cat((left[0:1] * 2.0, -0.5 * left[1:2], left[2:3] * 0.25, -3.0 * left[3:4],
                               torch.randn(1, d)))
            add("cosines-of-plus-minus-one", torch.cat((left, right)), [0.0, 1.0, 0.3, 0.9, 0.5])
            zero = torch.randn(2 * n, d)
            zero[1] = 0.0
            zero[n + 3] = 0.0
            add("zero-rows", zero, [0.2, 0.4, 0.1, 0.9, 0.5], fd_check=False)
            if dtype == "float64":
                # logits of magnitude 1e3: only a stable log-sum-exp is finite here
                add("scale=1000", torch.randn(2 * n, d), [3.0, 1.0, 2.0, 1.0, 0.0], scale=1000.0, fd_check=False)
                add("scale=1000-tanh", torch.randn(2 * n, d), [0.0, 1.0, 2.0, 3.0, 4.0], scale=1000.0,
                    fd_check=False, activation="tanh")
            if loss == "CoSentLoss":
                add("odd-D", torch.randn(2 * n, 5), [0.1, 0.2, 0.3, 0.4, 0.5])
    return cases


def main():
    fx.write("embedding_pair", "make_embedding_pair_fixtures.py", main_cases() + extreme_cases())


if __name__ == "__main__":
    main()
