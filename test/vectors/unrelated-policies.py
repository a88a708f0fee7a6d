"""Expected values of test/evaluate/unrelated-policies.test.ts (scikit-learn, Debian python3-sklearn).
Run with Debian's interpreter: /usr/bin/python3 test/vectors/unrelated-policies.py"""
import numpy as np, sklearn, json
from sklearn.metrics import precision_recall_fscore_support as prf, roc_auc_score, accuracy_score, hamming_loss
L=["offensive","offensive/sexism","offensive/sexism/misogyny","offensive/sexism/misandry","offensive/sexual","offensive/other"]
parent={"offensive/sexism":"offensive","offensive/sexism/misogyny":"offensive/sexism","offensive/sexism/misandry":"offensive/sexism","offensive/sexual":"offensive","offensive/other":"offensive"}
def close(ls):
    out=set(ls)
    for l in ls:
        p=parent.get(l)
        while p: out.add(p); p=parent.get(p)
    return [1 if l in out else 0 for l in L]
gold=[["offensive/sexual","offensive/sexism/misogyny"],["offensive/sexual","offensive/other"],["offensive/sexism/misandry","offensive/other"],[],["offensive/sexism/misogyny"],["offensive/sexual"],[],["offensive/other"],["offensive/sexual","offensive/sexism/misandry"],[]]
# leaf scores: misogyny, misandry, sexual, other
leaf=[[0.9,0.1,0.4,0.2],[0.1,0.1,0.8,0.7],[0.2,0.6,0.1,0.3],[0.1,0.2,0.1,0.6],[0.7,0.1,0.1,0.1],[0.3,0.1,0.95,0.2],[0.05,0.05,0.05,0.05],[0.1,0.1,0.2,0.55],[0.1,0.3,0.85,0.1],[0.45,0.1,0.1,0.1]]
yt=np.array([close(g) for g in gold])
S=[]
for s in leaf:
    mis,man,sex,oth=s
    sexism=max(mis,man); off=max(sexism,sex,oth)
    S.append([off,sexism,mis,man,sex,oth])
S=np.array(S)
pl=[[L[2+j] for j in range(4) if s[j]>=0.5] for s in leaf]
yp=np.array([close(p) for p in pl])
print(sklearn.__version__)
print("true", yt.tolist()); print("pred", yp.tolist())
for zd in (0,):
  p,r,f,s=prf(yt,yp,average=None,zero_division=zd); print("per", p.tolist(), r.tolist(), f.tolist(), s.tolist())
  print("samples", prf(yt,yp,average='samples',zero_division=zd)[:3]); print("micro", prf(yt,yp,average='micro',zero_division=zd)[:3])
print("auc", [roc_auc_score(yt[:,j],S[:,j]) for j in range(6)])
print("subset", accuracy_score(yt,yp), "hamming", hamming_loss(yt,yp), "card", yt.sum(1).mean(), yp.sum(1).mean())
