"""Build-time tools for instructors: decks, the learners' copy and nbgrader assignments.

They read notebooks/, solutions/ and docs/teaching/ and write outside the tracked tree; nothing
here changes a notebook on disk. Run through `python3 course.py slides | student | assignments`.
"""
