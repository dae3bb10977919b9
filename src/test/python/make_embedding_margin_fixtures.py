#!/usr/bin/python3
"""Golden values for org.dl4jlosses.embedding: AdditiveAngularMarginLoss (ArcFace),
CombinedMarginLoss, AdditiveCosineMarginLoss (CosFace) and Ge2eLoss.

ArcFace: insightface's published ArcFace margin (recognition/arcface_torch/losses.py: cos_m, sin_m,
theta = cos(pi - m), sinmm = sin(pi - m) m, easy_margin), followed by F.cross_entropy.
Combined margin: Deng et al.'s cos(m1 theta + m2) - m3 on the target, with insightface's ArcFace
fallback c - m2 sin(pi - m2) - m3 where m1 theta + m2 passes pi (easy margin: the angular part only
where c > 0); for (1, m, 0) it is insightface's ArcFace above, for (1, 0, m) insightface's CosFace
(target - m), both checked against them here; F.cross_entropy after.
GE2E: the paper's definitions (Wan et al., arXiv 1710.10467, eqs. 5-9), written directly with a
loop over utterances and speakers: L2-normalised d-vectors, centroids as means, the utterance's own
centroid leaving it out, S = w cos + b, softmax and contrast losses, mean over utterances.

    /usr/bin/python3 src/test/python/make_embedding_margin_fixtures.py
"""
import math

import torch
import torch.nn.functional as F

import coupled_fixtures as fx

GE2E = "org.dl4jlosses.embedding.Ge2eLoss"


def class_index(labels):
    return labels[:, 0].long() if labels.shape[1] == 1 else labels.argmax(1)


def arcface(scale, margin, easy_margin):
    cos_m, sin_m = math.cos(margin), math.sin(margin)
    theta = math.cos(math.pi - margin)
    sinmm = math.sin(math.pi - margin) * margin

    def reference(a, labels):
        target = class_index(labels)
        rows = torch.arange(a.shape[0])
        logits = a.clone()
        target_logit = a[rows, target]
        sin_theta = torch.sqrt(1.0 - target_logit ** 2)
        cos_theta_m = target_logit * cos_m - sin_theta * sin_m
        if easy_margin:
            final = torch.where(target_logit > 0, cos_theta_m, target_logit)
        else:
            final = torch.where(target_logit > theta, cos_theta_m, target_logit - sinmm)
        logits[rows, target] = final
        logits = logits * scale
        per_row = F.cross_entropy(logits, target, reduction="none")
        value = F.cross_entropy(logits, target, reduction="mean")
        return value, per_row
    return reference


def combined(scale, m1, m2, m3, easy_margin):
    limit = (math.pi - m2) / m1
    threshold = 0.0 if easy_margin else (math.cos(limit) if limit < math.pi else -2.0)
    shift = (0.0 if easy_margin else math.sin(math.pi - m2) * m2) + m3

    def reference(a, labels):
        target = class_index(labels)
        rows = torch.arange(a.shape[0])
        c = a[rows, target]
        margin = torch.cos(m1 * torch.acos(c.clamp(-1 + 1e-12, 1 - 1e-12)) + m2) - m3
        final = torch.where(c > threshold, margin, c - shift)
        logits = a.clone()
        logits[rows, target] = final
        logits = logits * scale
        per_row = F.cross_entropy(logits, target, reduction="none")
        if m1 == 1.0 and m3 == 0.0:
            assert fx.close(per_row, arcface(scale, m2, easy_margin)(a, labels)[1], 1e-9, 1e-9)
        if m1 == 1.0 and m2 == 0.0 and not easy_margin:
            cosface = a.clone()
            cosface[rows, target] = c - m3                # insightface's CosFace
            assert fx.close(per_row, F.cross_entropy(cosface * scale, target, reduction="none"), 1e-9, 1e-9)
        return per_row.mean(), per_row
    return reference




def ge2e(variant, w, b):
    def reference(a, labels):
        ids = class_index(labels).tolist() if labels.shape[1] > 1 else [int(v) for v in labels[:, 0].tolist()]
        e = F.normalize(a, dim=1)
        speakers = sorted(set(ids))
        losses = []
        for i in range(a.shape[0]):
            sims = []
            own = None
            for k in speakers:
                members = [r for r in range(a.shape[0]) if ids[r] == k and r != i]
                centroid = e[members].mean(0)
                if k == ids[i]:
                    own = len(sims)
                sims.append(w * F.cosine_similarity(e[i], centroid, dim=0) + b)
            s = torch.stack(sims)
            if variant == "SOFTMAX":
                losses.append(-s[own] + torch.logsumexp(s, 0))
            else:
                others = torch.cat([s[:own], s[own + 1:]])
                worst = torch.sigmoid(others).max() if len(others) else torch.zeros(())
                losses.append(1 - torch.sigmoid(s[own]) + worst)
        rows = torch.stack(losses)
        return rows.mean(), rows
    return reference


def margin_cases():
    """ArcFace (insightface's own margin as the reference), then the combined margin and CosFace."""
    configs = [
        # loss, options, case-id options, reference, the target cosine where phi has a kink
        ("AdditiveAngularMarginLoss", {}, (64.0, 0.5, False)),
        ("AdditiveAngularMarginLoss", {"scale": 30.0, "margin": 0.3}, (30.0, 0.3, False)),
        ("AdditiveAngularMarginLoss", {"scale": 16.0, "easyMargin": True}, (16.0, 0.5, True)),
        ("AdditiveAngularMarginLoss", {"margin": 0.0}, (64.0, 0.0, False)),
        ("AdditiveAngularMarginLoss", {"scale": 8.0, "margin": 2.0}, (8.0, 2.0, False)),
        ("CombinedMarginLoss", {}, (64.0, 1.0, 0.5, 0.0, False)),
        ("CombinedMarginLoss", {"m2": 0.0, "m3": 0.35}, (64.0, 1.0, 0.0, 0.35, False)),
        ("CombinedMarginLoss", {"scale": 30.0, "m2": 0.3, "m3": 0.2}, (30.0, 1.0, 0.3, 0.2, False)),
        ("CombinedMarginLoss", {"scale": 16.0, "m1": 1.35, "m2": 0.25, "m3": 0.1}, (16.0, 1.35, 0.25, 0.1, False)),
        ("CombinedMarginLoss", {"scale": 8.0, "m1": 0.8, "m2": 0.4}, (8.0, 0.8, 0.4, 0.0, False)),
        ("CombinedMarginLoss", {"scale": 16.0, "m3": 0.1, "easyMargin": True}, (16.0, 1.0, 0.5, 0.1, True)),
        ("AdditiveCosineMarginLoss", {}, (64.0, 1.0, 0.0, 0.35, False)),
        ("AdditiveCosineMarginLoss", {"scale": 30.0, "margin": 0.2}, (30.0, 1.0, 0.0, 0.2, False)),
        ("AdditiveCosineMarginLoss", {"margin": 0.0}, (64.0, 1.0, 0.0, 0.0, False)),
    ]
    cases = []
    n, classes = 8, 5
    for loss, options, params in configs:
        if loss == "AdditiveAngularMarginLoss":
            scale, margin, easy = params
            m1, m2, m3 = 1.0, margin, 0.0
            name = "s=%g,m=%g,easy=%s" % params
            reference = arcface(scale, margin, easy)
        else:
            scale, m1, m2, m3, easy = params
            name = "s=%g,m1=%g,m2=%g,m3=%g,easy=%s" % params
            reference = combined(scale, m1, m2, m3, easy)
        kink = 0.0 if easy else math.cos((math.pi - m2) / m1)
        for activation in ("identity", "tanh"):
            for label_form in ("index", "onehot"):
                for masked in (False, True):
                    for dtype in ("float64", "float32"):
                        case_id = "%s/%s/%s/%s/%s/%s" % (loss, name, activation, label_form,
                                                         "rowmask" if masked else "nomask", dtype)
                        fx.seed(case_id)
                        target = torch.randint(0, classes, (n,))
                        while True:
                            if activation == "identity":
                                z = torch.rand(n, classes) * 1.9 - 0.95
                                # some target cosines on the fallback side, some well inside the margin branch
                                z[0, target[0]] = -0.97
                                z[1, target[1]] = 0.9
                                a = z
                            else:
                                z = torch.randn(n, classes) * 1.2
                                a = torch.tanh(z)
                            t = a[torch.arange(n), target]
                            if (t - kink).abs().min() > 1e-3 and t.abs().max() < 0.999:
                                break
                        if label_form == "index":
                            labels = target.double().view(n, 1)
                        else:
                            labels = F.one_hot(target, classes).double()
                        mask = torch.ones(n, 1)
                        mask[[2, 5]] = 0
                        cases.append(fx.case(case_id, "org.dl4jlosses.embedding." + loss, options, activation, dtype, z,
                                             labels, mask if masked else None, reference))
    return cases


def speaker_ids(sizes):
    ids = [k for k, size in enumerate(sizes) for _ in range(size)]
    order = torch.randperm(len(ids)).tolist()
    return [ids[i] for i in order]


def ge2e_cases():
    cases = []
    configs = [({}, "SOFTMAX", 10.0, -5.0), ({"w": 3.0, "b": 1.0}, "SOFTMAX", 3.0, 1.0),
               ({"variant": "CONTRAST"}, "CONTRAST", 10.0, -5.0),
               ({"variant": "CONTRAST", "w": 4.0, "b": -1.5}, "CONTRAST", 4.0, -1.5)]
    d = 4
    for options, variant, w, b in configs:
        for activation in ("identity", "tanh"):
            for label_form in ("ids", "onehot"):
                for masked in (False, True):
                    for dtype in ("float64", "float32"):
                        case_id = "Ge2eLoss/%s,w=%g,b=%g/%s/%s/%s/%s" % (
                            variant, w, b, activation, label_form, "rowmask" if masked else "nomask", dtype)
                        fx.seed(case_id)
                        ids = speaker_ids([3, 4, 3])
                        n = len(ids)
                        z = torch.randn(n, d)
                        if label_form == "ids":
                            labels = torch.tensor([[7.0 + 5 * k] for k in ids])  # ids are names, not indices
                        else:
                            labels = F.one_hot(torch.tensor(ids), 3).double()
                        # mask one utterance of two different speakers: each keeps at least two
                        first = ids.index(0)
                        second = ids.index(1)
                        mask = torch.ones(n, 1)
                        mask[[first, second]] = 0
                        cases.append(fx.case(case_id, GE2E, options, activation, dtype, z, labels,
                                             mask if masked else None, ge2e(variant, w, b)))
        # one speaker only: SOFTMAX gives 0, CONTRAST keeps 1 - sigma(S_own)
        case_id = "Ge2eLoss/%s,w=%g,b=%g/one-speaker/float64" % (variant, w, b)
        fx.seed(case_id)
        cases.append(fx.case(case_id, GE2E, options, "identity", "float64", torch.randn(4, d),
                             torch.full((4, 1), 3.0), None, ge2e(variant, w, b)))
    return cases


def main():
    fx.write("embedding_margin", "make_embedding_margin_fixtures.py", margin_cases() + ge2e_cases())


if __name__ == "__main__":
    main()
