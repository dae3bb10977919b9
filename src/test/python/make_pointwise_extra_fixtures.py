#!/usr/bin/python3
"""Golden values for the point-wise losses added after the first catalogue: KlDivergenceLoss,
AsymmetricLoss (classification), LogCoshLoss, PoissonNllLoss, QuantileLoss and GaussianNllLoss
(regression).

    /usr/bin/python3 src/test/python/make_pointwise_extra_fixtures.py

Each reference is the cited implementation's formula in torch, float64, with reduction 'none':
  KlDivergenceLoss  F.kl_div(F.log_softmax(z / T, 1), q, reduction='none').sum(1) * T^2
                    (batchmean over the rows = the per-row values' mean)
  AsymmetricLoss    the authors' AsymmetricLoss (Ridnik et al. 2021), per element, with the
                    focusing weight differentiated (disable_torch_grad_focal_loss=False); the mean
                    over the K labels instead of their sum
  LogCoshLoss       Keras' LogCosh: x + softplus(-2 x) - log 2, mean over K
  PoissonNllLoss    F.poisson_nll_loss(a, y, log_input, full, eps=eps, reduction='none'), mean over K
  GaussianNllLoss   F.gaussian_nll_loss(mu, y, max(var, eps), full, eps, reduction='none'), var = exp(h)
                    or softplus(h) of the variance heads, mean over K per row
  QuantileLoss      pytorch-forecasting's QuantileLoss.loss: per quantile q the errors e = y - a_q,
                    max((q - 1) e, q e); the mean over the K x Q columns
Element-wise losses take element masks as 1/K sum_k m_k l_k per row (DL4J's convention).
"""
import math

import torch
import torch.nn.functional as F

import coupled_fixtures as fx

PKG = "org.dl4jlosses."
R, K = 5, 4


def elementwise(terms_of):
    """A reference for an element-wise loss: per row 1/K sum_k m_k l_k (all rows, mask applied here)."""
    def reference(a, y, mask):
        m = None if mask is None else mask.expand_as(a)
        if m is not None:
            # The reference never reads a masked label (the cases put garbage there).
            y = torch.where(m != 0, y, torch.zeros_like(y))
        terms = terms_of(a, y)
        if m is not None:
            terms = torch.where(m != 0, terms, torch.zeros_like(terms))
        rows = terms.sum(1) / terms.shape[1]
        return rows.sum() / rows.shape[0], rows
    return reference


def asymmetric_terms(gamma_pos, gamma_neg, clip):
    def terms(a, y):
        # The authors' AsymmetricLoss.forward, per element (eps = 1e-8 clamps never bind here).
        xs_pos = a
        xs_neg = 1 - a
        if clip > 0:
            xs_neg = (xs_neg + clip).clamp(max=1)
        los_pos = y * torch.log(xs_pos.clamp(min=1e-8))
        los_neg = (1 - y) * torch.log(xs_neg.clamp(min=1e-8))
        loss = los_pos + los_neg
        if gamma_neg > 0 or gamma_pos > 0:
            pt = xs_pos * y + xs_neg * (1 - y)
            one_sided_gamma = gamma_pos * y + gamma_neg * (1 - y)
            loss = loss * torch.pow(1 - pt, one_sided_gamma)
        return -loss
    return terms


def log_cosh_terms(a, y):
    x = a - y
    return x + F.softplus(-2 * x) - math.log(2)


def poisson_terms(log_input, full, eps):
    def terms(a, y):
        return F.poisson_nll_loss(a, y, log_input=log_input, full=full, eps=eps, reduction="none")
    return terms


def quantile_reference(quantiles):
    """preOutput [R, K Q] (column k Q + q: quantile q of target k), labels [R, K], mask [R, K] or None."""
    Q = len(quantiles)

    def reference(a, y, mask):
        R_, KQ = a.shape
        K_ = KQ // Q
        if mask is not None:
            y = torch.where(mask != 0, y, torch.zeros_like(y))
        pred = a.view(R_, K_, Q)
        losses = []
        for i, q in enumerate(quantiles):
            errors = y - pred[..., i]
            losses.append(torch.max((q - 1) * errors, q * errors).unsqueeze(-1))
        terms = torch.cat(losses, dim=2)  # [R, K, Q], as pytorch-forecasting stacks them
        if mask is not None:
            terms = torch.where(mask.unsqueeze(-1).expand_as(terms) != 0, terms, torch.zeros_like(terms))
        rows = terms.reshape(R_, KQ).sum(1) / KQ
        return rows.sum() / R_, rows
    return reference


def gaussian_reference(variance, full, eps):
    """preOutput [R, 2K]: the K means, then the K variance heads; labels [R, K]."""
    def reference(a, y):
        K_ = y.shape[1]
        mu, h = a[:, :K_], a[:, K_:]
        var = torch.exp(h) if variance == "LOG" else F.softplus(h)
        # The clamp as a function of var (F.gaussian_nll_loss clamps without tracking it, passing the
        # unclamped derivative through; GaussianNllLoss takes the derivative of the loss as written).
        var = var.clamp(min=eps)
        terms = F.gaussian_nll_loss(mu, y, var, full=full, eps=eps, reduction="none")
        rows = terms.mean(1)
        value = F.gaussian_nll_loss(mu, y, var, full=full, eps=eps, reduction="mean")
        assert fx.close(rows.mean(), value, 1e-12, 1e-12)
        return value, rows
    return reference


def kl_reference(temperature):
    def reference(a, q):
        # a = softmax(z): log a differs from z by a constant per row, so log_softmax(log(a) / T)
        # is log_softmax(z / T).
        if q.shape[1] == 1:
            q = F.one_hot(q[:, 0].long(), a.shape[1]).to(a.dtype)
        logp = F.log_softmax(torch.log(a) / temperature, dim=1)
        rows = F.kl_div(logp, q, reduction="none").sum(1) * temperature ** 2
        value = F.kl_div(logp, q, reduction="batchmean") * temperature ** 2
        assert fx.close(rows.mean(), value, 1e-12, 1e-12)
        return value, rows
    return reference


def to_f32_check(a, y, Q):
    """|y_k - a_{k Q + q}| for every column: the distance to the pinball loss's kink."""
    return (y.repeat_interleave(Q, dim=1) - a).abs()


def masks(element_masks):
    kinds = ["nomask", "rowmask"]
    return kinds + ["elementmask"] if element_masks else kinds


def make_mask(kind):
    if kind == "nomask":
        return None
    if kind == "rowmask":
        m = torch.ones(R, 1)
        m[[1, 3]] = 0
        return m
    m = (torch.rand(R, K) < 0.7).to(torch.float64)
    m[0] = 1
    return m


def options_id(options):
    return ",".join("%s=%s" % (k, v) for k, v in options.items()) or "defaults"


def add_elementwise(cases, name, cls, options, activation, terms, draw):
    for mask_kind in masks(True):
        for dtype in ("float64", "float32"):
            case_id = "%s/%s/%s/%s/%s" % (name, options_id(options), activation, mask_kind, dtype)
            fx.seed(case_id)
            z, y = draw()
            mask = make_mask(mask_kind)
            if mask is not None and mask_kind == "elementmask":
                # Masked entries are not data: garbage labels there must not matter.
                y = torch.where(mask != 0, y, torch.full_like(y, -7.5))
            cases.append(fx.case(case_id, PKG + cls, options, activation, dtype, z, y, mask,
                                 elementwise(terms), masks_in_reference=True))


def main():
    cases = []

    # LogCoshLoss: residuals from tiny to large (both of the formula's forms, |r| < 1 and beyond).
    for activation, scale in (("identity", 3.0), ("identity", 30.0), ("identity", 1e-3), ("tanh", 1.0)):
        name = "LogCoshLoss" if scale == 3.0 or activation == "tanh" else "LogCoshLoss-residuals%g" % scale
        def draw(scale=scale, activation=activation):
            y = torch.randn(R, K) * (0.5 if activation == "tanh" else 1)
            z = y + scale * torch.randn(R, K) if activation == "identity" else torch.randn(R, K)
            return z, y
        add_elementwise(cases, name, "regression.LogCoshLoss", {}, activation, log_cosh_terms, draw)

    # PoissonNllLoss: counts (whole and not), log-rates from identity, rates from a sigmoid.
    def draw_counts():
        y = torch.randint(0, 7, (R, K)).to(torch.float64)
        y[0, 0] = 2.5
        y[1, 1] = 0.0
        y[2, 2] = 1.0
        return torch.randn(R, K), y
    for options, activation in (({}, "identity"), ({"full": True}, "identity"),
                                ({"logInput": False}, "sigmoid"), ({"logInput": False, "full": True, "eps": 0.25}, "sigmoid")):
        log_input = options.get("logInput", True)
        terms = poisson_terms(log_input, options.get("full", False), options.get("eps", 1e-8))
        add_elementwise(cases, "PoissonNllLoss", "regression.PoissonNllLoss", options, activation, terms, draw_counts)

    # AsymmetricLoss: hard and soft multi-label targets, every option, probabilities off the clip's kink.
    for options in ({}, {"gammaPositive": 1.0, "gammaNegative": 2.0, "clip": 0.0},
                    {"gammaPositive": 0.5, "gammaNegative": 0.0, "clip": 0.2}, {"gammaNegative": 3.5, "clip": 0.3}):
        gp = options.get("gammaPositive", 0.0)
        gn = options.get("gammaNegative", 4.0)
        clip = options.get("clip", 0.05)
        for labels in ("binary", "soft"):
            def draw(labels=labels, clip=clip):
                while True:
                    z = 2 * torch.randn(R, K)
                    if (torch.sigmoid(z) - clip).abs().min() > 1e-3:
                        break
                y = (torch.rand(R, K) < 0.4).to(torch.float64) if labels == "binary" else torch.rand(R, K)
                return z, y
            add_elementwise(cases, "AsymmetricLoss-" + labels, "classification.AsymmetricLoss", options, "sigmoid",
                            asymmetric_terms(gp, gn, clip), draw)

    # KlDivergenceLoss: soft targets (with zero entries), one-hot rows and class indices, three temperatures.
    for temperature in (1.0, 4.0, 0.5):
        options = {} if temperature == 1.0 else {"temperature": temperature}
        for labels in ("soft", "onehot", "index"):
            for mask_kind in masks(False):
                for dtype in ("float64", "float32"):
                    case_id = "KlDivergenceLoss/%s/%s/%s/%s" % (options_id(options), labels, mask_kind, dtype)
                    fx.seed(case_id)
                    z = 3 * torch.randn(R, K)
                    cls = torch.randint(0, K, (R,))
                    if labels == "soft":
                        q = torch.softmax(2 * torch.randn(R, K), dim=1)
                        q[0, 1] = 0.0
                        q[2, 0] = 0.0
                        q = q / q.sum(1, keepdim=True)
                    elif labels == "onehot":
                        q = F.one_hot(cls, K).to(torch.float64)
                    else:
                        q = cls.view(R, 1).to(torch.float64)
                    cases.append(fx.case(case_id, PKG + "classification.KlDivergenceLoss", options, "softmax", dtype,
                                         z, q, make_mask(mask_kind), kl_reference(temperature)))

    # QuantileLoss: K = 2 targets, Q quantiles each; predictions off the kink r = 0.
    for quantiles, activation in (([0.5], "identity"), ([0.1, 0.5, 0.9], "identity"), ([0.25, 0.8], "tanh")):
        Q = len(quantiles)
        options = {} if quantiles == [0.5] else {"quantiles": quantiles}
        for mask_kind in masks(True):
            for dtype in ("float64", "float32"):
                case_id = "QuantileLoss/%s/%s/%s/%s" % (options_id(options), activation, mask_kind, dtype)
                fx.seed(case_id)
                y = torch.randn(R, 2) * (0.5 if activation == "tanh" else 1)
                while True:
                    z = torch.randn(R, 2 * Q)
                    a = fx.ACTIVATIONS[activation](z)
                    if (to_f32_check(a, y, Q)).min() > 1e-3:
                        break
                mask = None
                if mask_kind == "rowmask":
                    mask = torch.ones(R, 1)
                    mask[[1, 3]] = 0
                elif mask_kind == "elementmask":
                    mask = torch.ones(R, 2)
                    mask[1, 0] = 0
                    mask[3, 1] = 0
                    y = torch.where(mask != 0, y, torch.full_like(y, float("nan")))
                    y = torch.nan_to_num(y, nan=123.0)
                cases.append(fx.case(case_id, PKG + "regression.QuantileLoss", options, activation, dtype, z, y,
                                     mask, quantile_reference(quantiles), masks_in_reference=True))

    # GaussianNllLoss: K = 3 targets, means then variance heads; one head driven below eps.
    for options in ({}, {"variance": "SOFTPLUS"}, {"full": True, "eps": 0.05}, {"variance": "SOFTPLUS", "full": True}):
        variance = options.get("variance", "LOG")
        for masked in (False, True):
            for dtype in ("float64", "float32"):
                case_id = "GaussianNllLoss/%s/%s/%s" % (options_id(options), "rowmask" if masked else "nomask", dtype)
                fx.seed(case_id)
                y = torch.randn(R, 3)
                z = torch.cat([y + 0.7 * torch.randn(R, 3), torch.randn(R, 3)], dim=1)
                if "eps" in options:
                    z[2, 4] = -6.0 if variance == "LOG" else -8.0   # a variance below eps: clamped
                mask = None
                if masked:
                    mask = torch.ones(R, 1)
                    mask[[1, 3]] = 0
                cases.append(fx.case(case_id, PKG + "regression.GaussianNllLoss", options, "identity", dtype, z, y,
                                     mask, gaussian_reference(variance, options.get("full", False),
                                                              options.get("eps", 1e-6))))

    fx.write("pointwise_extra", "make_pointwise_extra_fixtures.py", cases)


if __name__ == "__main__":
    main()
