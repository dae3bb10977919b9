#!/usr/bin/python3
"""Golden values for org.dl4jlosses.ranking: MarginRankingLoss, from
torch.nn.functional.margin_ranking_loss (reduction='mean'; 'none' for the per-pair losses).

    /usr/bin/python3 src/test/python/make_ranking_fixtures.py
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

CLASS = "org.dl4jlosses.ranking.MarginRankingLoss"


def margin_ranking(margin, layout):
    def reference(a, y):
        if layout == "pairs":
            x1, x2, t = a[:, 0], a[:, 1], y[:, 0]
            copies = 1
        else:
            n = a.shape[0] // 2
            x1, x2, t = a[:n, 0], a[n:, 0], y[:n, 0]
            copies = 2
        value = F.margin_ranking_loss(x1, x2, t, margin=margin, reduction="mean")
        per_pair = F.margin_ranking_loss(x1, x2, t, margin=margin, reduction="none")
        assert fx.close(per_pair.mean(), value, 1e-12, 1e-12)
        # BLOCKS: each pair's loss on both of its rows, so the rows sum to 2N x the mean.
        return value, per_pair.repeat(copies)
    return reference


def main():
    cases = []
    for margin in (0.0, 0.5, -0.2):
        for layout in ("pairs", "blocks"):
            for activation in ("identity", "tanh"):
                for masked in (False, True):
                    for dtype in ("float64", "float32"):
                        options = {} if margin == 0.0 else {"margin": margin}
                        case_id = "MarginRankingLoss/%s/margin=%g/%s/%s/%s" % (
                            layout, margin, activation, "rowmask" if masked else "nomask", dtype)
                        fx.seed(case_id)
                        n = 7
                        y = torch.where(torch.rand(n) < 0.5, -1.0, 1.0)
                        # keep every pair off the kink h = 0
                        while True:
                            x = torch.randn(n, 2)
                            a = fx.ACTIVATIONS[activation](x)
                            h = margin - y * (a[:, 0] - a[:, 1])
                            if h.abs().min() > 1e-3:
                                break
                        if layout == "pairs":
                            z, labels = x, y.view(n, 1)
                            mask = torch.ones(n, 1)
                            mask[[1, 4]] = 0
                        else:
                            z = torch.cat([x[:, :1], x[:, 1:]], 0)
                            labels = torch.cat([y, torch.full((n,), 5.0)]).view(2 * n, 1)  # block 1 is not read
                            mask = torch.ones(2 * n, 1)
                            mask[[1, 4, n + 1, n + 4]] = 0
                        cases.append(fx.case(case_id, CLASS, options, activation, dtype, z, labels,
                                             mask if masked else None, margin_ranking(margin, layout)))
    fx.write("ranking", "make_ranking_fixtures.py", cases)


if __name__ == "__main__":
    main()
