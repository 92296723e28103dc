"""Reference ratings for test/fixtures/ratings/battles-300.jsonl, by Chatbot Arena's algorithms
(FastChat fastchat/serve/monitor/elo_analysis.py: compute_elo and compute_elo_mle_with_tie),
re-implemented here with numpy and scipy only (no pandas, no FastChat import):

- online Elo: battles sorted by tstamp, K=4, base 10, scale 400, initial 1000, E_A and E_B each
  by its own formula with `10 **`, ties and both-bad ties scoring 0.5;
- Bradley-Terry: weighted logistic log-loss over the distinct (model_a, model_b, outcome)
  rows, outcome 1 / 0.5 / 0, logit ln(10)·(r_a − r_b), minimised by scipy's L-BFGS-B from
  zeros, then 400·r + 1000 (FastChat's own tolerance is gtol=1e-6; 1e-13 here, so the
  reference is precise to far below the tests' tolerance). Also fitted by Hunter's MM
  algorithm, a second optimiser, as a check of the first.

Run once: python3 test/ratings/reference/fastchat_reference.py (numpy 2.4.6, scipy 1.17.1).
The numbers it prints are written into test/ratings/reference.test.ts.
"""
import json
import math
import pathlib

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

path = pathlib.Path(__file__).parents[2] / "fixtures/ratings/battles-300.jsonl"
rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
rows.sort(key=lambda r: r["tstamp"])  # Python's sort is stable, as the reader's

ratings = {}
for r in rows:
    ra = ratings.setdefault(r["model_a"], 1000.0)
    rb = ratings.setdefault(r["model_b"], 1000.0)
    ea = 1 / (1 + 10 ** ((rb - ra) / 400))
    eb = 1 / (1 + 10 ** ((ra - rb) / 400))
    sa = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie (bothbad)": 0.5}[r["winner"]]
    ratings[r["model_a"]] += 4 * (sa - ea)
    ratings[r["model_b"]] += 4 * (1 - sa - eb)

models = sorted(ratings)
index = {m: i for i, m in enumerate(models)}
counts = {}
for r in rows:
    key = (index[r["model_a"]], index[r["model_b"]], {"model_a": 1.0, "model_b": 0.0}.get(r["winner"], 0.5))
    counts[key] = counts.get(key, 0) + 1
matchups = np.array([[k[0], k[1]] for k in counts])
outcomes = np.array([k[2] for k in counts])
weights = np.array(list(counts.values()), dtype=np.float64)
alpha = math.log(10)


def loss_and_grad(theta):
    p = expit(alpha * (theta[matchups[:, 0]] - theta[matchups[:, 1]]))
    loss = -((np.log(p) * outcomes + np.log(1 - p) * (1 - outcomes)) * weights).sum()
    g = -alpha * (outcomes - p) * weights
    grad = np.zeros_like(theta)
    np.add.at(grad, matchups[:, 0], g)
    np.add.at(grad, matchups[:, 1], -g)
    return loss, grad


fit = minimize(loss_and_grad, np.zeros(len(models)), jac=True, method="L-BFGS-B", options={"maxiter": 1000, "gtol": 1e-13, "ftol": 1e-16})
bt = 400 * fit.x + 1000
bt += 1000 - bt.mean()  # L-BFGS keeps the mean at 0 in exact arithmetic; this removes its rounding

# Hunter's MM (2004): γ_i ← W_i / Σ_j n_ij / (γ_i + γ_j), W_i the points of i (a tie half).
m = len(models)
won = np.zeros((m, m))
for (a, b, s), c in counts.items():
    won[a, b] += s * c
    won[b, a] += (1 - s) * c
games = won + won.T
gamma = np.ones(m)
for _ in range(100000):
    new = won.sum(axis=1) / (games / (gamma[:, None] + gamma[None, :])).sum(axis=1)
    new /= np.exp(np.log(new).mean())
    if np.abs(new - gamma).max() < 1e-15:
        gamma = new
        break
    gamma = new
mm = 1000 + 400 * np.log10(gamma)

print(json.dumps({
    "battles": len(rows),
    "elo": {k: repr(v) for k, v in ratings.items()},
    "bt_lbfgs": {models[i]: repr(float(bt[i])) for i in range(m)},
    "bt_mm": {models[i]: repr(float(mm[i])) for i in range(m)},
    "lbfgs": {"success": bool(fit.success), "nit": int(fit.nit), "grad_max": float(np.abs(loss_and_grad(fit.x)[1]).max())},
}, ensure_ascii=False, indent=1))
