"""The decision model: a features table built from a dataset, and a model trained on it."""
