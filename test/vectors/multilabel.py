"""Multilabel reference vectors for modeval's tests (scikit-learn, Debian python3-sklearn)."""
# Run with Debian's interpreter: /usr/bin/python3 test/vectors/multilabel.py > test/vectors/multilabel.json
import json, sys
import numpy as np
import sklearn
from sklearn.metrics import precision_recall_fscore_support, f1_score, accuracy_score, hamming_loss

def case(name, labels, y_true, y_pred, note):
    yt = np.array(y_true, dtype=int); yp = np.array(y_pred, dtype=int)
    out = {"note": note, "labels": labels, "y_true": y_true, "y_pred": y_pred}
    for zd in (0, 1):
        p, r, f, s = precision_recall_fscore_support(yt, yp, average=None, zero_division=zd)
        d = {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()}
        for avg in ("micro", "macro", "samples", "weighted"):
            pa, ra, fa, _ = precision_recall_fscore_support(yt, yp, average=avg, zero_division=zd)
            d[avg] = {"precision": float(pa), "recall": float(ra), "f1": float(fa)}
        out[f"zero_division_{zd}"] = d
    out["subset_accuracy"] = float(accuracy_score(yt, yp))
    out["hamming_loss"] = float(hamming_loss(yt, yp))
    out["label_cardinality_true"] = float(yt.sum(1).mean())
    out["label_cardinality_pred"] = float(yp.sum(1).mean())
    return out

rng = np.random.default_rng(20261130)
labels6 = ["offensive", "offensive/sexism", "offensive/sexism/misogyny", "offensive/sexism/misandry", "offensive/sexual", "offensive/other"]
# Random leaf sets closed upward like the taxonomy, 40 rows, with empty rows on both sides.
def closed(leaves):
    row = [0]*6
    for l in leaves:
        row[l] = 1
        if l in (2, 3): row[1] = 1
        row[0] = 1
    return row
yt, yp = [], []
for i in range(40):
    t = [l for l in (2, 3, 4, 5) if rng.random() < 0.18]
    p = [l for l in (2, 3, 4, 5) if (l in t and rng.random() < 0.7) or (l not in t and rng.random() < 0.1)]
    yt.append(closed(t)); yp.append(closed(p))
cases = {
  "about": f"Computed with scikit-learn {sklearn.__version__} (Debian python3-sklearn), numpy {np.__version__}, "
           "sklearn.metrics.precision_recall_fscore_support (average=None/micro/macro/samples/weighted, zero_division 0 and 1), "
           "accuracy_score (subset accuracy), hamming_loss. Generator: test/vectors/multilabel.py.",
  "taxonomy_40": case("taxonomy_40", labels6, yt, yp,
      "SYNTHETIC: 40 rows, random leaf sets closed upward through the fortunes taxonomy; empty rows on both sides (rows with no policy)."),
  "unrelated_policies": case("unrelated_policies", ["hate", "spam", "sexual", "violence"],
      [[1,1,0,0],[1,1,0,0],[0,0,1,1],[1,0,0,0],[0,1,0,0],[0,0,0,0],[0,0,1,0],[1,0,1,0],[0,0,0,0],[0,0,0,1]],
      [[1,0,0,0],[1,1,0,0],[0,0,1,0],[1,0,0,1],[0,1,0,0],[0,0,0,0],[0,0,0,0],[1,0,1,0],[1,0,0,0],[0,0,0,1]],
      "SYNTHETIC: items with two unrelated policies (hate+spam, sexual+violence, hate+sexual), which the fortunes curation lacks."),
  "never_predicted": case("never_predicted", ["a", "b", "c"],
      [[1,0,0],[0,1,0],[1,1,0],[0,0,0]],
      [[1,0,0],[0,0,0],[1,0,0],[0,0,0]],
      "SYNTHETIC: label b never predicted (precision 0/0), label c absent on both sides (all 0/0); rows with empty truth and prediction."),
  "empty_both": case("empty_both", ["a", "b"], [[0,0],[0,0],[1,0]], [[0,0],[0,0],[1,0]],
      "SYNTHETIC: two items with no golden and no predicted label (0/0 for all three per-item ratios: scikit-learn counts zero_division for each) and one exact match."),
  "single_row": case("single_row", ["a", "b"], [[1,0]], [[1,1]], "SYNTHETIC: n = 1."),
}
json.dump(cases, sys.stdout, indent=1)
