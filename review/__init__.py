"""The review loop: a store of tasks and answers, Prodigy-format round trips, a local review page,
agreement, adjudication, an audit log and a dataset card.

Submodules are imported on use (``review.store``, ``review.prodigy``, ``review.agreement``,
``review.adjudicate``, ``review.card``, ``review.web``); importing ``review`` itself is cheap.
"""
