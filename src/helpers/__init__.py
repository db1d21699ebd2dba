"""Helpers for the course *Attention from Co-occurrence*: one module per idea.

corpus, cooccurrence, data (01) · glove, evaluate (02) · projection, attention (03) ·
bilinear (04) · positions (05) · heads (06) · block (07) · plots, widgets, exercises (all).
"""
