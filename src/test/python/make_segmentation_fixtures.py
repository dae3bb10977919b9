#!/usr/bin/python3
"""Golden values for org.dl4jlosses.segmentation: DiceLoss, TverskyLoss, GeneralizedDiceLoss, DiceCrossEntropyLoss, against MONAI's.

MONAI is not installable here (no PyPI), so monai_dice_loss below re-implements the forward pass
of monai.losses.DiceLoss (MONAI 1.3: include_background, squared_pred, smooth_nr, smooth_dr,
batch, weight, reduction='mean') in torch, and monai_tversky_loss that of monai.losses.TverskyLoss
(alpha, beta, include_background, smooth_nr, smooth_dr, batch, reduction='mean'), with the focal
Tversky exponent 1/gamma of Abraham and Khan (2019) per class and this library's class weights;
and monai_generalized_dice_loss that of monai.losses.GeneralizedDiceLoss (w_type,
include_background, smooth_nr, smooth_dr, batch, reduction='mean'), this library's class weights
multiplying its volume weights; dice_ce_reference adds to Dice the per-pixel term of
monai.losses.DiceCELoss (torch's cross_entropy, or binary_cross_entropy averaged over channels)
and, for gamma > 0, of DiceFocalLoss (MONAI's softmax_focal_loss summed over the classes, its
sigmoid focal loss averaged over the channels, alpha None). Masked pixels are zeroed in input and target as
monai.losses.MaskedDiceLoss does. Rows of the DL4J layout are pixels: R = B x P rows, P consecutive
rows per image, columns = channels, which is [B, C, P] for MONAI.

    /usr/bin/python3 src/test/python/make_segmentation_fixtures.py
"""
import torch
import torch.nn.functional as F

import coupled_fixtures as fx

PKG = "org.dl4jlosses.segmentation."


def monai_tversky_loss(opts):
    """monai.losses.TverskyLoss(alpha, beta, ...)(inp, target), focal exponent 1/gamma, class weights."""
    alpha, beta, gamma = opts.get("alpha", 0.5), opts.get("beta", 0.5), opts.get("gamma", 1.0)

    def loss(inp, target, include_background, squared_pred, smooth, batch, weight):
        if not include_background and inp.shape[1] > 1:
            inp, target = inp[:, 1:], target[:, 1:]
        axes = [0, 2] if batch else [2]
        tp = torch.sum(inp * target, dim=axes)
        fp = alpha * torch.sum(inp * (1 - target), dim=axes)
        fn = beta * torch.sum((1 - inp) * target, dim=axes)
        miss = 1.0 - (tp + smooth) / (tp + fp + fn + smooth)
        # At a perfect overlap (an image whose pixels are all masked) x^(1/gamma) has no finite
        # slope for gamma > 1; TverskyLoss takes it as 0 there, as this clamp does.
        f = torch.where(miss > 0, miss.clamp(min=1e-300) ** (1.0 / gamma), torch.zeros_like(miss))
        if weight is not None and target.shape[1] != 1:
            f = f * weight
        return f, torch.mean(f)
    return loss


def monai_generalized_dice_loss(opts):
    """monai.losses.GeneralizedDiceLoss(w_type, ...)(inp, target), this library's class weights multiplying w."""
    power = {"SQUARE": 2, "SIMPLE": 1, "UNIFORM": 0}[opts.get("weighting", "SQUARE")]

    def loss(inp, target, include_background, squared_pred, smooth, batch, weight):
        if not include_background and inp.shape[1] > 1:
            inp, target = inp[:, 1:], target[:, 1:]
        axes = [0, 2] if batch else [2]
        intersection = torch.sum(target * inp, dim=axes)
        ground_o = torch.sum(target, dim=axes)
        denominator = ground_o + torch.sum(inp, dim=axes)
        w = torch.ones_like(ground_o) if power == 0 else torch.reciprocal(ground_o ** power)
        infs = torch.isinf(w)
        w = torch.where(infs, torch.zeros_like(w), w)
        if batch:
            w = w + infs * torch.max(w)
        else:
            w = w + infs * torch.max(w, dim=1)[0].unsqueeze(1)
        if weight is not None:
            w = w * weight
        reduce = 0 if batch else 1
        numer = 2.0 * (intersection * w).sum(reduce, keepdim=True) + smooth
        denom = (denominator * w).sum(reduce, keepdim=True) + smooth
        f = 1.0 - numer / denom
        return f, torch.mean(f)
    return loss


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


def dice_reference(opts, rows_per_sample, activation, monai=monai_dice_loss, default_smooth=1.0):
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
        if rows_per_sample and opts.get("smooth", default_smooth) == 0:
            # An image with every pixel masked is 0/0 in MONAI; with smooth > 0 its loss is 0, and
            # DiceLoss keeps it at 0 for smooth = 0 too: evaluate MONAI on the other images only.
            present = kept.reshape(B, P).sum(1) > 0
            f, _ = monai(inp[present], tgt[present], opts.get("includeBackground", True),
                                   opts.get("squaredDenominator", False), 0.0, False, weight)
            full = torch.zeros(B, f.shape[1])
            full[present] = f
            f, value = full, full.mean()
        else:
            f, value = monai(inp, tgt, opts.get("includeBackground", True),
                                       opts.get("squaredDenominator", False), opts.get("smooth", default_smooth),
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


def dice_ce_reference(opts, rows_per_sample, activation):
    """lambdaDice x DiceLoss + lambdaCrossEntropy x the mean per-pixel (focal) cross-entropy over all pixels."""
    dice = dice_reference(opts, rows_per_sample, activation)
    lambda_dice, lambda_ce = opts.get("lambdaDice", 1.0), opts.get("lambdaCrossEntropy", 1.0)
    gamma = opts.get("gamma", 0.0)

    def reference(a, y, mask):
        R, K = a.shape
        dice_value, dice_rows = dice(a, y, mask)
        if activation == "softmax":
            if y.shape[1] == 1:
                y = F.one_hot(y[:, 0].long(), K).to(a.dtype)
            # MONAI softmax_focal_loss per class: -(1 - p)^gamma y log p; torch's cross_entropy at gamma 0
            pixel = (-(1 - a) ** gamma * y * torch.log(a)).sum(1)
        else:
            bce = F.binary_cross_entropy(a, y, reduction="none")
            p_t = a * y + (1 - a) * (1 - y)
            pixel = ((1 - p_t) ** gamma * bce).mean(1)
        kept = torch.ones(R) if mask is None else mask[:, 0]
        P = 1 if rows_per_sample == 0 else rows_per_sample
        rows = lambda_dice * dice_rows + lambda_ce * pixel * kept / P
        return lambda_dice * dice_value + lambda_ce * (pixel * kept).sum() / R, rows
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
    tversky = [
        {},
        {"alpha": 0.3, "beta": 0.7},
        {"alpha": 0.3, "beta": 0.7, "gamma": 4.0 / 3.0},
        {"alpha": 0.8, "beta": 0.6, "gamma": 2.0, "smooth": 0.0, "includeBackground": False},
        {"beta": 0.9, "gamma": 0.75, "weights": [0.5, 2.0, 1.0], "smooth": 0.5},
    ]
    generalized = [
        {},
        {"weighting": "SIMPLE", "includeBackground": False},
        {"weighting": "UNIFORM", "smooth": 0.5},
        {"smooth": 0.0, "weights": [0.5, 2.0, 1.0]},
    ]
    dice_ce = [
        {},
        {"lambdaDice": 0.5, "lambdaCrossEntropy": 2.0, "smooth": 0.0},
        {"gamma": 2.0},
        {"gamma": 1.5, "includeBackground": False, "weights": [0.5, 2.0, 1.0], "smooth": 0.5, "squaredDenominator": True},
        {"lambdaCrossEntropy": 0.0},
        {"lambdaDice": 0.0, "gamma": 0.5},
    ]
    for loss, all_opts in (("DiceLoss", configs), ("TverskyLoss", tversky), ("GeneralizedDiceLoss", generalized),
                           ("DiceCrossEntropyLoss", dice_ce)):
        add_cases(cases, loss, all_opts, label_kinds)
    fx.write("segmentation", "make_segmentation_fixtures.py", cases)


def add_cases(cases, loss, configs, label_kinds):
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
                            case_id = "%s/%s/%s/%s/%s/%s" % (loss, name, activation, kind,
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
                            if loss == "DiceCrossEntropyLoss":
                                reference = dice_ce_reference(options, rows_per_sample, activation)
                            else:
                                monai = {"DiceLoss": lambda o: monai_dice_loss, "TverskyLoss": monai_tversky_loss,
                                         "GeneralizedDiceLoss": monai_generalized_dice_loss}[loss](options)
                                smooth = 1e-5 if loss == "GeneralizedDiceLoss" else 1.0
                                reference = dice_reference(options, rows_per_sample, activation, monai, smooth)
                            cases.append(fx.case(case_id, PKG + loss, options, activation, dtype, z, y, mask, reference,
                                                 examples=examples, masks_in_reference=True))


if __name__ == "__main__":
    main()
