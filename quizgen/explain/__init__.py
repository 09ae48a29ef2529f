"""The explanations: worked steps, the misconception catalogue, checking claims, the grading rule."""
