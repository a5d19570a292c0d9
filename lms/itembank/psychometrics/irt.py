"""Item response theory: the 2PL (and Rasch) model, calibration by marginal maximum likelihood, abilities.

Responses are an (n_persons, n_items) float array of 1 (right), 0 (wrong) and NaN (not presented):
with linear-on-the-fly forms every candidate sees only their own items, so missing is the rule.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

A_BOUNDS = (0.05, 6.0)
B_BOUNDS = (-6.0, 6.0)


def probability(theta, a, b):
    """P(right | theta) under the 2PL, for every (theta, item) pair: shape (len(theta), len(a))."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))[:, None]
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)[None, :] * (theta - np.asarray(b, dtype=float)[None, :])))


def item_information(theta, a, b):
    p = probability(theta, a, b)
    return np.asarray(a, dtype=float)[None, :] ** 2 * p * (1.0 - p)


def test_information(theta, a, b):
    return item_information(theta, a, b).sum(axis=1)


def quadrature(points: int = 41, limit: float = 5.0):
    """An equally spaced grid over ability with standard-normal weights (summing to 1)."""
    nodes = np.linspace(-limit, limit, points)
    weights = np.exp(-0.5 * nodes**2)
    return nodes, weights / weights.sum()


def _split(responses):
    responses = np.asarray(responses, dtype=float)
    observed = ~np.isnan(responses)
    right = np.where(observed, responses, 0.0)
    return right, observed.astype(float)


def _log_likelihood(right, observed, nodes, a, b):
    """log L[i, q]: each person's likelihood at each quadrature node, in two matrix products."""
    p = np.clip(probability(nodes, a, b), 1e-12, 1 - 1e-12)  # (Q, J)
    return right @ np.log(p).T + (observed - right) @ np.log1p(-p).T


@dataclass(frozen=True)
class Calibration:
    a: np.ndarray
    b: np.ndarray
    se_a: np.ndarray
    se_b: np.ndarray
    iterations: int
    converged: bool
    log_likelihood: float


def calibrate(responses, model: str = "2pl", points: int = 41, max_iter: int = 500, tol: float = 1e-7,
              newton_steps: int = 2) -> Calibration:
    """Marginal maximum likelihood by EM over a quadrature grid (Bock and Aitkin), fully vectorised.

    The ability distribution is fixed at N(0, 1), which identifies the scale. For the Rasch model
    every slope is 1. Standard errors come from the information of the final M-step.
    """
    if model not in ("2pl", "rasch"):
        raise ValueError("model must be '2pl' or 'rasch'")
    right, observed = _split(responses)
    n_items = right.shape[1]
    nodes, prior = quadrature(points)
    counts = observed.sum(axis=0)
    p_values = np.where(counts > 0, right.sum(axis=0) / np.maximum(counts, 1), 0.5)
    p_values = np.clip(p_values, 0.02, 0.98)
    a = np.ones(n_items)
    c = np.log(p_values / (1 - p_values))  # intercept: logit = a * theta + c, so b = -c / a
    previous = -np.inf
    converged = False
    for iteration in range(1, max_iter + 1):
        b = -c / a
        loglik = _log_likelihood(right, observed, nodes, a, b) + np.log(prior)[None, :]
        top = loglik.max(axis=1, keepdims=True)
        posterior = np.exp(loglik - top)
        marginal = posterior.sum(axis=1, keepdims=True)
        posterior /= marginal
        total = float((np.log(marginal) + top).sum())
        n_jq = observed.T @ posterior  # expected number presented, per item and node
        r_jq = right.T @ posterior     # expected number right
        for _ in range(newton_steps):
            a, c, _cov = _m_step(n_jq, r_jq, nodes, a, c, model)
        if abs(total - previous) <= tol * abs(total):  # relative change of the marginal log-likelihood
            converged = True
            break
        previous = total
    a, c, cov = _m_step(n_jq, r_jq, nodes, a, c, model)
    b = -c / a
    var_a, var_c, cov_ac = cov
    se_a = np.sqrt(np.maximum(var_a, 0.0)) if model == "2pl" else np.zeros(n_items)
    # Delta method for b = -c / a.
    var_b = (var_c + b**2 * var_a + 2 * b * cov_ac) / a**2
    return Calibration(a=a, b=b, se_a=se_a, se_b=np.sqrt(np.maximum(var_b, 0.0)), iterations=iteration,
                       converged=converged, log_likelihood=total)


def _m_step(n_jq, r_jq, nodes, a, c, model):
    """One Newton-Raphson step for every item at once on the expected complete-data likelihood."""
    logit = a[:, None] * nodes[None, :] + c[:, None]
    p = 1.0 / (1.0 + np.exp(-logit))
    resid = r_jq - n_jq * p
    w = n_jq * p * (1 - p)
    g_c = resid.sum(axis=1)
    h_cc = w.sum(axis=1) + 1e-9
    if model == "rasch":
        c = c + g_c / h_cc
        var_c = 1.0 / h_cc
        return np.ones_like(a), np.clip(c, *B_BOUNDS), (np.zeros_like(a), var_c, np.zeros_like(a))
    g_a = (resid * nodes[None, :]).sum(axis=1)
    h_aa = (w * nodes[None, :] ** 2).sum(axis=1) + 1e-9
    h_ac = (w * nodes[None, :]).sum(axis=1)
    det = h_aa * h_cc - h_ac**2
    det = np.where(det > 1e-12, det, 1e-12)
    step_a = (h_cc * g_a - h_ac * g_c) / det
    step_c = (h_aa * g_c - h_ac * g_a) / det
    # Damp large steps: early EM iterations can overshoot.
    scale = np.minimum(1.0, 1.0 / np.maximum(np.abs(step_a), np.abs(step_c)).clip(min=1e-12))
    a_new = np.clip(a + scale * step_a, *A_BOUNDS)
    c_new = c + scale * step_c
    c_new = np.clip(c_new, -a_new * B_BOUNDS[1], -a_new * B_BOUNDS[0])
    return a_new, c_new, (h_cc / det, h_aa / det, -h_ac / det)


def eap(responses, a, b, points: int = 61):
    """Expected a posteriori ability and its posterior standard deviation, per person (missing allowed)."""
    right, observed = _split(np.atleast_2d(responses))
    nodes, prior = quadrature(points)
    loglik = _log_likelihood(right, observed, nodes, np.asarray(a, float), np.asarray(b, float)) + np.log(prior)[None, :]
    posterior = np.exp(loglik - loglik.max(axis=1, keepdims=True))
    posterior /= posterior.sum(axis=1, keepdims=True)
    theta = posterior @ nodes
    sd = np.sqrt(np.maximum(posterior @ nodes**2 - theta**2, 0.0))
    return theta, sd


def simulate(n_persons: int, a, b, rng: np.random.Generator, presented=None):
    """Responses of N(0, 1) persons to items (a, b); ``presented`` (bool mask) leaves the rest NaN."""
    theta = rng.standard_normal(n_persons)
    right = (rng.random((n_persons, len(a))) < probability(theta, a, b)).astype(float)
    if presented is not None:
        right[~presented] = np.nan
    return right, theta
