"""Intent classifier: train, evaluate, predict, model registry."""
