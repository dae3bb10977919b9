#!/usr/bin/python3
"""Golden values for org.dl4jlosses.layers.CosineOutputLayer with sub-centers (Deng et al. 2020,
"Sub-center ArcFace"; insightface's layout: weight columns j k + s for sub-center s of class j, the
class's cosine the largest of its k, torch.max over them), followed by insightface's ArcFace
(make_embedding_margin_fixtures.arcface) or CosFace (target - m), mean over the rows.

Each case: input x [N, D] (the layer's input), weights W [D, C k], class labels [N, 1]; the pooled
cosines [N, C], the loss (DL4J's score: the mean over rows), and by autograd in float64 dLoss/dW
and dLoss/dx. Writes src/test/resources/fixtures/layers/subcenter.json.

    /usr/bin/python3 src/test/python/make_subcenter_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

import coupled_fixtures as fx
from make_embedding_margin_fixtures import arcface

ARCFACE = "org.dl4jlosses.embedding.AdditiveAngularMarginLoss"
COSFACE = "org.dl4jlosses.embedding.AdditiveCosineMarginLoss"


def cosface(scale, margin):
    def reference(a, labels):
        target = labels[:, 0].long()
        rows = torch.arange(a.shape[0])
        logits = a.clone()
        logits[rows, target] = a[rows, target] - margin
        per_row = F.cross_entropy(logits * scale, target, reduction="none")
        return per_row.mean(), per_row
    return reference


def case(case_id, loss_class, options, reference, rows, dim, classes, k):
    fx.seed(case_id)
    x = torch.randn(rows, dim, requires_grad=True)
    w = torch.randn(dim, classes * k, requires_grad=True)
    labels = torch.randint(0, classes, (rows, 1)).double()
    units = F.normalize(x, dim=1) @ F.normalize(w, dim=0)
    pooled = units.clamp(-1, 1).view(rows, classes, k).max(dim=2).values
    value, _ = reference(pooled, labels)
    value.backward()
    loss = {"@class": loss_class}
    loss.update(options)
    return {
        "id": case_id, "loss": loss, "subCenters": k,
        "x": x.detach().tolist(), "W": w.detach().tolist(), "labels": labels.tolist(),
        "cosines": pooled.detach().tolist(), "score": value.item(),
        "gradientW": w.grad.tolist(), "gradientX": x.grad.tolist(),
    }


def main():
    cases = []
    for k in (1, 2, 3):
        for easy in (False, True):
            cases.append(case("arcface-k%d-easy%s" % (k, easy), ARCFACE,
                              {"scale": 16.0, "margin": 0.3, "easyMargin": easy} if easy else {"scale": 16.0, "margin": 0.3},
                              arcface(16.0, 0.3, easy), 9, 5, 4, k))
        cases.append(case("cosface-k%d" % k, COSFACE, {"scale": 8.0, "margin": 0.25}, cosface(8.0, 0.25), 7, 6, 3, k))
    out = os.path.join(fx.FIXTURES, "layers", "subcenter.json")
    with open(out, "w") as f:
        json.dump({"generator": "src/test/python/make_subcenter_fixtures.py", "cases": cases}, f)
        f.write("\n")
    print("wrote", len(cases), "cases to", out)


if __name__ == "__main__":
    main()
