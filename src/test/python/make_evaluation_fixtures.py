"""Golden values of org.dl4jlosses.evaluation: retrieval and verification metrics of small fixtures.

Writes src/test/resources/fixtures/evaluation/retrieval-and-verification.json, read by EvaluationFixtures. Run with
Debian's python3-torch: /usr/bin/python3 src/test/python/make_evaluation_fixtures.py

Retrieval metrics follow pytorch-metric-learning's AccuracyCalculator
(src/pytorch_metric_learning/utils/accuracy_calculator.py and utils/inference.py, v2), re-written
here in torch from its definitions (the package itself is not installed):

* label_counts: for each distinct query label, the number of references with that label;
* lone queries (get_lone_query_labels): with embeddings_come_from_same_source, labels counted at
  most once (the query alone); otherwise labels with no reference. They are dropped from every
  metric; with no query left, a metric is 0;
* k = "max_bin_count": the largest count, minus 1 with the same source (determine_k); the k-NN
  list is the k (+1 with the same source) nearest, then the query's own index removed
  (return_results: a row without it loses its last column instead);
* precision_at_1 = mean over queries of [label of the nearest == query label];
* r_precision: relevance mask = the first R columns of each row (R = count, minus 1 with the same
  source); mean of (same-label among them) / R;
* mean_average_precision_at_r: mean over rows of sum_{i <= R} P(i) rel(i) / R, P(i) = cumulative
  same-label count / i (mean_average_precision with at_r=True).

What AccuracyCalculator leaves open, fixed here as the Java code does: the k-NN search is exact, by
float64 cosine similarity of L2-normalised rows (its CustomKNN with CosineSimilarity) or Euclidean
distance (FaissKNN's IndexFlatL2), ties broken by the lower reference index (a stable sort).

Added metrics (not in AccuracyCalculator), same ordering: recall@k = fraction of (non-lone) queries
with a same-label reference among the k nearest; MRR = mean of 1 / rank of the first same-label
reference.

Verification: ROC-AUC as the Mann-Whitney statistic from mid-ranks (scipy/sklearn's tie
convention: a tie counts 1/2), EER by linear interpolation between the last threshold where the
false-reject rate is below the false-accept rate and the first where it is not (thresholds at every
score and +inf, accept when score >= threshold).
"""
import json
import os
import zlib
from collections import OrderedDict

import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures", "evaluation", "retrieval-and-verification.json"))


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode("utf-8")))


def scores_of(queries, references, similarity):
    """[Nq, Nr] scores, higher = nearer."""
    if similarity == "cosine":
        q = queries / queries.norm(dim=1, keepdim=True).clamp_min(1e-12)
        r = references / references.norm(dim=1, keepdim=True).clamp_min(1e-12)
        return q @ r.T
    return -torch.cdist(queries, references)


def knn(scores, k, same_source):
    """Indices of the k nearest references per query (stable order), self removed by index."""
    kk = k + 1 if same_source else k
    order = torch.sort(scores, dim=1, descending=True, stable=True).indices[:, :kk]
    if same_source:
        own = order == torch.arange(len(order)).unsqueeze(1)
        missing = ~own.any(dim=1)
        own[missing, -1] = True
        order = order[~own].view(len(order), -1)
    return order


def accuracy_calculator(query_labels, reference_labels, scores, same_source):
    """precision_at_1, r_precision, mean_average_precision_at_r, evaluated, lone, as AccuracyCalculator."""
    unique = torch.unique(query_labels)
    counts = (unique[:, None] == reference_labels[None, :]).sum(dim=1)
    lone_labels = unique[counts - int(same_source) <= 0]
    keep = ~(query_labels[:, None] == lone_labels[None, :]).any(dim=1)
    k = int(counts.max()) - int(same_source)
    if k < 1 or not keep.any():
        return 0.0, 0.0, 0.0, int(keep.sum()), int((~keep).sum())
    knn_labels = reference_labels[knn(scores, k, same_source)][keep]
    gt = query_labels[keep][:, None]
    # precision_at_k with k = 1
    p1 = (knn_labels[:, :1] == gt).sum(dim=1).double() / 1
    # relevance mask: the first R columns of each row
    relevance = torch.zeros(knn_labels.shape, dtype=torch.bool)
    for label, count in zip(unique, counts):
        rows = torch.where(gt[:, 0] == label)[0]
        relevance[rows, : int(count) - int(same_source)] = True
    same = knn_labels == gt
    r_prec = (same * relevance).sum(dim=1).double() / relevance.sum(dim=1)
    equality = same * relevance
    cumulative = torch.cumsum(equality, dim=1)
    k_idx = torch.arange(1, knn_labels.shape[1] + 1).repeat(len(knn_labels), 1)
    precision_at_ks = (cumulative * equality).double() / k_idx
    map_r = (precision_at_ks * relevance).sum(dim=1) / relevance.sum(dim=1)
    return (p1.mean().item(), r_prec.mean().item(), map_r.mean().item(), int(keep.sum()), int((~keep).sum()))


def first_match_ranks(query_labels, reference_labels, scores, same_source):
    """Rank (1-based) of the first same-label reference of each query; 0 when there is none."""
    ranks = []
    order = torch.sort(scores, dim=1, descending=True, stable=True).indices
    for i in range(len(order)):
        row = [int(j) for j in order[i] if not (same_source and int(j) == i)]
        hits = [p for p, j in enumerate(row) if reference_labels[j] == query_labels[i]]
        ranks.append(hits[0] + 1 if hits else 0)
    return torch.tensor(ranks)


def retrieval_case(name, similarity, queries, query_labels, references=None, reference_labels=None, ks=(1, 2, 5, 10)):
    same_source = references is None
    refs = queries if same_source else references
    ref_labels = query_labels if same_source else reference_labels
    s = scores_of(queries, refs, similarity)
    p1, rp, mapr, evaluated, lone = accuracy_calculator(query_labels, ref_labels, s, same_source)
    ranks = first_match_ranks(query_labels, ref_labels, s, same_source)
    found = ranks[ranks > 0].double()
    mrr = (1 / found).mean().item() if len(found) else 0.0
    recall = [((found <= k).double().mean().item() if len(found) else 0.0) for k in ks]
    assert len(found) == evaluated
    assert abs(p1 - ((found == 1).double().mean().item() if len(found) else 0.0)) < 1e-15
    case = OrderedDict(id=name, mode="leave_one_out" if same_source else "split", similarity=similarity,
                       queries=queries.tolist(), query_labels=query_labels.tolist())
    if not same_source:
        case["references"] = references.tolist()
        case["reference_labels"] = reference_labels.tolist()
    case.update(recall_ks=list(ks), precision_at_1=p1, r_precision=rp, map_at_r=mapr, mrr=mrr,
                recall_at_k=recall, evaluated=evaluated, lone=lone)
    return case


def clusters(name, labels, dim, spread):
    """Embeddings around one random centre per label."""
    seed(name)
    labels = torch.tensor(labels)
    centres = torch.randn(int(labels.max()) + 1, dim)
    return centres[labels] + spread * torch.randn(len(labels), dim), labels


def retrieval_cases():
    cases = []
    # leave-one-out, mixed class sizes including single members (lone queries)
    labels = [0] * 6 + [1] * 5 + [2] * 4 + [3] * 3 + [4] * 2 + [5] + [6]
    x, y = clusters("loo_mixed", labels, 4, 0.9)
    cases.append(retrieval_case("loo_mixed_cosine", "cosine", x, y))
    cases.append(retrieval_case("loo_mixed_euclidean", "euclidean", x, y))
    # a larger, noisier set
    labels = [i % 10 for i in range(200)]
    x, y = clusters("loo_large", labels, 8, 1.2)
    cases.append(retrieval_case("loo_large_cosine", "cosine", x, y, ks=(1, 4, 8, 16, 50)))
    # ties: copies of axis vectors (cosines exactly 1, 0 or -1), so the lower index decides
    axes = torch.cat([torch.eye(3), -torch.eye(3)])
    pick = [0, 0, 1, 0, 1, 2, 2, 3, 0, 1, 4, 5, 5, 0]
    lab = [0, 1, 0, 1, 1, 2, 0, 2, 2, 0, 1, 2, 1, 0]
    cases.append(retrieval_case("loo_ties_cosine", "cosine", axes[pick], torch.tensor(lab), ks=(1, 2, 3, 6)))
    # query / reference split: a query label with no reference (lone), references of a label no query has
    xq, yq = clusters("split_q", [0, 0, 1, 1, 2, 2, 3, 3, 4, 7, 7, 5, 6, 6, 1, 0], 5, 1.0)
    centres = clusters("split_q", [0, 1, 2, 3, 4, 5, 6, 7, 8], 5, 0.0)[0]  # the queries' centres
    seed("split_r")
    yr = torch.tensor([0] * 5 + [1] * 4 + [2] * 3 + [3] * 2 + [4] + [5] * 6 + [6] * 2 + [8] * 3)
    xr = centres[yr] + 1.0 * torch.randn(len(yr), 5)
    cases.append(retrieval_case("split_cosine", "cosine", xq, yq, xr, yr))
    cases.append(retrieval_case("split_euclidean", "euclidean", xq, yq, xr, yr))
    # split with ties: queries and references from the axis vectors
    cases.append(retrieval_case("split_ties_cosine", "cosine", axes[[0, 1, 2, 3, 0]], torch.tensor([0, 1, 1, 2, 2]),
                                axes[[0, 0, 1, 2, 3, 4, 1, 0]], torch.tensor([1, 0, 1, 0, 2, 2, 2, 1]), ks=(1, 2, 3)))
    # every query lone: all metrics 0
    x, y = clusters("all_lone", [0, 1, 2, 3], 3, 0.5)
    cases.append(retrieval_case("loo_all_lone", "cosine", x, y))
    return cases


def mann_whitney_auc(genuine, impostor):
    scores = torch.cat([genuine, impostor])
    order = torch.sort(scores, stable=True)
    ranks = torch.empty(len(scores))
    values = order.values
    i = 0
    while i < len(values):  # mid-ranks of tied groups
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order.indices[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    n1, n0 = len(genuine), len(impostor)
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    return (u / (n1 * n0)).item()


def eer(genuine, impostor):
    thresholds = torch.cat([torch.sort(torch.cat([genuine, impostor])).values, torch.tensor([float("inf")])])
    prev_far, prev_frr = 1.0, 0.0
    for t in thresholds:
        far = (impostor >= t).double().mean().item()
        frr = (genuine < t).double().mean().item()
        if frr >= far:
            w = (prev_far - prev_frr) / ((prev_far - prev_frr) + (frr - far))
            return prev_far + w * (far - prev_far)
        prev_far, prev_frr = far, frr
    raise AssertionError("no crossing")


def verification_case(name, genuine, impostor):
    return OrderedDict(id=name, genuine=genuine.tolist(), impostor=impostor.tolist(),
                       roc_auc=mann_whitney_auc(genuine, impostor), eer=eer(genuine, impostor))


def verification_cases():
    cases = []
    seed("scores_normal")
    cases.append(verification_case("scores_normal", torch.randn(40) + 1.0, torch.randn(70)))
    seed("scores_ties")
    g = torch.round(torch.rand(25) * 10) / 10 + 0.2
    n = torch.round(torch.rand(33) * 10) / 10
    cases.append(verification_case("scores_ties", g, n))
    cases.append(verification_case("scores_separated", torch.tensor([0.9, 0.8, 0.95]), torch.tensor([0.1, 0.2])))
    cases.append(verification_case("scores_reversed", torch.tensor([0.1, 0.2]), torch.tensor([0.8, 0.9, 0.85])))
    cases.append(verification_case("scores_one_each", torch.tensor([0.5]), torch.tensor([0.5])))
    return cases


def all_pairs(name, x, y, similarity):
    s = scores_of(x, x, similarity)
    iu = torch.triu_indices(len(x), len(x), offset=1)
    same = y[iu[0]] == y[iu[1]]
    pair_scores = s[iu[0], iu[1]]
    genuine, impostor = pair_scores[same], pair_scores[~same]
    return OrderedDict(id=name, kind="all_pairs", similarity=similarity, embeddings=x.tolist(), labels=y.tolist(),
                       genuine_count=len(genuine), impostor_count=len(impostor),
                       genuine_sum=genuine.sum().item(), impostor_sum=impostor.sum().item(),
                       roc_auc=mann_whitney_auc(genuine, impostor), eer=eer(genuine, impostor))


def centroids(name, xe, ye, xt, yt, similarity):
    ids = torch.unique(ye)
    if similarity == "cosine":
        unit = xe / xe.norm(dim=1, keepdim=True).clamp_min(1e-12)
        c = torch.stack([unit[ye == i].mean(dim=0) for i in ids])
    else:
        c = torch.stack([xe[ye == i].mean(dim=0) for i in ids])
    s = scores_of(xt, c, similarity)
    same = yt[:, None] == ids[None, :]
    genuine, impostor = s[same], s[~same]
    return OrderedDict(id=name, kind="centroids", similarity=similarity, enrolment=xe.tolist(),
                       enrolment_labels=ye.tolist(), test=xt.tolist(), test_labels=yt.tolist(),
                       genuine_count=len(genuine), impostor_count=len(impostor),
                       genuine_sum=genuine.sum().item(), impostor_sum=impostor.sum().item(),
                       roc_auc=mann_whitney_auc(genuine, impostor), eer=eer(genuine, impostor))


def embedding_verification_cases():
    cases = []
    x, y = clusters("pairs", [i % 6 for i in range(40)], 6, 1.1)
    cases.append(all_pairs("pairs_cosine", x, y, "cosine"))
    cases.append(all_pairs("pairs_euclidean", x, y, "euclidean"))
    xe, ye = clusters("enrol", [i % 5 for i in range(20)], 6, 1.0)
    centres = clusters("enrol", [0, 1, 2, 3, 4, 5], 6, 0.0)[0]  # the enrolment's centres
    seed("enrol_test")
    yt = torch.tensor([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 2, 2])  # identity 5 never enrolled: impostor only
    xt = centres[yt] + 1.0 * torch.randn(len(yt), 6)
    cases.append(centroids("centroids_cosine", xe, ye, xt, yt, "cosine"))
    cases.append(centroids("centroids_euclidean", xe, ye, xt, yt, "euclidean"))
    return cases


def main():
    doc = OrderedDict(generator="src/test/python/make_evaluation_fixtures.py", torch=torch.__version__,
                      retrieval=retrieval_cases(), verification=verification_cases(),
                      verification_embeddings=embedding_verification_cases())
    text = json.dumps(doc, allow_nan=False, indent=None)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    for key in ("retrieval", "verification", "verification_embeddings"):
        print(key, [(c["id"], {k: c[k] for k in c if k in ("precision_at_1", "r_precision", "map_at_r", "mrr",
                                                            "evaluated", "lone", "roc_auc", "eer")}) for c in doc[key]])
    print("wrote", OUT)


if __name__ == "__main__":
    main()
