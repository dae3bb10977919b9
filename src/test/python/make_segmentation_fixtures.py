#!/usr/bin/python3
"""Golden values for org.dl4jlosses.segmentation: DiceLoss, against MONAI's DiceLoss.

MONAI is not installable here (no PyPI), so monai_dice_loss below re-implements the forward pass
of monai.losses.DiceLoss (MONAI 1.3: include_background, squared_pred, smooth_nr, smooth_dr,
batch, weight, reduction='mean') in torch, and masked pixels are zeroed in input and target as
monai.losses.MaskedDiceLoss does. Rows of the DL4J layout are pixels: R = B x P rows, P
consecutive rows per image, columns = channels, which is [B, C, P] for MONAI.

    /usr/bin/python3 src/test/python/make_segmentation_fixtures.py
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

CLASS = "org.dl4jlosses.segmentation.DiceLoss"


def monai_dice_loss(inp, target, include_background, squared_pred, smooth, batch, weight):
    """monai.losses.DiceLoss(...)(inp, target) for probabilities inp and target [B, C, S], mean reduction."""
    if not include_background and inp.shape[1] > 1:
        inp, target = inp[:, 1:], target[:, 1:]
    axes = [0, 2] if batch else [2]
    intersection = torch.sum(target * inp, dim=axes)
    if squared_pred:
        target, inp = target ** 2, inp ** 2
    denominator = torch.sum(target, dim=axes) + torch.sum(inp, dim=axes)
    f = 1.0 - (2.0 * intersection + smooth) / (denominator + smooth)
    if weight is not None and target.shape[1] != 1:
        f = f * weight
    return f, torch.mean(f)


def dice_reference(opts, rows_per_sample, activation):
    def reference(a, y, mask):
        R, K = a.shape
        if activation == "softmax" and y.shape[1] == 1:
            y = F.one_hot(y[:, 0].long(), K).to(a.dtype)
        m = torch.ones(R, 1) if mask is None else mask
        a, y = a * m, y * m                        # MaskedDiceLoss: masked pixels leave the sums
        P = R if rows_per_sample == 0 else rows_per_sample
        B = R // P
        inp = a.reshape(B, P, K).permute(0, 2, 1)
        tgt = y.reshape(B, P, K).permute(0, 2, 1)
        weight = opts.get("weights")
        if weight is not None:
            weight = torch.tensor(weight)
            if not opts.get("includeBackground", True) and K > 1:
                weight = weight[1:]
        kept = m[:, 0]
        if rows_per_sample and opts.get("smooth", 1.0) == 0:
            # An image with every pixel masked is 0/0 in MONAI; with smooth > 0 its loss is 0, and
            # DiceLoss keeps it at 0 for smooth = 0 too: evaluate MONAI on the other images only.
            present = kept.reshape(B, P).sum(1) > 0
            f, _ = monai_dice_loss(inp[present], tgt[present], opts.get("includeBackground", True),
                                   opts.get("squaredDenominator", False), 0.0, False, weight)
            full = torch.zeros(B, f.shape[1])
            full[present] = f
            f, value = full, full.mean()
        else:
            f, value = monai_dice_loss(inp, tgt, opts.get("includeBackground", True),
                                       opts.get("squaredDenominator", False), opts.get("smooth", 1.0),
                                       rows_per_sample == 0, weight)
        if rows_per_sample == 0:
            rows = value * kept                    # every kept row carries the loss: n x reference
        else:
            per_image = f.mean(1)                  # [B]
            pixels = kept.reshape(B, P).sum(1)
            share = torch.where(pixels > 0, per_image / pixels.clamp(min=1), torch.zeros(B))
            rows = (share.view(B, 1) * kept.reshape(B, P)).reshape(R)
            # sum over rows = sum over images with a kept pixel = B x value (masked images have f = 0)
        return value, rows
    return reference


def labels_for(kind, R, K):
    if kind == "binary":
        return (torch.rand(R, K) < 0.4).double()
    if kind == "soft":
        return torch.rand(R, K)
    if kind == "onehot":
        return F.one_hot(torch.randint(0, K, (R,)), K).double()
    if kind == "index":
        return torch.randint(0, K, (R, 1)).double()
    if kind == "softrows":
        y = torch.rand(R, K)
        return y / y.sum(1, keepdim=True)
    raise ValueError(kind)


def main():
    cases = []
    configs = [
        {},
        {"smooth": 0.0},
        {"smooth": 0.5, "squaredDenominator": True},
        {"includeBackground": False},
        {"weights": [0.5, 2.0, 1.0]},
        {"weights": [0.5, 2.0, 1.0], "includeBackground": False, "squaredDenominator": True},
    ]
    label_kinds = {"sigmoid": ["binary", "soft"], "softmax": ["onehot", "index", "softrows"]}
    for opts in configs:
        for rows_per_sample in (0, 4):
            for activation in ("sigmoid", "softmax"):
                for kind in label_kinds[activation]:
                    for masked in (False, True):
                        for dtype in ("float64", "float32"):
                            options = dict(opts)
                            if rows_per_sample:
                                options["rowsPerSample"] = rows_per_sample
                            name = ",".join("%s=%s" % kv for kv in options.items()) or "default"
                            case_id = "DiceLoss/%s/%s/%s/%s/%s" % (name, activation, kind,
                                                                  "rowmask" if masked else "nomask", dtype)
                            fx.seed(case_id)
                            R, K = 12, 3
                            z = torch.randn(R, K) * 1.5
                            y = labels_for(kind, R, K)
                            mask = None
                            if masked:
                                mask = torch.ones(R, 1)
                                mask[[1, 6, 7]] = 0
                                if rows_per_sample:
                                    mask[8:12] = 0          # one whole image masked
                            examples = R if rows_per_sample == 0 else R // rows_per_sample
                            cases.append(fx.case(case_id, CLASS, options, activation, dtype, z, y, mask,
                                                 dice_reference(options, rows_per_sample, activation),
                                                 examples=examples, masks_in_reference=True))
    fx.write("segmentation", "make_segmentation_fixtures.py", cases)


if __name__ == "__main__":
    main()
