"""Self-checks for the exercises at the end of each notebook, one module per session.

Each check takes the learner's answer, compares it with what the helpers compute, and returns
a `Feedback` that says "Correct" or gives a hint about what is wrong.
"""
