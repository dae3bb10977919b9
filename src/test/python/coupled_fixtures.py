"""Shared plumbing of the golden-value generators for the coupled losses (spec section 3).

A generator script (make_<family>_fixtures.py) defines, per loss, a *reference* function written
with the cited reference implementation's formula in torch, and calls `case(...)` for each
configuration; `write(...)` stores the cases in src/test/resources/fixtures/<family>.json, in
the format src/test/java/org/dl4jlosses/testing/Fixtures.java reads (the same as pointwise.json):

    id, loss (DL4J JSON: "@class" and the non-default options), activation, dtype,
    z, labels, mask, mean, sum, scoreArray [R, 1], gradient [R, K]

The numbers follow the spec: masked rows are removed before the reference runs (a masked row is
neither an example nor a candidate), `sum` = the sum of the per-row score array = E x the
reference value on the kept rows, `mean` = sum / E over all rows (DL4J's convention), and
`gradient` = d(sum)/dz by autograd in float64, checked against central finite differences.
"float32" cases only round their inputs to float32.
"""
import json
import os
import zlib
from collections import OrderedDict

import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))


def seed(case_id):
    """Seeds torch from the case id, so every case is reproducible on its own."""
    torch.manual_seed(zlib.crc32(case_id.encode("utf-8")))


def to_f32(x):
    return None if x is None else x.to(torch.float32).to(torch.float64)


ACTIVATIONS = {
    "identity": lambda z: z,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def close(a, b, rtol=1e-5, atol=1e-6):
    return bool(torch.allclose(torch.as_tensor(a), torch.as_tensor(b), rtol=rtol, atol=atol))


def case(case_id, loss_class, options, activation, dtype, z, labels, mask, reference, examples=None,
         fd_check=True, masks_in_reference=False):
    """One fixture case.

    reference(a_kept, labels_kept) -> (value, rows): the reference implementation's mean loss on the
    kept rows, and the per-row score array [n] of the kept rows, whose sum must be E_kept x value.
    examples: E for the whole batch (default R); the kept batch's E must be returned consistently by
    the reference (rows.sum() / value).
    masks_in_reference: the reference is called as reference(a, labels, mask) on all rows and applies
    the mask itself (for losses whose units are groups of rows, like Dice's images); it returns the
    per-row array over all R rows.
    """
    if dtype == "float32":
        z, labels, mask = to_f32(z), to_f32(labels), to_f32(mask)
    R, K = z.shape
    kept = torch.ones(R, dtype=torch.bool) if mask is None else mask[:, 0] != 0
    act = ACTIVATIONS[activation]

    def rows_of(zz):
        if masks_in_reference:
            return reference(act(zz), labels, mask)[1]
        full = torch.zeros(R)
        if kept.any():
            _, rows = reference(act(zz)[kept], labels[kept])
            full = full.index_put((kept.nonzero()[:, 0],), rows)
        return full

    zv = z.clone().requires_grad_(True)
    rows = rows_of(zv)
    total = rows.sum()
    (grad,) = torch.autograd.grad(total, zv)
    if masks_in_reference:
        value, _ = reference(act(z), labels, mask)
        assert torch.isfinite(torch.as_tensor(value)), case_id
    elif kept.any():
        value, _ = reference(act(z)[kept], labels[kept])
        assert torch.isfinite(torch.as_tensor(value)), case_id
    assert torch.isfinite(grad).all() and torch.isfinite(rows).all(), case_id + ": finite"
    if fd_check:
        h = 1e-6
        num = torch.zeros(R, K)
        with torch.no_grad():
            for i in range(R):
                for j in range(K):
                    zp = z.clone(); zp[i, j] += h
                    zm = z.clone(); zm[i, j] -= h
                    num[i, j] = (rows_of(zp).sum() - rows_of(zm).sum()) / (2 * h)
        assert close(grad, num), case_id + ": autograd gradient == central finite difference\n%s\n%s" % (grad, num)

    out = OrderedDict()
    out["id"] = case_id
    loss = OrderedDict([("@class", loss_class)])
    loss.update(options)
    out["loss"] = loss
    out["activation"] = activation
    out["dtype"] = dtype
    out["z"] = z.tolist()
    out["labels"] = labels.tolist()
    out["mask"] = None if mask is None else mask.tolist()
    out["sum"] = total.item()
    out["mean"] = total.item() / (R if examples is None else examples)
    out["scoreArray"] = rows.view(R, 1).detach().tolist()
    out["gradient"] = grad.tolist()
    return out


def write(family, generator, cases):
    """Writes src/test/resources/fixtures/<family>.json; ids must be unique."""
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    header = OrderedDict([("generator", "src/test/python/" + generator), ("torch", torch.__version__)])
    dumps = lambda o: json.dumps(o, allow_nan=False)
    text = dumps(header)[:-1] + ",\n \"cases\": [\n" + ",\n".join("  " + dumps(c) for c in cases) + "\n ]\n}\n"
    json.loads(text)
    os.makedirs(FIXTURES, exist_ok=True)
    path = os.path.join(FIXTURES, family + ".json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s: %d cases" % (path, len(cases)))
