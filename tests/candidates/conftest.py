from ..exam.conftest import admitted, approve, full_bank, seat  # noqa: F401  (the exam fixtures, shared)
