"""Expected values of test/evaluate/macro-ranking.test.ts (scikit-learn 1.2.1, Debian python3-sklearn).
Run with Debian's interpreter: /usr/bin/python3 test/vectors/macro-ranking.py
The label matrix and scores are those of test/vectors/unrelated-policies.py, with a slice `part`."""
import warnings

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

L = ["offensive", "offensive/sexism", "offensive/sexism/misogyny", "offensive/sexism/misandry", "offensive/sexual",
     "offensive/other"]
parent = {"offensive/sexism": "offensive", "offensive/sexism/misogyny": "offensive/sexism",
          "offensive/sexism/misandry": "offensive/sexism", "offensive/sexual": "offensive", "offensive/other": "offensive"}


def close(ls):
    out = set(ls)
    for label in ls:
        p = parent.get(label)
        while p:
            out.add(p)
            p = parent.get(p)
    return [1 if label in out else 0 for label in L]


gold = [["offensive/sexual", "offensive/sexism/misogyny"], ["offensive/sexual", "offensive/other"],
        ["offensive/sexism/misandry", "offensive/other"], [], ["offensive/sexism/misogyny"], ["offensive/sexual"], [],
        ["offensive/other"], ["offensive/sexual", "offensive/sexism/misandry"], []]
leaf = [[0.9, 0.1, 0.4, 0.2], [0.1, 0.1, 0.8, 0.7], [0.2, 0.6, 0.1, 0.3], [0.1, 0.2, 0.1, 0.6], [0.7, 0.1, 0.1, 0.1],
        [0.3, 0.1, 0.95, 0.2], [0.05, 0.05, 0.05, 0.05], [0.1, 0.1, 0.2, 0.55], [0.1, 0.3, 0.85, 0.1],
        [0.45, 0.1, 0.1, 0.1]]
part = ["a", "a", "a", "b", "b", "a", "b", "b", "a", "b"]
yt = np.array([close(g) for g in gold])
S = np.array([[max(mis, man, sex, oth), max(mis, man), mis, man, sex, oth] for mis, man, sex, oth in leaf])
print("scikit-learn", sklearn.__version__)
for v in "ab":
    rows = [i for i, p in enumerate(part) if p == v]
    t, s = yt[rows], S[rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per = average_precision_score(t, s, average=None)
        sk_macro = average_precision_score(t, s, average="macro")
    both = [j for j in range(len(L)) if 0 < t[:, j].sum() < len(rows)]
    aucs = [roc_auc_score(t[:, j], s[:, j]) for j in both]
    print(v, "labels with both classes", [L[j] for j in both])
    print("  AP per label", [float(per[j]) for j in both], "mean", float(np.mean([per[j] for j in both])))
    print("  AUC per label", aucs, "mean", float(np.mean(aucs)))
    print("  scikit-learn average='macro' AP (all labels)", float(sk_macro))
